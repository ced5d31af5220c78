package io.waddleperf.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waddleperf.core.result.TestType;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MtrSpecTest {

    @Test
    void mtr_scheme_gives_ten_cycles_a_second_apart_one_probe_per_hop() {
        MtrSpec s = (MtrSpec) TargetParser.parse("mtr://example.net", ProbeOptions.DEFAULTS);
        assertThat(s.testType()).isEqualTo(TestType.MTR);
        assertThat(s.cycles()).isEqualTo(10);
        assertThat(s.interval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.path().proto()).isEqualTo("icmp");
        assertThat(s.path().probesPerHop()).isEqualTo(1);
        assertThat(s.path().maxHops()).isEqualTo(30);
        assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(2));
        // A cycle lasts the longer of interval and wait: 10 × 2 s, + 3 s reverse DNS, + 1 s.
        assertThat(s.budget()).isEqualTo(Duration.ofSeconds(24));
    }

    @Test
    void count_sets_the_cycles_and_the_path_options_are_shared_with_traceroute() {
        MtrSpec s = (MtrSpec) TargetParser.parse("mtr://h?proto=tcp&port=443&max_hops=12&resolve=false",
                new ProbeOptions(100, Duration.ofMillis(200), Duration.ofMillis(100), null, Map.of()));
        assertThat(s.cycles()).isEqualTo(100);
        assertThat(s.interval()).isEqualTo(Duration.ofMillis(200));
        assertThat(s.path().proto()).isEqualTo("tcp");
        assertThat(s.endpoint().port()).isEqualTo(443);
        assertThat(s.path().maxHops()).isEqualTo(12);
        assertThat(s.path().resolve()).isFalse();
        assertThat(s.budget()).isEqualTo(Duration.ofMillis(100 * 200 + 1000));
    }

    @Test
    void rejects_too_many_cycles_too_short_an_interval_and_unknown_options() {
        assertThatThrownBy(() -> TargetParser.parse("mtr://h", new ProbeOptions(1001, null, null, null, Map.of())))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.field()).isEqualTo("count"));
        assertThatThrownBy(() -> TargetParser.parse("mtr://h", new ProbeOptions(null, Duration.ofMillis(5), null, null, Map.of())))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.field()).isEqualTo("interval"));
        TracerouteSpecTest.assertField("mtr://h?size=3", "size");
        TracerouteSpecTest.assertField("mtr://h:80", "port");
    }
}
