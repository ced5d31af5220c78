package io.waddleperf.core.result;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class FiniteNumbersTest {

    private static JsonNode tree(String json) throws Exception {
        return Json.mapper().readTree(json);
    }

    @Test
    void numbers_a_double_holds_pass_whatever_their_spelling() throws Exception {
        assertThat(FiniteNumbers.firstNonFinite(tree("{\"a\":1.7976931348623157e308,\"b\":-4.9e-324,\"c\":"
                + "123456789012345678901234567890,\"d\":[0,-0.0,1e-400],\"e\":{\"f\":null,\"g\":\"1e400\"}}"), ""))
                .isNull();
        assertThat(FiniteNumbers.firstNonFinite(null, "x")).isNull();
    }

    @Test
    void the_first_number_beyond_a_double_is_found_with_its_path_in_field_order() throws Exception {
        FiniteNumbers.Found f = FiniteNumbers.firstNonFinite(
                tree("{\"ok\":1,\"raw\":{\"list\":[2,{\"x\":-2e308}],\"later\":1e400}}"), "[4]");
        assertThat(f.path()).isEqualTo("[4].raw.list[1].x");
        assertThat(f.text()).isEqualTo("-Infinity");
        FiniteNumbers.Found digits = FiniteNumbers.firstNonFinite(tree("[1,-" + "9".repeat(400) + "]"), "body");
        assertThat(digits.path()).isEqualTo("body[1]");
        assertThat(digits.text()).startsWith("-9999999999999999999").endsWith("(401 characters)");
        assertThat(FiniteNumbers.firstNonFinite(tree("1e400"), "").path()).isEmpty();
    }
}
