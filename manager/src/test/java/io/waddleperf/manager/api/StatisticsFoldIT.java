package io.waddleperf.manager.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.waddleperf.core.result.Device;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.Source;
import io.waddleperf.core.result.TestType;
import io.waddleperf.core.result.UuidV7;
import io.waddleperf.manager.Harness;
import io.waddleperf.manager.Harness.Answer;
import io.waddleperf.manager.MutableClock;
import io.waddleperf.manager.store.RollupRepository;
import io.waddleperf.manager.store.TestDatabases.Kind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Statistics answers over real HTTP, on both databases, are the same while the uploads' rollup deltas wait unfolded
 * and after the manager's background folder has folded them: summary (plain, per device, filtered), time series
 * (hourly, daily, auto) and the device view.
 */
class StatisticsFoldIT {

    private static final Instant NOW = Instant.parse("2026-06-10T12:30:20Z");

    /** Figures in multiples of 1/8: their sums are exact in any grouping, so the answers can be compared as text. */
    static ProbeResult result(Random rnd, String target, TestType type, String serial, Instant at) {
        boolean ok = rnd.nextInt(10) != 0;
        return ProbeResult.builder().id(UuidV7.next()).testType(type).target(target).startedAt(at).durationMs(3.0)
                .success(ok).error(ok ? null : "timeout: no answer").source(Source.AGENT)
                .device(new Device(serial, "host-" + serial, null, null, null, null))
                .latencyMs(ok ? 1 + rnd.nextInt(4000) / 8.0 : null)
                .packetLossPercent(ok ? (double) rnd.nextInt(5) : 100.0).build();
    }

    @ParameterizedTest
    @MethodSource("io.waddleperf.manager.store.TestDatabases#kinds")
    void answers_are_the_same_before_and_after_the_folder_folds(Kind kind) throws Exception {
        MutableClock clock = new MutableClock(NOW);
        try (Harness m = Harness.start(kind, Map.of(), clock)) {
            String admin = m.adminLogin();
            RollupRepository rollups = new RollupRepository(m.db());
            String range = "from=" + NOW.minus(Duration.ofDays(3)) + "&to=" + NOW;
            List<String> queries = List.of("summary?" + range, "summary?group_by=device&" + range,
                    "summary?group_by=device,test_type&target=tcp://t1:80&" + range,
                    "timeseries?interval=1h&group_by=test_type&" + range, "timeseries?interval=1d&" + range,
                    "timeseries?" + range, "timeseries?interval=1m&from=" + NOW.minus(Duration.ofHours(2)) + "&to=" + NOW,
                    "device/SN-1?limit=0&" + range);
            Random rnd = new Random(5);
            List<ProbeResult> all = new ArrayList<>();
            // the folder paused: nothing is folded while uploads go on
            Map<String, String> before;
            try (AutoCloseable paused = m.pauseRollupFolding()) {
                for (int b = 0; b < 5; b++) {
                    List<ProbeResult> batch = new ArrayList<>();
                    for (int i = 0; i < 300; i++) {
                        // the last three days, the last two hours weighted: minute, hour and day rows all take part
                        Instant at = NOW.minusSeconds(1 + (i % 3 == 0 ? rnd.nextInt(7200) : rnd.nextInt(3 * 86_400)));
                        batch.add(result(rnd, "tcp://t" + rnd.nextInt(2) + ":80",
                                rnd.nextBoolean() ? TestType.TCP : TestType.ICMP, "SN-" + rnd.nextInt(3), at));
                    }
                    if (b > 0) {
                        batch.add(all.get(rnd.nextInt(all.size()))); // sent again: counted once
                    }
                    Answer a = m.call("POST", "/api/v1/results", admin, batch);
                    assertThat(a.status()).as(a.toString()).isEqualTo(201);
                    all.addAll(batch.subList(0, 300));
                }
                // nothing folded: every figure answered comes from the deltas
                assertThat(rollups.pendingDeltas()).isEqualTo(5);
                assertThat(rollups.count(io.waddleperf.manager.stats.RollupTier.MINUTE)).isZero();
                before = answers(m, admin, queries);
            }
            assertThat(before.get("summary?" + range)).contains("\"count\":");
            JsonNode total = m.call("GET", "/api/v1/statistics/summary?" + range, admin, null).json();
            long counted = 0;
            for (JsonNode g : total.get("groups")) {
                counted += g.get("count").asLong();
            }
            assertThat(counted).isEqualTo(all.size());
            // folding again: the folder folds every delta within its next rounds
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (rollups.pendingDeltas() > 0) {
                assertThat(System.nanoTime()).as("folded within 120 s").isLessThan(deadline);
                Thread.sleep(100);
            }
            assertThat(rollups.count(io.waddleperf.manager.stats.RollupTier.DAY)).isPositive();
            assertThat(answers(m, admin, queries)).isEqualTo(before);
        }
    }

    private static Map<String, String> answers(Harness m, String admin, List<String> queries) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String q : queries) {
            Answer a = m.call("GET", "/api/v1/statistics/" + q, admin, null);
            assertThat(a.status()).as(q + ": " + a).isEqualTo(200);
            out.put(q, a.body());
        }
        return out;
    }
}
