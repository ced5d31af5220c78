package io.waddleperf.manager.store;

import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.manager.stats.RollupTier;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
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
 * series, merged into hours and days and into the per-OU-and-type rows as {@link RollupRepository#fold} merges them)
 * and inserted as new rows. No delta is written and no row is read back, so it is only right for a set of results
 * whose rollup rows no other set touches: in the benchmark, all of one OU's results of whole UTC days (every series
 * and per-type key holds the OU, and a day bucket then lies in one set). {@code ScaleBulkLoadTest} checks that the
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
         * Inserts every tier's rows and the per-OU-and-type ones, in transactions of at most {@code perTransaction}
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
                insert(db, tier.table(), false, new ArrayList<>(merged.values()), perTransaction);
                written.put(tier.table(), (long) merged.size());
                if (tier.typeTable() != null) {
                    Map<Key, RollupFigures> perType = new TreeMap<>(KEY_ORDER);
                    for (RollupFigures m : merged.values()) {
                        perType.computeIfAbsent(new Key(m.bucket, RollupRepository.typeSeriesId(m.ouId, m.testType)),
                                k -> RollupFigures.ofType(m.bucket, k.series(), m.ouId, m.testType)).merge(m);
                    }
                    insert(db, tier.typeTable(), true, new ArrayList<>(perType.values()), perTransaction);
                    written.put(tier.typeTable(), (long) perType.size());
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

    private static final String COLUMNS = "bucket_start, series_id, ou_id, submitted_by, device_serial, target, "
            + "test_type, result_count, success_count, latency_count, latency_sum, latency_min, latency_max, loss_count, "
            + "loss_sum, throughput_count, throughput_sum, latency_histogram";
    private static final String TYPE_COLUMNS = "bucket_start, series_id, ou_id, test_type, result_count, success_count, "
            + "latency_count, latency_sum, latency_min, latency_max, loss_count, loss_sum, throughput_count, "
            + "throughput_sum, latency_histogram";

    /** New rows, with the values a fold's insert binds (its histogram: the empty stored one merged with the sum's). */
    private static void insert(Database db, String table, boolean perType, List<RollupFigures> rows, int perTransaction) {
        String columns = perType ? TYPE_COLUMNS : COLUMNS;
        String sql = "INSERT INTO " + table + " (" + columns + ") VALUES ("
                + "?, ".repeat(columns.split(",").length - 1) + "?)";
        for (int from = 0; from < rows.size(); from += perTransaction) {
            List<RollupFigures> part = rows.subList(from, Math.min(rows.size(), from + perTransaction));
            db.inTransaction(h -> {
                try (PreparedStatement ps = h.getConnection().prepareStatement(sql)) {
                    for (RollupFigures d : part) {
                        int i = 1;
                        ps.setObject(i++, LocalDateTime.ofInstant(d.bucket, ZoneOffset.UTC));
                        ps.setBytes(i++, Uuids.toBytes(d.series));
                        ps.setBytes(i++, d.ouId == null ? null : Uuids.toBytes(d.ouId));
                        if (!perType) {
                            ps.setBytes(i++, d.submittedBy == null ? null : Uuids.toBytes(d.submittedBy));
                            ps.setString(i++, d.device);
                            ps.setString(i++, d.target);
                        }
                        ps.setString(i++, d.testType);
                        ps.setLong(i++, d.count);
                        ps.setLong(i++, d.successes);
                        ps.setLong(i++, d.latencyCount);
                        ps.setDouble(i++, d.latencySum);
                        setDouble(ps, i++, d.latencyMin);
                        setDouble(ps, i++, d.latencyMax);
                        ps.setLong(i++, d.lossCount);
                        ps.setDouble(i++, d.lossSum);
                        ps.setLong(i++, d.throughputCount);
                        ps.setDouble(i++, d.throughputSum);
                        // as a fold writes a new row: nothing stored, merged with the sum's histogram
                        io.waddleperf.manager.stats.LatencyHistogram merged = new io.waddleperf.manager.stats.LatencyHistogram();
                        merged.merge(d.histogram);
                        ps.setBytes(i, merged.encode());
                        ps.addBatch();
                    }
                    ps.executeBatch();
                } catch (SQLException e) {
                    throw new org.jdbi.v3.core.statement.UnableToExecuteStatementException(e, null);
                }
                return null;
            });
        }
    }

    private static void setDouble(PreparedStatement ps, int i, Double v) throws SQLException {
        if (v == null) {
            ps.setNull(i, java.sql.Types.DOUBLE);
        } else {
            ps.setDouble(i, v);
        }
    }

    /** Rows per table a set of writes made, added up (thread-safe callers merge under their own lock). */
    public static void addUp(Map<String, Long> into, Map<String, Long> more) {
        more.forEach((k, v) -> into.merge(k, v, Long::sum));
    }
}
