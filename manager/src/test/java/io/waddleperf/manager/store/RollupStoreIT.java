package io.waddleperf.manager.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.core.result.Device;
import io.waddleperf.core.result.Json;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.Source;
import io.waddleperf.core.result.TestType;
import io.waddleperf.core.result.UuidV7;
import io.waddleperf.manager.stats.LatencyHistogram;
import io.waddleperf.manager.stats.RollupTier;
import io.waddleperf.manager.store.ResultRepository.Incoming;
import io.waddleperf.manager.store.TestDatabases.Kind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Rollups hold exactly what the stored results add up to, on both databases: per tier, bucket and series, counts,
 * sums, extremes and histograms; duplicates count once; concurrent writers into the same buckets lose nothing.
 */
class RollupStoreIT {

    private static final Instant T0 = Instant.parse("2026-04-01T10:00:00Z");

    static ProbeResult result(Random rnd, String target, String serial, Instant at) {
        boolean ok = rnd.nextInt(5) != 0;
        return ProbeResult.builder().id(UuidV7.next()).testType(rnd.nextBoolean() ? TestType.TCP : TestType.HTTP)
                .target(target).startedAt(at).durationMs(5.0).success(ok).error(ok ? null : "timeout: none")
                .source(Source.AGENT).device(serial == null ? null : new Device(serial, "h", null, null, null, null))
                .latencyMs(ok ? 0.5 + rnd.nextDouble() * 200 : null)
                .packetLossPercent(rnd.nextInt(3) == 0 ? null : (double) rnd.nextInt(100))
                .throughputMbps(rnd.nextInt(3) == 0 ? 10 + rnd.nextDouble() * 900 : null).build();
    }

    static Incoming incoming(ProbeResult r) {
        return new Incoming(r, Json.write(r));
    }

    /** What one rollup row must hold, computed from the raw results in Java. */
    private static final class Expected {
        long count;
        long ok;
        long latencies;
        double latencySum;
        double min = Double.MAX_VALUE;
        double max = -1;
        long losses;
        double lossSum;
        long throughputs;
        double throughputSum;

        void add(ProbeResult r) {
            count++;
            ok += r.success() ? 1 : 0;
            if (r.latencyMs() != null) {
                latencies++;
                latencySum += r.latencyMs();
                min = Math.min(min, r.latencyMs());
                max = Math.max(max, r.latencyMs());
            }
            if (r.packetLossPercent() != null) {
                losses++;
                lossSum += r.packetLossPercent();
            }
            if (r.throughputMbps() != null) {
                throughputs++;
                throughputSum += r.throughputMbps();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.waddleperf.manager.store.TestDatabases#kinds")
    void every_tier_holds_exactly_the_sums_of_the_stored_results_and_duplicates_count_once(Kind kind) {
        try (TestDatabases.Opened t = TestDatabases.open(kind)) {
            ResultRepository results = new ResultRepository(t.db());
            RollupRepository rollups = new RollupRepository(t.db());
            Random rnd = new Random(7);
            UUID ou = new OrganizationRepository(t.db()).create("ou", null, T0).id();
            List<ProbeResult> all = new ArrayList<>();
            for (int b = 0; b < 6; b++) {
                List<Incoming> batch = new ArrayList<>();
                for (int i = 0; i < 150; i++) {
                    ProbeResult r = result(rnd, "tcp://t" + rnd.nextInt(3) + ":1", rnd.nextBoolean() ? "SN-" + rnd.nextInt(2) : null,
                            T0.plusSeconds(rnd.nextInt(3 * 86_400)));
                    batch.add(incoming(r));
                    all.add(r);
                }
                // the previous batch's first results again: duplicates add nothing
                if (b > 0) {
                    batch.add(incoming(all.get((b - 1) * 150)));
                    batch.add(incoming(all.get((b - 1) * 150 + 1)));
                }
                results.store(batch, ou, null, T0);
            }
            for (RollupTier tier : RollupTier.values()) {
                Map<String, Expected> expected = new HashMap<>();
                for (ProbeResult r : all) {
                    expected.computeIfAbsent(tier.floor(r.startedAt()) + "|" + r.target() + "|" + r.testType().wireName() + "|"
                            + (r.device() == null ? null : r.device().serial()), k -> new Expected()).add(r);
                }
                Map<String, RollupRepository.Row> actual = new HashMap<>();
                rollups.scan(tier, new ResultScope.Ou(ou), RollupRepository.Filter.NONE, T0.minusSeconds(86_400 * 2),
                        T0.plusSeconds(86_400 * 5), row -> actual.put(row.bucketStart() + "|" + row.target() + "|"
                                + row.testType() + "|" + row.deviceSerial(), row));
                assertThat(actual.keySet()).as(tier.name()).isEqualTo(expected.keySet());
                expected.forEach((key, e) -> {
                    RollupRepository.Row a = actual.get(key);
                    assertThat(a.count()).as(key).isEqualTo(e.count);
                    assertThat(a.successCount()).isEqualTo(e.ok);
                    assertThat(a.latencyCount()).isEqualTo(e.latencies);
                    assertThat(a.latencySum()).isCloseTo(e.latencySum, org.assertj.core.data.Offset.offset(1e-6));
                    assertThat(a.lossCount()).isEqualTo(e.losses);
                    assertThat(a.lossSum()).isCloseTo(e.lossSum, org.assertj.core.data.Offset.offset(1e-6));
                    assertThat(a.throughputCount()).isEqualTo(e.throughputs);
                    assertThat(a.throughputSum()).isCloseTo(e.throughputSum, org.assertj.core.data.Offset.offset(1e-6));
                    if (e.latencies > 0) {
                        assertThat(a.latencyMin()).isEqualTo(e.min);
                        assertThat(a.latencyMax()).isEqualTo(e.max);
                    } else {
                        assertThat(a.latencyMin()).isNull();
                        assertThat(a.latencyHistogram()).isEmpty();
                    }
                    LatencyHistogram h = new LatencyHistogram();
                    h.mergeEncoded(a.latencyHistogram());
                    assertThat(h.count()).isEqualTo(e.latencies);
                });
            }
            // another OU sees none of it
            List<RollupRepository.Row> other = new ArrayList<>();
            rollups.scan(RollupTier.DAY, new ResultScope.Ou(UUID.randomUUID()), RollupRepository.Filter.NONE,
                    T0.minusSeconds(86_400), T0.plusSeconds(86_400 * 5), other::add);
            assertThat(other).isEmpty();
        }
    }

    /**
     * Eight writers store batches into the same minute, hour and day buckets of the same series at once (they meet
     * in every rollup row, so they lock, deadlock and retry); every count arrives.
     */
    @ParameterizedTest
    @MethodSource("io.waddleperf.manager.store.TestDatabases#kinds")
    void concurrent_writers_into_the_same_buckets_lose_no_counts(Kind kind) throws Exception {
        try (TestDatabases.Opened t = TestDatabases.open(kind)) {
            ResultRepository results = new ResultRepository(t.db());
            RollupRepository rollups = new RollupRepository(t.db());
            int writers = 8;
            int batches = 15;
            int perBatch = 20;
            CyclicBarrier start = new CyclicBarrier(writers);
            ExecutorService pool = Executors.newFixedThreadPool(writers);
            try {
                List<Future<?>> fs = new ArrayList<>();
                for (int w = 0; w < writers; w++) {
                    int seed = w;
                    fs.add(pool.submit(() -> {
                        Random rnd = new Random(seed);
                        start.await();
                        for (int b = 0; b < batches; b++) {
                            List<Incoming> batch = new ArrayList<>();
                            for (int i = 0; i < perBatch; i++) {
                                // two targets, both types, two minutes: the batches overlap in every row
                                ProbeResult r = result(rnd, "tcp://shared:" + (i % 2), "SN-1", T0.plusSeconds(rnd.nextInt(120)));
                                batch.add(incoming(r));
                            }
                            results.store(batch, null, null, T0);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : fs) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            long total = (long) writers * batches * perBatch;
            assertThat(results.count()).isEqualTo(total);
            for (RollupTier tier : RollupTier.values()) {
                long[] sums = new long[3];
                rollups.scan(tier, new ResultScope.All(), RollupRepository.Filter.NONE, T0.minusSeconds(86_400),
                        T0.plusSeconds(86_400), row -> {
                            sums[0] += row.count();
                            sums[1] += row.latencyCount();
                            LatencyHistogram h = new LatencyHistogram();
                            h.mergeEncoded(row.latencyHistogram());
                            sums[2] += h.count();
                        });
                assertThat(sums[0]).as(tier.name()).isEqualTo(total);
                assertThat(sums[2]).as("%s histogram counts", tier).isEqualTo(sums[1]);
            }
            long latencies = t.db().read(h -> h.createQuery("SELECT COUNT(*) FROM results WHERE latency_ms IS NOT NULL")
                    .mapTo(Long.class).one());
            long[] hour = {0};
            rollups.scan(RollupTier.HOUR, new ResultScope.All(), RollupRepository.Filter.NONE, T0, T0.plusSeconds(3600),
                    row -> hour[0] += row.latencyCount());
            assertThat(hour[0]).isEqualTo(latencies);
        }
    }
}
