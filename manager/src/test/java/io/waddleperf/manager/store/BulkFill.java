package io.waddleperf.manager.store;

import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.manager.stats.RollupTier;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Bulk filling for the scale benchmark (bench/manager-scale.sh, {@code ScaleBench}'s {@code bulk} load): the results
 * rows {@link ResultRepository#store} writes, through its own insert, and the rollup rows that folding their deltas
 * would leave, computed in memory with the manager's own {@link RollupFigures} (what a delta adds per minute and
 * series, merged into hours and days and into the aggregates' rows as {@link RollupRepository#fold} merges them)
 * and inserted as new rows. No delta is written and no row is read back, so it is only right for a set of results
 * whose rollup rows no other set touches: in the benchmark, all of one OU's results of whole UTC days (every series
 * and aggregate key holds the OU, and a day bucket then lies in one set). {@code ScaleBulkLoadTest} checks that the
 * rows equal those of the store-and-fold path. Lives in the store package for its package-private classes; test
 * scope only, the manager never fills in bulk.
 */
public final class BulkFill {

    private BulkFill() {
    }

    /** Inserts results as {@link ResultRepository#store} does for new ids, without their rollup delta. */
    public static void insertResults(org.jdbi.v3.core.Handle h, List<ResultRepository.Incoming> rows, UUID ouId,
                                     UUID submittedBy, UUID deviceId, Instant receivedAt) {
        if (!rows.isEmpty()) {
            ResultRepository.insert(h, rows, ouId, submittedBy, deviceId, receivedAt);
        }
    }

    /** The series key the manager gives these columns (for checks). */
    public static UUID seriesId(UUID ouId, UUID submittedBy, String device, String target, String testType) {
        return RollupRepository.seriesId(ouId, submittedBy, device, target, testType);
    }

    /** The per-OU-and-type key the manager gives these columns (for checks). */
    public static UUID typeSeriesId(UUID ouId, String testType) {
        return RollupRepository.typeSeriesId(ouId, testType);
    }

    /** The per-OU-target-and-type key the manager gives these columns (for checks). */
    public static UUID targetSeriesId(UUID ouId, String target, String testType) {
        return RollupRepository.targetSeriesId(ouId, target, testType);
    }

    private record Key(Instant bucket, UUID series) {
    }

    /** The order a fold writes rows in (bucket, then series id as unsigned bytes), as RollupRepository's. */
    private static final Comparator<Key> KEY_ORDER = Comparator.comparing(Key::bucket)
            .thenComparing(k -> Uuids.toBytes(k.series()), Arrays::compareUnsigned);

    /**
     * The rollups of one set of results: minute figures per series as {@link RollupRepository#add} makes them, then
     * every tier's rows as a fold of those minutes makes them.
     */
    public static final class Rollups {
        private final Map<Key, RollupFigures> minutes = new HashMap<>();
        private final Map<List<Object>, UUID> seriesOf = new HashMap<>();
        private long results;

        /** Counts results stored under {@code ouId} and {@code submittedBy} (as one delta of theirs would). */
        public void add(List<ProbeResult> stored, UUID ouId, UUID submittedBy) {
            for (ProbeResult r : stored) {
                String device = r.device() == null ? null : r.device().serial();
                String type = r.testType().wireName();
                UUID series = seriesOf.computeIfAbsent(Arrays.asList(ouId, submittedBy, device, r.target(), type),
                        k -> RollupRepository.seriesId(ouId, submittedBy, device, r.target(), type));
                Instant bucket = RollupTier.MINUTE.floor(r.startedAt());
                minutes.computeIfAbsent(new Key(bucket, series),
                        k -> new RollupFigures(bucket, series, ouId, submittedBy, device, r.target(), type)).add(r);
                results++;
            }
        }

        public long results() {
            return results;
        }

        /**
         * Inserts every tier's rows and the aggregates' ones, in transactions of at most {@code perTransaction}
         * rows, and returns the rows written per table.
         */
        public Map<String, Long> write(Database db, int perTransaction) {
            Map<String, Long> written = new java.util.LinkedHashMap<>();
            List<RollupFigures> sortedMinutes = new ArrayList<>(sortedCopy(minutes).values());
            for (RollupTier tier : RollupTier.values()) {
                Map<Key, RollupFigures> merged = new TreeMap<>(KEY_ORDER);
                for (RollupFigures m : sortedMinutes) {
                    Instant bucket = tier.floor(m.bucket);
                    merged.computeIfAbsent(new Key(bucket, m.series), k -> m.emptyAt(bucket)).merge(m);
                }
                insert(db, tier, null, new ArrayList<>(merged.values()), perTransaction);
                written.put(tier.table(), (long) merged.size());
                for (RollupRepository.Aggregate a : RollupRepository.Aggregate.values()) {
                    if (a.table(tier) != null) {
                        List<RollupFigures> sums = RollupRepository.aggregate(a, merged.values());
                        insert(db, tier, a, sums, perTransaction);
                        written.put(a.table(tier), (long) sums.size());
                    }
                }
            }
            return written;
        }

        private static Map<Key, RollupFigures> sortedCopy(Map<Key, RollupFigures> m) {
            Map<Key, RollupFigures> t = new TreeMap<>(KEY_ORDER);
            t.putAll(m);
            return t;
        }
    }

    /** New rows of {@code tier} ({@code aggregate}'s, or per series), as a fold inserts them, in transactions. */
    private static void insert(Database db, RollupTier tier, RollupRepository.Aggregate aggregate,
                               List<RollupFigures> rows, int perTransaction) {
        for (int from = 0; from < rows.size(); from += perTransaction) {
            List<RollupFigures> part = rows.subList(from, Math.min(rows.size(), from + perTransaction));
            db.inTransaction(h -> {
                RollupRepository.insertNew(h, tier, aggregate, part);
                return null;
            });
        }
    }

    /** Rows per table a set of writes made, added up (thread-safe callers merge under their own lock). */
    public static void addUp(Map<String, Long> into, Map<String, Long> more) {
        more.forEach((k, v) -> into.merge(k, v, Long::sum));
    }
}
