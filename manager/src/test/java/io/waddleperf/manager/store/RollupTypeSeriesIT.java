package io.waddleperf.manager.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.core.result.Json;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.manager.stats.LatencyHistogram;
import io.waddleperf.manager.stats.RollupTier;
import io.waddleperf.manager.store.ResultRepository.Incoming;
import io.waddleperf.manager.store.RollupRepository.Detail;
import io.waddleperf.manager.store.RollupRepository.Filter;
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
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The per-OU-and-type rollups (V10) against the per-series rows, on both databases: added up per bucket and test
 * type, both answer the same figures to the bit — before any fold, after part of the deltas were folded, after all,
 * after V11's fill rebuilt the per-type tables from the per-series rows, and after retention — for every scope and
 * with a test type filter. The results' figures are multiples of 1/8, so sums added in another order are still exact
 * (with arbitrary figures the two paths differ only in the order of floating-point additions). An OU's scope sees
 * only its OU's per-type rows; a submitter's scope and a device or target filter are answered from per-series rows.
 */
class RollupTypeSeriesIT {

    private static final Instant T0 = Instant.parse("2026-04-01T10:00:00Z");
    private static final Instant FROM = T0.minus(Duration.ofDays(2));
    private static final Instant TO = T0.plus(Duration.ofDays(5));

    /** A tier's rows added up per bucket and test type, as text (histograms as their bytes). */
    private static Map<String, String> perType(RollupRepository rollups, RollupTier tier, ResultScope scope,
                                               Filter filter, Detail detail, AtomicLong rowsRead, AtomicLong withTarget) {
        Map<String, Object[]> sums = new TreeMap<>();
        rollups.scan(tier, scope, filter, detail, FROM, TO, row -> {
            rowsRead.incrementAndGet();
            if (row.target() != null) {
                withTarget.incrementAndGet();
            }
            Object[] s = sums.computeIfAbsent(row.bucketStart() + "|" + row.testType(),
                    k -> new Object[] {0L, 0L, 0L, 0.0, null, null, 0L, 0.0, 0L, 0.0, new LatencyHistogram()});
            s[0] = (long) s[0] + row.count();
            s[1] = (long) s[1] + row.successCount();
            s[2] = (long) s[2] + row.latencyCount();
            s[3] = (double) s[3] + row.latencySum();
            if (row.latencyMin() != null) {
                s[4] = s[4] == null ? row.latencyMin() : Double.valueOf(Math.min((double) s[4], row.latencyMin()));
                s[5] = s[5] == null ? row.latencyMax() : Double.valueOf(Math.max((double) s[5], row.latencyMax()));
            }
            s[6] = (long) s[6] + row.lossCount();
            s[7] = (double) s[7] + row.lossSum();
            s[8] = (long) s[8] + row.throughputCount();
            s[9] = (double) s[9] + row.throughputSum();
            ((LatencyHistogram) s[10]).mergeEncoded(row.latencyHistogram());
        });
        Map<String, String> out = new TreeMap<>();
        sums.forEach((k, s) -> out.put(k, s[0] + " " + s[1] + " " + s[2] + " " + s[3] + " " + s[4] + " " + s[5] + " "
                + s[6] + " " + s[7] + " " + s[8] + " " + s[9] + " " + Arrays.toString(((LatencyHistogram) s[10]).encode())));
        return out;
    }

    /**
     * Checks, for hour and day rows, every scope and an unfiltered and a per-type query, that the per-type path gives
     * what the per-series rows give, and that it read per-type rows exactly where they answer.
     */
    private static void assertSamePaths(RollupRepository rollups, List<ResultScope> scopes) {
        for (RollupTier tier : List.of(RollupTier.HOUR, RollupTier.DAY)) {
            for (ResultScope scope : scopes) {
                for (Filter filter : List.of(Filter.NONE, new Filter(null, null, "tcp"))) {
                    AtomicLong seriesRows = new AtomicLong();
                    AtomicLong typeRows = new AtomicLong();
                    AtomicLong typeRowsWithTarget = new AtomicLong();
                    Map<String, String> bySeries = perType(rollups, tier, scope, filter, Detail.SERIES, seriesRows,
                            new AtomicLong());
                    Map<String, String> byType = perType(rollups, tier, scope, filter, Detail.TEST_TYPE, typeRows,
                            typeRowsWithTarget);
                    assertThat(byType).as("%s, %s, %s", tier, scope, filter).isEqualTo(bySeries);
                    if (scope instanceof ResultScope.Submitter) {
                        assertThat(typeRowsWithTarget.get()).as("a submitter's scope reads per-series rows")
                                .isEqualTo(typeRows.get());
                    } else {
                        assertThat(typeRowsWithTarget.get()).as("%s reads per-type rows", scope).isZero();
                        if (!bySeries.isEmpty()) {
                            assertThat(typeRows.get()).as("fewer per-type rows than per-series rows, %s %s", tier, scope)
                                    .isLessThan(seriesRows.get());
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.waddleperf.manager.store.TestDatabases#kinds")
    void per_type_rows_answer_what_the_per_series_rows_answer(Kind kind) {
        try (TestDatabases.Opened t = TestDatabases.open(kind)) {
            ResultRepository results = new ResultRepository(t.db());
            RollupRepository rollups = new RollupRepository(t.db());
            OrganizationRepository orgs = new OrganizationRepository(t.db());
            UUID ou1 = orgs.create("ou1", null, T0).id();
            UUID ou2 = orgs.create("ou2", null, T0).id();
            UUID user = UUID.randomUUID();
            Random rnd = new Random(23);
            for (int b = 0; b < 12; b++) {
                List<Incoming> batch = new ArrayList<>();
                for (int i = 0; i < 150; i++) {
                    ProbeResult r = RollupFoldIT.result(rnd, "tcp://t" + rnd.nextInt(4) + ":1",
                            rnd.nextInt(4) == 0 ? null : "SN-" + b % 5 + "-" + rnd.nextInt(3),
                            T0.plusSeconds(rnd.nextInt(3 * 86_400)));
                    batch.add(new Incoming(r, Json.write(r)));
                }
                // two OUs, one of them also with a submitter; results of no OU (a user's CLI uploads)
                switch (b % 3) {
                    case 0 -> results.store(batch, ou1, null, T0);
                    case 1 -> results.store(batch, ou2, user, T0);
                    default -> results.store(batch, null, user, T0);
                }
            }
            List<ResultScope> scopes = List.of(new ResultScope.All(), new ResultScope.Ou(ou1), new ResultScope.Ou(ou2),
                    new ResultScope.Submitter(user));
            // nothing folded: both paths add up deltas
            assertSamePaths(rollups, scopes);
            rollups.fold(5);
            assertSamePaths(rollups, scopes);
            rollups.foldAll();
            assertThat(rollups.countPerType(RollupTier.DAY)).isPositive();
            assertThat(rollups.countPerType(RollupTier.MINUTE)).isZero();
            assertSamePaths(rollups, scopes);

            // an OU sees its own figures only, and another OU none
            Map<String, String> ou1Only = perType(rollups, RollupTier.DAY, new ResultScope.Ou(ou1), Filter.NONE,
                    Detail.TEST_TYPE, new AtomicLong(), new AtomicLong());
            Map<String, String> all = perType(rollups, RollupTier.DAY, new ResultScope.All(), Filter.NONE,
                    Detail.TEST_TYPE, new AtomicLong(), new AtomicLong());
            assertThat(ou1Only).isNotEmpty().isNotEqualTo(all);
            AtomicLong strangers = new AtomicLong();
            rollups.scan(RollupTier.DAY, new ResultScope.Ou(UUID.randomUUID()), Filter.NONE, Detail.TEST_TYPE, FROM, TO,
                    row -> strangers.incrementAndGet());
            assertThat(strangers).hasValue(0);

            // V11's fill, run again on the folded store, rebuilds the same per-type rows
            long hourRows = rollups.countPerType(RollupTier.HOUR);
            long dayRows = rollups.countPerType(RollupTier.DAY);
            Map<RollupTier, Long> written = t.db().inTransaction(RollupRepository::fillPerType);
            assertThat(written).containsEntry(RollupTier.HOUR, hourRows).containsEntry(RollupTier.DAY, dayRows);
            assertSamePaths(rollups, scopes);

            // more results after the fill: unfolded, then folded onto the filled rows
            List<Incoming> late = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                ProbeResult r = RollupFoldIT.result(rnd, "tcp://t9:1", "SN-late", T0.plusSeconds(rnd.nextInt(86_400)));
                late.add(new Incoming(r, Json.write(r)));
            }
            results.store(late, ou1, null, T0);
            assertSamePaths(rollups, scopes);
            rollups.foldAll();
            assertSamePaths(rollups, scopes);

            // retention deletes per-type rows with the per-series ones
            Instant cutoff = T0.plus(Duration.ofDays(1));
            while (rollups.deleteBefore(RollupTier.DAY, cutoff, 7) == 7) {
                // drained in batches of 7, as housekeeping drains
            }
            long left = t.db().read(h -> h.createQuery("SELECT COUNT(*) FROM rollup_type_day WHERE bucket_start < :c")
                    .bind("c", cutoff).mapTo(Long.class).one());
            assertThat(left).isZero();
            assertSamePaths(rollups, scopes);
        }
    }

    /**
     * The upgrade path: a store whose per-type tables are empty and whose history lacks V11 (as one folded before
     * V10 existed) gets them filled when a manager opens it, statement by statement as V11 runs.
     */
    @ParameterizedTest
    @MethodSource("io.waddleperf.manager.store.TestDatabases#kinds")
    void opening_a_store_without_per_type_rows_fills_them(Kind kind) {
        try (TestDatabases.Opened t = TestDatabases.open(kind)) {
            ResultRepository results = new ResultRepository(t.db());
            RollupRepository rollups = new RollupRepository(t.db());
            UUID ou = new OrganizationRepository(t.db()).create("ou", null, T0).id();
            Random rnd = new Random(41);
            for (int b = 0; b < 4; b++) {
                List<Incoming> batch = new ArrayList<>();
                for (int i = 0; i < 150; i++) {
                    ProbeResult r = RollupFoldIT.result(rnd, "tcp://t" + rnd.nextInt(3) + ":1", "SN-" + rnd.nextInt(4),
                            T0.plusSeconds(rnd.nextInt(3 * 86_400)));
                    batch.add(new Incoming(r, Json.write(r)));
                }
                results.store(batch, b % 2 == 0 ? ou : null, null, T0);
            }
            rollups.foldAll();
            List<ResultScope> scopes = List.of(new ResultScope.All(), new ResultScope.Ou(ou));
            long hourRows = rollups.countPerType(RollupTier.HOUR);
            long dayRows = rollups.countPerType(RollupTier.DAY);
            t.db().inTransaction(h -> h.createUpdate("DELETE FROM rollup_type_hour").execute()
                    + h.createUpdate("DELETE FROM rollup_type_day").execute()
                    + h.createUpdate("DELETE FROM flyway_schema_history WHERE version = '11'").execute());
            assertThat(rollups.countPerType(RollupTier.DAY)).isZero();
            Database again = Database.open(t.fresh().url(), t.fresh().user(), null, 2, Duration.ofSeconds(10),
                    Duration.ofSeconds(30), 8);
            try {
                RollupRepository reopened = new RollupRepository(again);
                assertThat(reopened.countPerType(RollupTier.HOUR)).isEqualTo(hourRows);
                assertThat(reopened.countPerType(RollupTier.DAY)).isEqualTo(dayRows);
                assertSamePaths(reopened, scopes);
            } finally {
                again.close();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.waddleperf.manager.store.TestDatabases#kinds")
    void a_device_or_target_filter_and_minute_rows_use_the_per_series_rows(Kind kind) {
        try (TestDatabases.Opened t = TestDatabases.open(kind)) {
            ResultRepository results = new ResultRepository(t.db());
            RollupRepository rollups = new RollupRepository(t.db());
            UUID ou = new OrganizationRepository(t.db()).create("ou", null, T0).id();
            Random rnd = new Random(5);
            List<Incoming> batch = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                ProbeResult r = RollupFoldIT.result(rnd, "tcp://t" + rnd.nextInt(2) + ":1", "SN-" + rnd.nextInt(2),
                        T0.plusSeconds(rnd.nextInt(86_400)));
                batch.add(new Incoming(r, Json.write(r)));
            }
            results.store(batch, ou, null, T0);
            rollups.foldAll();
            ResultScope scope = new ResultScope.Ou(ou);
            for (Filter filter : List.of(new Filter("SN-1", null, null), new Filter(null, "tcp://t1:1", null))) {
                for (RollupTier tier : RollupTier.values()) {
                    assertThat(RollupRepository.perTypeAnswers(tier, scope, filter)).isFalse();
                    AtomicLong n = new AtomicLong();
                    AtomicLong withTarget = new AtomicLong();
                    assertThat(perType(rollups, tier, scope, filter, Detail.TEST_TYPE, n, withTarget))
                            .isEqualTo(perType(rollups, tier, scope, filter, Detail.SERIES, new AtomicLong(), new AtomicLong()));
                    assertThat(withTarget.get()).isEqualTo(n.get()).isPositive();
                }
            }
            assertThat(RollupRepository.perTypeAnswers(RollupTier.MINUTE, scope, Filter.NONE)).isFalse();
            assertThat(RollupRepository.perTypeAnswers(RollupTier.HOUR, scope, Filter.NONE)).isTrue();
        }
    }
}
