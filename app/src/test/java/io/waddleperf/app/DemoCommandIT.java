package io.waddleperf.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DemoCommandIT {

    @Test
    void one_round_probes_four_types_successfully_and_exits_0() {
        TestCommandIT.Run r = TestCommandIT.run("demo", "--once");
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        var rows = r.out().lines().filter(l -> l.matches("\\s+(tcp|udp|http|dns)\\s+.*")).toList();
        assertThat(rows).hasSize(4).allSatisfy(row -> assertThat(row).contains(" ok "));
        assertThat(r.out()).contains("listening on 127.0.0.1").contains("test API key");
    }
}
