package io.waddleperf.manager.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.core.result.Device;
import io.waddleperf.core.result.Json;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.Source;
import io.waddleperf.core.result.TestType;
import io.waddleperf.core.result.UuidV7;
import io.waddleperf.manager.stats.RollupTier;
import io.waddleperf.manager.store.ResultRepository.Incoming;
import io.waddleperf.manager.store.TestDatabases.Kind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Rollup deltas and their folding, on both databases: what a scan answers is the same before any fold, after part
 * of the deltas were folded and after all were; duplicates add no delta; and with eight writers and a folder running
 * at once, every snapshot's rollups (rows plus unfolded deltas) count exactly the results of that snapshot.
 */
class RollupFoldIT {

    private static final Instant T0 = Instant.parse("2026-04-01T10:00:00Z");

    /**
     * A result whose figures are multiples of 1/8 (sums of them are exact in binary floating point, so sums added in
     * another grouping are still identical to the bit).
     */
    static ProbeResult result(Random rnd, String target, String serial, Instant at) {
        boolean ok = rnd.nextInt(5) != 0;
        return ProbeResult.builder().id(UuidV7.next()).testType(rnd.nextBoolean() ? TestType.TCP : TestType.HTTP)
                .target(target).startedAt(at).durationMs(5.0).success(ok).error(ok ? null : "timeout: none")
                .source(Source.AGENT).device(serial == null ? null : new Device(serial, "h", null, null, null, null))
                .latencyMs(ok ? 0.5 + rnd.nextInt(1600) / 8.0 : null)
                .packetLossPercent(rnd.nextInt(3) == 0 ? null : (double) rnd.nextInt(100))
                .throughputMbps(rnd.nextInt(3) == 0 ? 10 + rnd.nextInt(7200) / 8.0 : null).build();
    }

    /** Every tier's scan as text, one line per bucket and series in key order (histograms as their bytes). */
    static Map<RollupTier, Map<String, String>> scanAll(RollupRepository rollups, ResultScope scope) {
        Map<RollupTier, Map<String, String>> out = new TreeMap<>();
        for (RollupTier tier : RollupTier.values()) {
            Map<String, String> rows = new TreeMap<>();
            rollups.scan(tier, scope, RollupRepository.Filter.NONE, T0.minus(Duration.ofDays(2)),
                    T0.plus(Duration.ofDays(5)), row -> {
                        String key = row.bucketStart() + "|" + row.target() + "|" + row.testType() + "|" + row.deviceSerial();
                        String previous = rows.put(key, row.count() + " " + row.successCount() + " " + row.latencyCount()
                                + " " + row.latencySum() + " " + row.latencyMin() + " " + row.latencyMax() + " "
                                + row.lossCount() + " " + row.lossSum() + " " + row.throughputCount() + " "
                                + row.throughputSum() + " " + Arrays.toString(row.latencyHistogram()));
                        assertThat(previous).as("one row per bucket and series: %s", key).isNull();
                    });
            out.put(tier, rows);
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("io.waddleperf.manager.store.TestDatabases#kinds")
    void scans_answer_the_same_before_a_fold_after_part_of_it_and_after_all(Kind kind) {
        try (TestDatabases.Opened t = TestDatabases.open(kind)) {
            ResultRepository results = new ResultRepository(t.db());
            RollupRepository rollups = new RollupRepository(t.db());
            UUID ou = new OrganizationRepository(t.db()).create("ou", null, T0).id();
            Random rnd = new Random(11);
            List<ProbeResult> all = new ArrayList<>();
            int batches = 0;
            for (int round = 0; round < 3; round++) {
                for (int b = 0; b < 4; b++, batches++) {
                    List<Incoming> batch = new ArrayList<>();
                    for (int i = 0; i < 120; i++) {
                        ProbeResult r = result(rnd, "tcp://t" + rnd.nextInt(3) + ":1",
                                rnd.nextBoolean() ? "SN-" + rnd.nextInt(2) : null, T0.plusSeconds(rnd.nextInt(2 * 86_400)));
                        batch.add(new Incoming(r, Json.write(r)));
                        all.add(r);
                    }
                    if (!all.isEmpty() && batches > 0) {
                        // a result of an earlier batch again: a duplicate adds nothing
                        ProbeResult again = all.get(rnd.nextInt(all.size() - 120));
                        batch.add(new Incoming(again, Json.write(again)));
                    }
                    results.store(batch, ou, null, T0);
                }
                if (round == 0) {
                    // nothing folded yet: the rollup tables are empty and every figure comes from the deltas
                    assertThat(rollups.pendingDeltas()).isEqualTo(4);
                    for (RollupTier tier : RollupTier.values()) {
                        assertThat(rollups.count(tier)).isZero();
                    }
                }
                Map<RollupTier, Map<String, String>> before = scanAll(rollups, new ResultScope.Ou(ou));
                long counted = before.get(RollupTier.DAY).values().stream()
                        .mapToLong(v -> Long.parseLong(v.substring(0, v.indexOf(' ')))).sum();
                assertThat(counted).isEqualTo(all.size());
                // part of the deltas folded: rows hold some batches, deltas the rest
                assertThat(rollups.fold(2)).isEqualTo(2);
                assertThat(scanAll(rollups, new ResultScope.Ou(ou))).isEqualTo(before);
                rollups.foldAll();
                assertThat(rollups.pendingDeltas()).isZero();
                assertThat(rollups.count(RollupTier.MINUTE)).isPositive();
                assertThat(scanAll(rollups, new ResultScope.Ou(ou))).isEqualTo(before);
            }
            // another OU sees none of it, folded or not
            results.store(List.of(new Incoming(all.getFirst(), Json.write(all.getFirst()))), ou, null, T0);
            assertThat(rollups.pendingDeltas()).as("a batch of duplicates only appends no delta").isZero();
            assertThat(scanAll(rollups, new ResultScope.Ou(UUID.randomUUID())).values()).allMatch(Map::isEmpty);
        }
    }

    /**
     * Eight writers store overlapping batches (the same series and minutes) while a folder folds and a reader checks,
     * in one snapshot each time, that the day rollups (rows plus unfolded deltas) count exactly the results stored:
     * a fold committing between reading the deltas and the rows would count a batch twice or not at all.
     */
    @ParameterizedTest
    @MethodSource("io.waddleperf.manager.store.TestDatabases#kinds")
    void with_eight_writers_and_a_folder_every_snapshot_counts_each_result_once(Kind kind) throws Exception {
        try (TestDatabases.Opened t = TestDatabases.open(kind)) {
            ResultRepository results = new ResultRepository(t.db());
            RollupRepository rollups = new RollupRepository(t.db());
            int writers = 8;
            int batches = 20;
            int perBatch = 50;
            CyclicBarrier start = new CyclicBarrier(writers + 2);
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicLong checks = new AtomicLong();
            AtomicLong folded = new AtomicLong();
            ExecutorService pool = Executors.newFixedThreadPool(writers + 2);
            try {
                List<Future<?>> writes = new ArrayList<>();
                for (int w = 0; w < writers; w++) {
                    int seed = w;
                    writes.add(pool.submit(() -> {
                        Random rnd = new Random(seed);
                        start.await();
                        for (int b = 0; b < batches; b++) {
                            List<Incoming> batch = new ArrayList<>();
                            for (int i = 0; i < perBatch; i++) {
                                ProbeResult r = result(rnd, "tcp://shared:" + (i % 3), "SN-" + (i % 2),
                                        T0.plusSeconds(rnd.nextInt(180)));
                                batch.add(new Incoming(r, Json.write(r)));
                            }
                            results.store(batch, null, null, T0);
                        }
                        return null;
                    }));
                }
                Future<?> folder = pool.submit(() -> {
                    start.await();
                    while (writing.get()) {
                        folded.addAndGet(rollups.fold(3));
                    }
                    return null;
                });
                Future<?> reader = pool.submit(() -> {
                    start.await();
                    while (writing.get()) {
                        t.db().readSnapshot(h -> {
                            long stored = h.createQuery("SELECT COUNT(*) FROM results").mapTo(Long.class).one();
                            long[] counted = {0};
                            RollupRepository.scan(h, RollupTier.DAY, new ResultScope.All(), RollupRepository.Filter.NONE,
                                    T0.minus(Duration.ofDays(1)), T0.plus(Duration.ofDays(1)), row -> counted[0] += row.count());
                            assertThat(counted[0]).as("rollups against results in one snapshot").isEqualTo(stored);
                            return null;
                        });
                        checks.incrementAndGet();
                    }
                    return null;
                });
                for (Future<?> f : writes) {
                    f.get();
                }
                writing.set(false);
                folder.get();
                reader.get();
            } finally {
                writing.set(false);
                pool.shutdownNow();
            }
            assertThat(checks.get()).as("snapshots checked while writing").isPositive();
            assertThat(folded.get()).as("deltas folded while writing").isPositive();
            rollups.foldAll();
            assertThat(rollups.pendingDeltas()).isZero();
            long total = (long) writers * batches * perBatch;
            assertThat(results.count()).isEqualTo(total);
            for (RollupTier tier : RollupTier.values()) {
                long sum = t.db().read(h -> h.createQuery("SELECT SUM(result_count) FROM " + tier.table())
                        .mapTo(Long.class).one());
                assertThat(sum).as("%s rows after the last fold", tier).isEqualTo(total);
            }
        }
    }
}
