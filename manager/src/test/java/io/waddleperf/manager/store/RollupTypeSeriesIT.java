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
 * The aggregate rollups — per OU and test type (V10), per OU, target and test type (V12) — against the per-series
 * rows, on both databases: added up per bucket and test type (and per target), each answers the same figures to the
 * bit as the per-series rows — before any fold, after part of the deltas were folded, after all, after V11's and
 * V13's fills rebuilt the aggregate tables from the per-series rows, and after retention — for every scope and with
 * test type and target filters. The results' figures are multiples of 1/8, so sums added in another order are still
 * exact (with arbitrary figures the paths differ only in the order of floating-point additions). An OU's scope sees
 * only its OU's aggregate rows; a submitter's scope, a device filter and minute rows are answered from per-series rows.
 */
class RollupTypeSeriesIT {

    private static final Instant T0 = Instant.parse("2026-04-01T10:00:00Z");
    private static final Instant FROM = T0.minus(Duration.ofDays(2));
    private static final Instant TO = T0.plus(Duration.ofDays(5));

    /** Rows a scan read: all, those carrying a target, those carrying a device. */
    private record Read(AtomicLong rows, AtomicLong withTarget, AtomicLong withDevice) {
        Read() {
            this(new AtomicLong(), new AtomicLong(), new AtomicLong());
        }
    }

    /**
     * A tier's rows added up per bucket and test type, and per target ({@code byTarget}), as text (histograms as
     * their bytes), counting into {@code read} what the rows read carried.
     */
    private static Map<String, String> sums(RollupRepository rollups, RollupTier tier, ResultScope scope,
                                            Filter filter, Detail detail, boolean byTarget, Read read) {
        Map<String, Object[]> sums = new TreeMap<>();
        rollups.scan(tier, scope, filter, detail, FROM, TO, row -> {
            read.rows().incrementAndGet();
            if (row.target() != null) {
                read.withTarget().incrementAndGet();
            }
            if (row.deviceSerial() != null) {
                read.withDevice().incrementAndGet();
            }
            Object[] s = sums.computeIfAbsent(row.bucketStart() + (byTarget ? "|" + row.target() : "") + "|"
                            + row.testType(),
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
     * Checks, for hour and day rows, every scope and an unfiltered, a per-type, a per-target and a per-target-and-type
     * query, that the aggregate paths give what the per-series rows give, and that they read aggregate rows exactly
     * where those answer: per-type rows for no target, per-target ones for a target or groups by target.
     */
    private static void assertSamePaths(RollupRepository rollups, List<ResultScope> scopes) {
        for (RollupTier tier : List.of(RollupTier.HOUR, RollupTier.DAY)) {
            for (ResultScope scope : scopes) {
                for (Filter filter : List.of(Filter.NONE, new Filter(null, null, "tcp"), new Filter(null, "tcp://t1:1", null),
                        new Filter(null, "tcp://t2:1", "tcp"))) {
                    Read series = new Read();
                    Map<String, String> bySeries = sums(rollups, tier, scope, filter, Detail.SERIES, true, series);
                    Read targets = new Read();
                    Map<String, String> byTarget = sums(rollups, tier, scope, filter, Detail.TARGET_TYPE, true, targets);
                    assertThat(byTarget).as("per target: %s, %s, %s", tier, scope, filter).isEqualTo(bySeries);
                    assertThat(targets.withTarget().get()).as("every row read names its target").isEqualTo(targets.rows().get());
                    if (scope instanceof ResultScope.Submitter) {
                        assertThat(RollupRepository.answering(tier, scope, filter, Detail.TARGET_TYPE)).isNull();
                    } else {
                        assertThat(RollupRepository.answering(tier, scope, filter, Detail.TARGET_TYPE))
                                .isEqualTo(RollupRepository.Aggregate.TARGET);
                        assertThat(targets.withDevice().get()).as("%s reads per-target rows", scope).isZero();
                        if (!bySeries.isEmpty()) {
                            assertThat(targets.rows().get()).as("fewer per-target rows than per-series rows, %s %s",
                                    tier, scope).isLessThan(series.rows().get());
                        }
                    }
                    if (filter.target() != null) {
                        // a named target: the per-type rows cannot answer, the per-target ones do
                        Read read = new Read();
                        Map<String, String> byType = sums(rollups, tier, scope, filter, Detail.TEST_TYPE, false, read);
                        assertThat(byType).as("%s, %s, %s", tier, scope, filter)
                                .isEqualTo(sums(rollups, tier, scope, filter, Detail.SERIES, false, new Read()));
                        assertThat(read.withTarget().get()).isEqualTo(read.rows().get());
                        assertThat(RollupRepository.answering(tier, scope, filter, Detail.TEST_TYPE)).isEqualTo(
                                scope instanceof ResultScope.Submitter ? null : RollupRepository.Aggregate.TARGET);
                        continue;
                    }
                    Read seriesRead = new Read();
                    Map<String, String> seriesPerType = sums(rollups, tier, scope, filter, Detail.SERIES, false,
                            seriesRead);
                    Read types = new Read();
                    Map<String, String> byType = sums(rollups, tier, scope, filter, Detail.TEST_TYPE, false, types);
                    assertThat(byType).as("%s, %s, %s", tier, scope, filter).isEqualTo(seriesPerType);
                    if (scope instanceof ResultScope.Submitter) {
                        assertThat(types.withTarget().get()).as("a submitter's scope reads per-series rows")
                                .isEqualTo(types.rows().get());
                    } else {
                        assertThat(types.withTarget().get()).as("%s reads per-type rows", scope).isZero();
                        if (!seriesPerType.isEmpty()) {
                            assertThat(types.rows().get()).as("fewer per-type rows than per-series rows, %s %s", tier,
                                    scope).isLessThan(seriesRead.rows().get());
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
            assertThat(rollups.count(RollupTier.DAY, RollupRepository.Aggregate.TARGET))
                    .isGreaterThan(rollups.countPerType(RollupTier.DAY)).isLessThan(rollups.count(RollupTier.DAY));
            assertThat(rollups.count(RollupTier.MINUTE, RollupRepository.Aggregate.TARGET)).isZero();
            assertSamePaths(rollups, scopes);

            // an OU sees its own figures only, and another OU none
            Map<String, String> ou1Only = sums(rollups, RollupTier.DAY, new ResultScope.Ou(ou1), Filter.NONE,
                    Detail.TEST_TYPE, false, new Read());
            Map<String, String> all = sums(rollups, RollupTier.DAY, new ResultScope.All(), Filter.NONE,
                    Detail.TEST_TYPE, false, new Read());
            assertThat(ou1Only).isNotEmpty().isNotEqualTo(all);
            AtomicLong strangers = new AtomicLong();
            rollups.scan(RollupTier.DAY, new ResultScope.Ou(UUID.randomUUID()), Filter.NONE, Detail.TEST_TYPE, FROM, TO,
                    row -> strangers.incrementAndGet());
            assertThat(strangers).hasValue(0);

            // V11's and V13's fills, run again on the folded store, rebuild the same aggregate rows
            for (RollupRepository.Aggregate a : RollupRepository.Aggregate.values()) {
                long hourRows = rollups.count(RollupTier.HOUR, a);
                long dayRows = rollups.count(RollupTier.DAY, a);
                Map<RollupTier, Long> written = t.db().inTransaction(h -> RollupRepository.fill(h, a));
                assertThat(written).as(a.name()).containsEntry(RollupTier.HOUR, hourRows)
                        .containsEntry(RollupTier.DAY, dayRows);
            }
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
            for (String table : List.of("rollup_type_day", "rollup_target_day")) {
                long left = t.db().read(h -> h.createQuery("SELECT COUNT(*) FROM " + table + " WHERE bucket_start < :c")
                        .bind("c", cutoff).mapTo(Long.class).one());
                assertThat(left).as(table).isZero();
            }
            assertSamePaths(rollups, scopes);
        }
    }

    /**
     * The upgrade path: a store at V10 whose per-type tables are empty and which has no per-target ones (as one folded
     * before V10 existed) gets them made and filled when a manager opens it, statement by statement as V11 to V13 run.
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
            long targetHourRows = rollups.count(RollupTier.HOUR, RollupRepository.Aggregate.TARGET);
            long targetDayRows = rollups.count(RollupTier.DAY, RollupRepository.Aggregate.TARGET);
            // a store at V10 that no fill ran on: per-type tables empty, no per-target ones
            t.db().inTransaction(h -> h.createUpdate("DELETE FROM rollup_type_hour").execute()
                    + h.createUpdate("DELETE FROM rollup_type_day").execute()
                    + h.createUpdate("DROP TABLE rollup_target_hour").execute()
                    + h.createUpdate("DROP TABLE rollup_target_day").execute()
                    + h.createUpdate("DELETE FROM flyway_schema_history WHERE version IN ('11', '12', '13')").execute());
            assertThat(rollups.countPerType(RollupTier.DAY)).isZero();
            Database again = Database.open(t.fresh().url(), t.fresh().user(), null, 2, Duration.ofSeconds(10),
                    Duration.ofSeconds(30), 8);
            try {
                RollupRepository reopened = new RollupRepository(again);
                assertThat(reopened.countPerType(RollupTier.HOUR)).isEqualTo(hourRows);
                assertThat(reopened.countPerType(RollupTier.DAY)).isEqualTo(dayRows);
                assertThat(reopened.count(RollupTier.HOUR, RollupRepository.Aggregate.TARGET)).isEqualTo(targetHourRows);
                assertThat(reopened.count(RollupTier.DAY, RollupRepository.Aggregate.TARGET)).isEqualTo(targetDayRows)
                        .isPositive();
                assertSamePaths(reopened, scopes);
            } finally {
                again.close();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.waddleperf.manager.store.TestDatabases#kinds")
    void a_device_filter_and_minute_rows_use_the_per_series_rows(Kind kind) {
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
            for (Filter filter : List.of(new Filter("SN-1", null, null), new Filter("SN-1", "tcp://t1:1", null))) {
                for (RollupTier tier : RollupTier.values()) {
                    for (Detail detail : List.of(Detail.TEST_TYPE, Detail.TARGET_TYPE)) {
                        assertThat(RollupRepository.answering(tier, scope, filter, detail)).isNull();
                        Read read = new Read();
                        assertThat(sums(rollups, tier, scope, filter, detail, true, read))
                                .isEqualTo(sums(rollups, tier, scope, filter, Detail.SERIES, true, new Read()));
                        assertThat(read.withDevice().get()).as("per-series rows").isEqualTo(read.rows().get())
                                .isPositive();
                    }
                }
            }
            for (Detail detail : Detail.values()) {
                assertThat(RollupRepository.answering(RollupTier.MINUTE, scope, Filter.NONE, detail)).isNull();
            }
            assertThat(RollupRepository.answering(RollupTier.HOUR, scope, Filter.NONE, Detail.TEST_TYPE))
                    .isEqualTo(RollupRepository.Aggregate.TYPE);
            assertThat(RollupRepository.answering(RollupTier.HOUR, scope, Filter.NONE, Detail.TARGET_TYPE))
                    .isEqualTo(RollupRepository.Aggregate.TARGET);
            assertThat(RollupRepository.answering(RollupTier.DAY, scope, new Filter(null, "tcp://t1:1", null),
                    Detail.TEST_TYPE)).isEqualTo(RollupRepository.Aggregate.TARGET);
            assertThat(RollupRepository.answering(RollupTier.DAY, scope, Filter.NONE, Detail.SERIES)).isNull();
        }
    }
}
