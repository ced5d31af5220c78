package io.waddleperf.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NamesTest {

    @ParameterizedTest
    @CsvSource({
        "httpPort, http_port",
        "port, port",
        "tier1Enabled, tier1_enabled",
        "apiURL, api_url",
        "URLPath, url_path",
        "maxRateBitsPerSecond, max_rate_bits_per_second",
        "ipv6, ipv6",
    })
    void turns_component_names_into_snake_case_keys(String camel, String snake) {
        assertThat(Names.snake(camel)).isEqualTo(snake);
    }

    @Test
    void suggests_the_closest_key_within_a_few_typos_only() {
        List<String> keys = List.of("http_port", "https_port", "bind_address");
        assertThat(Names.suggestion("htp_port", keys)).isEqualTo(" (did you mean 'http_port'?)");
        assertThat(Names.suggestion("http_prot", keys)).isEqualTo(" (did you mean 'http_port'?)");
        assertThat(Names.suggestion("HTTP-PORT", keys)).isEqualTo(" (did you mean 'http_port'?)");
        assertThat(Names.suggestion("colour", keys)).isEmpty();
    }
}
