package io.waddleperf.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waddleperf.core.result.TestType;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IcmpSpecTest {

    private static ProbeSpec parse(String target, ProbeOptions options) {
        return TargetParser.parse(target, options);
    }

    @Test
    void icmp_scheme_gives_the_spec_defaults() {
        IcmpSpec s = (IcmpSpec) parse("icmp://example.net", ProbeOptions.DEFAULTS);
        assertThat(s.testType()).isEqualTo(TestType.ICMP);
        assertThat(s.endpoint().host()).isEqualTo("example.net");
        assertThat(s.endpoint().hasPort()).isFalse();
        assertThat(s.endpoint()).hasToString("example.net");
        assertThat(s.count()).isEqualTo(4);
        assertThat(s.interval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.sizeBytes()).isEqualTo(56);
        assertThat(s.ttl()).isNull();
        assertThat(s.dontFragment()).isFalse();
        assertThat(s.budget()).isEqualTo(Duration.ofSeconds(14));
    }

    @Test
    void reads_ttl_df_size_and_ipv6_literals() {
        IcmpSpec s = (IcmpSpec) parse("icmp://[::1]?ttl=3&df=true", new ProbeOptions(2, null, null, 1400L, Map.of()));
        assertThat(s.endpoint().host()).isEqualTo("::1");
        assertThat(s.ttl()).isEqualTo(3);
        assertThat(s.dontFragment()).isTrue();
        assertThat(s.sizeBytes()).isEqualTo(1400);
        IcmpSpec bare = (IcmpSpec) TargetParser.forType(TestType.ICMP, "10.0.0.1", null, ProbeOptions.DEFAULTS);
        assertThat(bare.endpoint().host()).isEqualTo("10.0.0.1");
    }

    @Test
    void rejects_ports_bad_options_and_floods() {
        assertThatThrownBy(() -> parse("icmp://h:80", ProbeOptions.DEFAULTS)).isInstanceOfSatisfying(InvalidSpecException.class,
                e -> assertThat(e.getMessage()).contains("no port"));
        assertThatThrownBy(() -> parse("icmp://h?ttl=0", ProbeOptions.DEFAULTS)).hasMessageContaining("ttl");
        assertThatThrownBy(() -> parse("icmp://h?hops=3", ProbeOptions.DEFAULTS)).hasMessageContaining("hops");
        assertThatThrownBy(() -> parse("icmp://h", new ProbeOptions(null, Duration.ofMillis(1), null, null, Map.of())))
                .hasMessageContaining("interval");
        assertThatThrownBy(() -> parse("tcp://h:0", ProbeOptions.DEFAULTS)).hasMessageContaining("port 0");
    }
}
