package io.waddleperf.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waddleperf.core.result.TestType;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Iperf3SpecTest {

    private static Iperf3Spec parse(String target, Map<String, String> params) {
        return (Iperf3Spec) TargetParser.parse(target, new ProbeOptions(null, null, null, null, params));
    }

    private static void rejects(String field, Map<String, String> params) {
        assertThatThrownBy(() -> parse("iperf3://h", params))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.field()).isEqualTo(field));
    }

    @Test
    void defaults_to_one_tcp_stream_for_ten_seconds_on_port_5201() {
        Iperf3Spec s = parse("iperf3://bw.example", Map.of());
        assertThat(s.testType()).isEqualTo(TestType.IPERF3);
        assertThat(s.endpoint()).isEqualTo(new Endpoint("bw.example", 5201));
        assertThat(s.time()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.parallel()).isEqualTo(1);
        assertThat(s.udp() || s.reverse() || s.bidir()).isFalse();
        assertThat(s.bitrateBitsPerSecond()).isZero();
        assertThat(s.lengthBytes()).isZero();
        assertThat(s.omit()).isEqualTo(Duration.ZERO);
        assertThat(s.protocolDetail()).isEqualTo("tcp");
        assertThat(s.budget()).isGreaterThan(Duration.ofSeconds(10));
    }

    @Test
    void reads_iperf3_style_options_from_params_and_query() {
        Iperf3Spec s = parse("iperf3://h:5300?udp=true&bitrate=100M&length=1400", Map.of("time", "3", "parallel", "4",
                "reverse", "true", "window", "2M", "omit", "1"));
        assertThat(s.endpoint().port()).isEqualTo(5300);
        assertThat(s.udp()).isTrue();
        assertThat(s.bitrateBitsPerSecond()).isEqualTo(100_000_000);
        assertThat(s.lengthBytes()).isEqualTo(1400);
        assertThat(s.windowBytes()).isEqualTo(2 * 1024 * 1024);
        assertThat(s.time()).isEqualTo(Duration.ofSeconds(3));
        assertThat(s.omit()).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.parallel()).isEqualTo(4);
        assertThat(s.reverse()).isTrue();
    }

    @Test
    void rejects_out_of_range_and_contradictory_options() {
        rejects("bidir", Map.of("reverse", "true", "bidir", "true"));
        rejects("parallel", Map.of("parallel", "129"));
        rejects("time", Map.of("time", "0"));
        rejects("time", Map.of("time", "1.5"));
        rejects("length", Map.of("udp", "true", "length", "15"));
        rejects("length", Map.of("length", "2M"));
        rejects("bitrate", Map.of("bitrate", "fast"));
        rejects("omit", Map.of("omit", "601"));
        rejects("count_down", Map.of("count_down", "1"));
    }
}
