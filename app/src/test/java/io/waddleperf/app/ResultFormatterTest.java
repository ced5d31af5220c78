package io.waddleperf.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.core.result.Hop;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.Source;
import io.waddleperf.core.result.TestType;
import io.waddleperf.core.result.UuidV7;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResultFormatterTest {

    private static ProbeResult.Builder base() {
        return ProbeResult.builder().id(UuidV7.next()).testType(TestType.TRACEROUTE).target("trace://10.0.0.9")
                .startedAt(Instant.parse("2026-11-27T00:00:00Z")).durationMs(12.0).success(true).source(Source.CLI);
    }

    @Test
    void shows_only_the_latency_figures_that_exist() {
        String text = ResultFormatter.format(base().latencyMs(1.5).minLatencyMs(1.0).maxLatencyMs(2.0).build());
        assertThat(text).contains("min 1.00", "max 2.00").doesNotContain("p50").doesNotContain(", ,");
    }

    @Test
    void prints_a_hop_table_with_silent_hops_as_stars() {
        String text = ResultFormatter.format(base().hopCount(3).hops(List.of(
                new Hop(1, "10.0.0.1", null, 0.0, 3, 1.0, 1.1, 0.9, 1.3, 0.1),
                new Hop(2, null, null, 100.0, 3, null, null, null, null, null),
                new Hop(3, "10.0.0.9", "server.lab", 0.0, 3, 2.0, 2.1, 1.9, 2.3, 0.1))).build());
        assertThat(text).contains("hop  address").contains("  1  10.0.0.1").contains("  2  *").contains("server.lab (10.0.0.9)");
    }

    @Test
    void failures_lead_with_failed_and_the_error() {
        String text = ResultFormatter.format(base().success(false).error("no_reply: nothing came back").build());
        assertThat(text.lines().findFirst().orElseThrow()).contains("FAILED");
        assertThat(text).contains("error            no_reply: nothing came back");
    }
}
