package io.waddleperf.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waddleperf.core.result.TestType;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MtuSpecTest {

    @Test
    void mtu_scheme_gives_the_spec_defaults() {
        MtuSpec s = (MtuSpec) TargetParser.parse("mtu://example.net", ProbeOptions.DEFAULTS);
        assertThat(s.testType()).isEqualTo(TestType.MTU);
        assertThat(s.endpoint().host()).isEqualTo("example.net");
        assertThat(s.endpoint().hasPort()).isFalse();
        assertThat(s.minBytes()).as("no min given: the family's floor, known once resolved").isNull();
        assertThat(s.minBytesFor(false)).isEqualTo(576);
        assertThat(s.minBytesFor(true)).isEqualTo(1280);
        assertThat(s.maxBytes()).isEqualTo(9000);
        assertThat(s.attempts()).isEqualTo(3);
        assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(1));
        // 8425 sizes: 14 halvings + min + max + one jump = 17 steps of 3 tries of 1 s, plus 1 s.
        assertThat(s.maxSteps()).isEqualTo(17);
        assertThat(s.budget()).isEqualTo(Duration.ofSeconds(52));
    }

    @Test
    void reads_min_max_count_timeout_and_ipv6_literals() {
        MtuSpec s = (MtuSpec) TargetParser.parse("mtu://[::1]?min=1280&max=1500",
                new ProbeOptions(2, null, Duration.ofMillis(300), null, Map.of()));
        assertThat(s.endpoint().host()).isEqualTo("::1");
        assertThat(s.minBytes()).isEqualTo(1280);
        MtuSpec low = (MtuSpec) TargetParser.parse("mtu://[::1]?min=600", ProbeOptions.DEFAULTS);
        assertThat(low.minBytesFor(true)).as("a min given is the user's choice, also for IPv6").isEqualTo(600);
        assertThat(s.maxBytes()).isEqualTo(1500);
        assertThat(s.attempts()).isEqualTo(2);
        assertThat(s.timeout()).isEqualTo(Duration.ofMillis(300));
        MtuSpec bare = (MtuSpec) TargetParser.forType(TestType.MTU, "10.0.0.1", null, ProbeOptions.DEFAULTS);
        assertThat(bare.endpoint().host()).isEqualTo("10.0.0.1");
        MtuSpec high = (MtuSpec) TargetParser.parse("mtu://h?min=9100", ProbeOptions.DEFAULTS);
        assertThat(high.maxBytes()).isEqualTo(9100);
    }

    @Test
    void rejects_ports_sizes_inverted_ranges_and_unknown_options() {
        assertThatThrownBy(() -> TargetParser.parse("mtu://h:80", ProbeOptions.DEFAULTS)).isInstanceOfSatisfying(
                InvalidSpecException.class, e -> assertThat(e.getMessage()).contains("no port"));
        assertThatThrownBy(() -> TargetParser.parse("mtu://h?min=1500&max=1400", ProbeOptions.DEFAULTS))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.field()).isEqualTo("min"));
        assertThatThrownBy(() -> TargetParser.parse("mtu://h?min=40", ProbeOptions.DEFAULTS)).hasMessageContaining("min");
        assertThatThrownBy(() -> TargetParser.parse("mtu://h?max=70000", ProbeOptions.DEFAULTS)).hasMessageContaining("max");
        assertThatThrownBy(() -> TargetParser.parse("mtu://h?ttl=3", ProbeOptions.DEFAULTS)).hasMessageContaining("ttl");
        assertThatThrownBy(() -> TargetParser.parse("mtu://h", new ProbeOptions(null, null, null, 1400L, Map.of())))
                .hasMessageContaining("min and max");
        assertThatThrownBy(() -> TargetParser.parse("mtu://h", new ProbeOptions(11, null, null, null, Map.of())))
                .hasMessageContaining("attempts");
    }
}
