package io.waddleperf.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waddleperf.core.result.TestType;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TracerouteSpecTest {

    private static TracerouteSpec parse(String target) {
        return (TracerouteSpec) TargetParser.parse(target, ProbeOptions.DEFAULTS);
    }

    @Test
    void trace_scheme_gives_an_icmp_trace_with_the_defaults() {
        TracerouteSpec s = parse("trace://example.net");
        assertThat(s.testType()).isEqualTo(TestType.TRACEROUTE);
        assertThat(s.endpoint().host()).isEqualTo("example.net");
        assertThat(s.endpoint().hasPort()).isFalse();
        assertThat(s.proto()).isEqualTo("icmp");
        assertThat(s.maxHops()).isEqualTo(30);
        assertThat(s.probesPerHop()).isEqualTo(3);
        assertThat(s.probeWait()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.resolve()).isTrue();
        assertThat(s.udpPortPerProbe()).isFalse();
        // 30 hops of at most 2 s, the 3 s reverse-DNS budget, 1 s slack.
        assertThat(s.budget()).isEqualTo(Duration.ofSeconds(64));
        assertThat(parse("traceroute://h").testType()).isEqualTo(TestType.TRACEROUTE);
    }

    @Test
    void udp_probes_walk_classic_ports_unless_a_port_is_named() {
        TracerouteSpec classic = parse("trace://h?proto=udp");
        assertThat(classic.endpoint().port()).isEqualTo(TracerouteSpec.UDP_BASE_PORT);
        assertThat(classic.udpPortPerProbe()).isTrue();
        TracerouteSpec fixed = parse("trace://h:53?proto=udp");
        assertThat(fixed.endpoint().port()).isEqualTo(53);
        assertThat(fixed.udpPortPerProbe()).isFalse();
        assertThat(parse("trace://h?proto=udp&port=123").endpoint().port()).isEqualTo(123);
    }

    @Test
    void tcp_probes_go_to_port_80_or_the_named_port() {
        assertThat(parse("trace://h?proto=tcp").endpoint().port()).isEqualTo(80);
        assertThat(parse("trace://h?proto=tcp&port=443").endpoint().port()).isEqualTo(443);
        assertThat(parse("trace://[2001:db8::1]:8443?proto=tcp").endpoint()).satisfies(e -> {
            assertThat(e.host()).isEqualTo("2001:db8::1");
            assertThat(e.port()).isEqualTo(8443);
        });
    }

    @Test
    void count_timeout_max_hops_and_resolve_are_read() {
        TracerouteSpec s = (TracerouteSpec) TargetParser.parse("trace://h?max_hops=8&resolve=false",
                new ProbeOptions(1, null, Duration.ofMillis(500), null, Map.of()));
        assertThat(s.maxHops()).isEqualTo(8);
        assertThat(s.probesPerHop()).isEqualTo(1);
        assertThat(s.probeWait()).isEqualTo(Duration.ofMillis(500));
        assertThat(s.resolve()).isFalse();
        assertThat(s.budget()).isEqualTo(Duration.ofMillis(500 * 8 + 1000));
    }

    @Test
    void rejects_bad_values_naming_the_field() {
        assertField("trace://h:80", "port"); // an icmp trace has no port
        assertField("trace://h?proto=sctp", "proto");
        assertField("trace://h?max_hops=0", "max_hops");
        assertField("trace://h?max_hops=256", "max_hops");
        assertField("trace://h?proto=tcp&port=70000", "port");
        assertField("trace://h?resolve=maybe", "resolve");
        assertField("trace://h?ttl=3", "ttl");
        assertThatThrownBy(() -> TargetParser.parse("trace://h", new ProbeOptions(11, null, null, null, Map.of())))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.field()).isEqualTo("count"));
        assertThatThrownBy(() -> TargetParser.parse("trace://h", new ProbeOptions(null, null, Duration.ofSeconds(31), null, Map.of())))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.field()).isEqualTo("timeout"));
    }

    static void assertField(String target, String field) {
        assertThatThrownBy(() -> TargetParser.parse(target, ProbeOptions.DEFAULTS)).as(target)
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.field()).isEqualTo(field));
    }
}
