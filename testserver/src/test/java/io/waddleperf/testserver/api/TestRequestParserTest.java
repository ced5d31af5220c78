package io.waddleperf.testserver.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waddleperf.core.result.Device;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class TestRequestParserTest {

    private static TestRequest parse(String json, Map<String, String> headers) {
        return TestRequestParser.parse(json.getBytes(StandardCharsets.UTF_8), headers);
    }

    @Test
    void reads_every_field() {
        TestRequest r = parse("""
                {"target":"example.com","protocol":"HTTP/1.1","port":8443,"timeout":2.5,"count":3,"method":"head",
                 "query":"example.org","device_serial":"S1","device_hostname":"h","device_os":"Linux","device_os_version":"6.1"}
                """, Map.of());
        assertThat(r).isEqualTo(new TestRequest("example.com", "HTTP/1.1", 8443, Duration.ofMillis(2500), 3, "HEAD",
                "example.org", new Device("S1", "h", "Linux", "6.1", null, null)));
    }

    @Test
    void accepts_protocol_detail_as_an_alias_and_null_as_absent() {
        TestRequest r = parse("{\"target\":\"h\",\"protocol_detail\":\"tls\",\"port\":null}", Map.of());
        assertThat(r.protocol()).isEqualTo("tls");
        assertThat(r.port()).isNull();
    }

    @Test
    void takes_device_metadata_from_headers_and_lets_the_body_win() {
        Map<String, String> headers = Map.of("X-Device-Serial", "HS", "X-Device-Hostname", "hh",
                "X-Device-OS", "Windows", "X-Device-OS-Version", "11");
        assertThat(parse("{\"target\":\"h\"}", headers).device()).isEqualTo(new Device("HS", "hh", "Windows", "11", null, null));
        assertThat(parse("{\"target\":\"h\",\"device_serial\":\"BS\",\"device_os\":\"Linux\"}", headers).device())
                .isEqualTo(new Device("BS", "hh", "Linux", "11", null, null));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "{                                          | body",
            "[1,2]                                      | body",
            "{\"target\":\"h\"} trailing                | body",
            "{\"target\":\"h\",\"target\":\"i\"}        | body",
            "{}                                         | target",
            "{\"target\":\"\"}                          | target",
            "{\"target\":42}                            | target",
            "{\"target\":\"a b\"}                       | target",
            "{\"target\":\"h\",\"colour\":1}            | colour",
            "{\"target\":\"h\",\"port\":70000}          | port",
            "{\"target\":\"h\",\"port\":0}              | port",
            "{\"target\":\"h\",\"port\":\"80\"}         | port",
            "{\"target\":\"h\",\"port\":80.5}           | port",
            "{\"target\":\"h\",\"count\":0}             | count",
            "{\"target\":\"h\",\"count\":1001}          | count",
            "{\"target\":\"h\",\"timeout\":301}         | timeout",
            "{\"target\":\"h\",\"timeout\":0.5}         | timeout",
            "{\"target\":\"h\",\"timeout\":\"5\"}       | timeout",
            "{\"target\":\"h\",\"method\":\"DELETE\"}   | method",
            "{\"target\":\"h\",\"protocol\":\"raw\",\"protocol_detail\":\"tls\"} | protocol_detail",
            "{\"target\":\"h\",\"device_os\":true}      | device_os",
    })
    void names_the_field_of_each_refusal(String json, String field) {
        assertBadRequest(() -> parse(json, Map.of()), field);
    }

    @Test
    void refuses_an_empty_body_and_an_overlong_target() {
        assertBadRequest(() -> parse("", Map.of()), "body");
        assertBadRequest(() -> parse("{\"target\":\"" + "a".repeat(300) + "\"}", Map.of()), "target");
    }

    @Test
    void an_unknown_empty_key_blames_the_body_not_a_nameless_field() {
        // Found by TestRequestParserFuzzTest: {"": 1} gave a 400 whose field was "".
        assertBadRequest(() -> parse("{\"target\":\"h\",\"\":1}", Map.of()), "body");
        assertBadRequest(() -> parse("{\"target\":\"h\",\"prot\":1}", Map.of()), "prot");
    }

    @Test
    void refuses_overlong_device_headers_naming_the_field() {
        assertBadRequest(() -> parse("{\"target\":\"h\"}", Map.of("X-Device-Hostname", "h".repeat(256))), "device_hostname");
    }

    private static void assertBadRequest(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String field) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.field()).isEqualTo(field);
        });
    }
}
