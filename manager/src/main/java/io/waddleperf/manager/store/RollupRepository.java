package io.waddleperf.manager.store;

import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.manager.stats.LatencyHistogram;
import io.waddleperf.manager.stats.RollupTier;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.Query;

/**
 * Rollups of stored results per minute, hour and day ({@link RollupTier}), one row per bucket and series (OU,
 * submitter, device serial, target, test type). {@link #add} runs inside the transaction that inserts the results,
 * so a rollup never counts a result that was not stored, nor misses one that was.
 *
 * <p>Concurrent writers lose nothing: one ingest transaction at a time changes rollup rows (the one-row
 * {@code rollup_lock}, V7__rollup_lock.sql), held to its commit. Under it each tier's existing rows are read and
 * locked in key order ({@code SELECT … FOR UPDATE}), added to ({@code n = n + :n}) with their histograms merged, and
 * missing rows inserted. A deadlock or Galera certification failure that still happens rolls the whole transaction
 * back and {@link Database#inTransaction} runs it again. The figures are worked out before the lock is taken, so
 * the lock covers only the statements and the commit.
 */
public final class RollupRepository {

    private static final String COLUMNS = "bucket_start, series_id, ou_id, submitted_by, device_serial, target, test_type, "
            + "result_count, success_count, latency_count, latency_sum, latency_min, latency_max, loss_count, loss_sum, "
            + "throughput_count, throughput_sum";

    /**
     * Which results a rollup query covers besides scope and time: exact device serial, target and test type, each
     * optional (null).
     */
    public record Filter(String device, String target, String testType) {
        public static final Filter NONE = new Filter(null, null, null);

        String sql() {
            return (device == null ? "" : " AND r.device_serial = :f_device")
                    + (target == null ? "" : " AND r.target = :f_target")
                    + (testType == null ? "" : " AND r.test_type = :f_type");
        }

        Query bind(Query q) {
            if (device != null) {
                q.bind("f_device", device);
            }
            if (target != null) {
                q.bind("f_target", target);
            }
            if (testType != null) {
                q.bind("f_type", testType);
            }
            return q;
        }
    }

    /**
     * One rollup row as read: the series and its figures in one bucket.
     *
     * @param bucketStart      start of the bucket
     * @param deviceSerial     device serial, or null
     * @param target           target
     * @param testType         test type
     * @param count            results
     * @param successCount     successful results
     * @param latencyCount     results with a latency
     * @param latencySum       sum of those latencies (ms)
     * @param latencyMin       smallest, or null
     * @param latencyMax       largest, or null
     * @param lossCount        results with a loss figure
     * @param lossSum          sum of loss percentages
     * @param throughputCount  results with a throughput
     * @param throughputSum    sum of throughputs (Mbit/s)
     * @param latencyHistogram the encoded {@link LatencyHistogram}
     */
    public record Row(Instant bucketStart, String deviceSerial, String target, String testType, long count,
                      long successCount, long latencyCount, double latencySum, Double latencyMin, Double latencyMax,
                      long lossCount, double lossSum, long throughputCount, double throughputSum,
                      byte[] latencyHistogram) {
    }

    private final Database db;

    public RollupRepository(Database db) {
        this.db = db;
    }

    /** The running figures of one bucket and series within a batch. */
    private static final class Delta {
        final Instant bucket;
        final UUID series;
        final String device;
        final String target;
        final String testType;
        long count;
        long successes;
        long latencyCount;
        double latencySum;
        Double latencyMin;
        Double latencyMax;
        long lossCount;
        double lossSum;
        long throughputCount;
        double throughputSum;
        final LatencyHistogram histogram = new LatencyHistogram();

        Delta(Instant bucket, UUID series, String device, String target, String testType) {
            this.bucket = bucket;
            this.series = series;
            this.device = device;
            this.target = target;
            this.testType = testType;
        }

        void add(ProbeResult r) {
            count++;
            if (r.success()) {
                successes++;
            }
            Double l = r.latencyMs();
            if (l != null && Double.isFinite(l)) {
                latencyCount++;
                latencySum += l;
                latencyMin = latencyMin == null ? l : Math.min(latencyMin, l);
                latencyMax = latencyMax == null ? l : Math.max(latencyMax, l);
                histogram.add(l);
            }
            if (r.packetLossPercent() != null && Double.isFinite(r.packetLossPercent())) {
                lossCount++;
                lossSum += r.packetLossPercent();
            }
            if (r.throughputMbps() != null && Double.isFinite(r.throughputMbps())) {
                throughputCount++;
                throughputSum += r.throughputMbps();
            }
        }
    }

    private record Key(Instant bucket, UUID series) {
    }

    private static final Comparator<Key> KEY_ORDER = Comparator.comparing(Key::bucket)
            .thenComparing(k -> Uuids.toBytes(k.series()), Arrays::compareUnsigned);

    /**
     * Adds newly stored results to every tier, in the caller's transaction.
     *
     * @param h           the transaction that inserted them
     * @param stored      the results inserted now (never duplicates)
     * @param ouId        their OU, or null
     * @param submittedBy their submitter, or null
     */
    static void add(Handle h, List<ProbeResult> stored, UUID ouId, UUID submittedBy) {
        if (stored.isEmpty()) {
            return;
        }
        // Everything that needs no rows is worked out before the lock: the lock is held to the commit and every
        // ingest waits for it, so only the statements that read and write rollup rows run under it.
        List<Map<Key, Delta>> perTier = deltas(stored, ouId, submittedBy);
        // One transaction at a time changes rollup rows (V7__rollup_lock.sql says why); held until the commit.
        h.createQuery("SELECT name FROM rollup_lock WHERE name = 'rollups' FOR UPDATE").mapTo(String.class).list();
        RollupTier[] tiers = RollupTier.values();
        for (int i = 0; i < tiers.length; i++) {
            apply(h, tiers[i], perTier.get(i), ouId, submittedBy);
        }
    }

    /** The figures each tier's buckets gain from these results, in {@link RollupTier} order, rows in key order. */
    private static List<Map<Key, Delta>> deltas(List<ProbeResult> stored, UUID ouId, UUID submittedBy) {
        // a batch repeats few series (device, target, type): each one's hash is taken once, not per result and tier
        Map<List<String>, UUID> seriesOf = new java.util.HashMap<>();
        RollupTier[] tiers = RollupTier.values();
        List<Map<Key, Delta>> perTier = new ArrayList<>(tiers.length);
        for (int i = 0; i < tiers.length; i++) {
            perTier.add(new TreeMap<>(KEY_ORDER));
        }
        for (ProbeResult r : stored) {
            String device = r.device() == null ? null : r.device().serial();
            String type = r.testType().wireName();
            UUID series = seriesOf.computeIfAbsent(Arrays.asList(device, r.target(), type),
                    k -> seriesId(ouId, submittedBy, device, r.target(), type));
            for (int i = 0; i < tiers.length; i++) {
                Instant bucket = tiers[i].floor(r.startedAt());
                perTier.get(i).computeIfAbsent(new Key(bucket, series),
                        k -> new Delta(bucket, series, device, r.target(), type)).add(r);
            }
        }
        return perTier;
    }

    /**
     * Writes one tier's deltas: locks the rows that exist (in key order) and reads their histograms, adds to those
     * rows and inserts the others. Under the rollup lock no other ingest inserts a row between the read and the
     * insert; on Galera a row another node inserted meanwhile fails the insert as a duplicate and the whole
     * transaction runs again ({@link ResultRepository#store}), then finding the row. Each row's histogram is merged
     * here, so a row is written once (an upsert followed by a histogram update wrote it twice, and H2 turns every
     * duplicate key of an upsert into an exception and a freshly parsed UPDATE).
     */
    private static void apply(Handle h, RollupTier tier, Map<Key, Delta> deltas, UUID ouId, UUID submittedBy) {
        String t = tier.table();
        Set<Instant> buckets = new LinkedHashSet<>();
        Set<UUID> series = new LinkedHashSet<>();
        for (Delta d : deltas.values()) {
            buckets.add(d.bucket);
            series.add(d.series);
        }
        Map<Key, byte[]> current = new java.util.HashMap<>();
        h.createQuery("SELECT bucket_start, series_id, latency_histogram FROM " + t
                        + " WHERE bucket_start IN (<buckets>) AND series_id IN (<series>) ORDER BY bucket_start, series_id FOR UPDATE")
                .bindList("buckets", new ArrayList<>(buckets)).bindList("series", new ArrayList<>(series))
                .map((rs, ctx) -> Map.entry(new Key(Rows.instant(rs, "bucket_start"), Rows.uuid(rs, "series_id")),
                        rs.getBytes("latency_histogram")))
                .forEach(e -> current.put(e.getKey(), e.getValue()));
        PreparedBatch update = null;
        PreparedBatch insert = null;
        for (Map.Entry<Key, Delta> e : deltas.entrySet()) {
            Delta d = e.getValue();
            byte[] stored = current.get(e.getKey());
            LatencyHistogram merged = new LatencyHistogram();
            merged.mergeEncoded(stored);
            merged.merge(d.histogram);
            PreparedBatch b;
            if (stored != null) {
                b = update != null ? update : (update = h.prepareBatch("UPDATE " + t + " SET "
                        + "result_count = result_count + :result_count, "
                        + "success_count = success_count + :success_count, "
                        + "latency_count = latency_count + :latency_count, "
                        + "latency_sum = latency_sum + :latency_sum, "
                        // LEAST/GREATEST treat NULL differently on the two databases; with COALESCE on both sides they agree
                        + "latency_min = LEAST(COALESCE(latency_min, :latency_min), COALESCE(:latency_min, latency_min)), "
                        + "latency_max = GREATEST(COALESCE(latency_max, :latency_max), COALESCE(:latency_max, latency_max)), "
                        + "loss_count = loss_count + :loss_count, loss_sum = loss_sum + :loss_sum, "
                        + "throughput_count = throughput_count + :throughput_count, "
                        + "throughput_sum = throughput_sum + :throughput_sum, latency_histogram = :histogram "
                        + "WHERE bucket_start = :bucket_start AND series_id = :series_id"));
            } else {
                b = insert != null ? insert : (insert = h.prepareBatch("INSERT INTO " + t + " (" + COLUMNS
                        + ", latency_histogram) VALUES (:bucket_start, :series_id, :ou_id, :submitted_by, :device_serial, "
                        + ":target, :test_type, :result_count, :success_count, :latency_count, :latency_sum, :latency_min, "
                        + ":latency_max, :loss_count, :loss_sum, :throughput_count, :throughput_sum, :histogram)"));
                b.bind("ou_id", ouId).bind("submitted_by", submittedBy).bind("device_serial", d.device)
                        .bind("target", d.target).bind("test_type", d.testType);
            }
            b.bind("bucket_start", d.bucket).bind("series_id", d.series)
                    .bind("result_count", d.count).bind("success_count", d.successes)
                    .bind("latency_count", d.latencyCount).bind("latency_sum", d.latencySum)
                    .bind("latency_min", d.latencyMin).bind("latency_max", d.latencyMax)
                    .bind("loss_count", d.lossCount).bind("loss_sum", d.lossSum)
                    .bind("throughput_count", d.throughputCount).bind("throughput_sum", d.throughputSum)
                    .bind("histogram", merged.encode()).add();
        }
        if (update != null) {
            update.execute();
        }
        if (insert != null) {
            insert.execute();
        }
    }

    /**
     * The series key: SHA-256 of its columns, first 16 bytes. Columns are length-prefixed, so no two series share
     * an input.
     */
    static UUID seriesId(UUID ouId, UUID submittedBy, String device, String target, String testType) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (String part : new String[] {Objects.toString(ouId, ""), Objects.toString(submittedBy, ""),
                    device == null ? "\u0000" : device, target, testType}) {
                byte[] b = part.getBytes(StandardCharsets.UTF_8);
                md.update(new byte[] {(byte) (b.length >>> 24), (byte) (b.length >>> 16), (byte) (b.length >>> 8), (byte) b.length});
                md.update(b);
            }
            return Uuids.fromBytes(Arrays.copyOf(md.digest(), 16));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /**
     * Every rollup row of {@code tier} in scope with a bucket starting in {@code [from, to)}, streamed to {@code sink}
     * (unordered).
     */
    public void scan(RollupTier tier, ResultScope scope, Filter filter, Instant from, Instant to, Consumer<Row> sink) {
        db.read(h -> {
            Query q = h.createQuery("SELECT r.bucket_start, r.device_serial, r.target, r.test_type, r.result_count, "
                    + "r.success_count, r.latency_count, r.latency_sum, r.latency_min, r.latency_max, r.loss_count, "
                    + "r.loss_sum, r.throughput_count, r.throughput_sum, r.latency_histogram FROM " + tier.table()
                    + " r WHERE " + scope.condition() + " AND r.bucket_start >= :from AND r.bucket_start < :to"
                    + filter.sql());
            if (scope.parameter() != null) {
                q.bind("scope", scope.parameter());
            }
            try (var rows = filter.bind(q).bind("from", from).bind("to", to).setFetchSize(2000)
                    .map((rs, ctx) -> new Row(Rows.instant(rs, "bucket_start"), rs.getString("device_serial"),
                            rs.getString("target"), rs.getString("test_type"), rs.getLong("result_count"),
                            rs.getLong("success_count"), rs.getLong("latency_count"), rs.getDouble("latency_sum"),
                            Rows.nullableDouble(rs, "latency_min"), Rows.nullableDouble(rs, "latency_max"),
                            rs.getLong("loss_count"), rs.getDouble("loss_sum"), rs.getLong("throughput_count"),
                            rs.getDouble("throughput_sum"), rs.getBytes("latency_histogram")))
                    .stream()) {
                rows.forEach(sink);
            }
            return null;
        });
    }

    /** Whether {@code tier} has a row of this device serial in scope (devices whose raw results are gone). */
    public boolean hasDevice(RollupTier tier, ResultScope scope, String serial) {
        return db.read(h -> {
            Query q = h.createQuery("SELECT 1 FROM " + tier.table() + " r WHERE " + scope.condition()
                    + " AND r.device_serial = :serial LIMIT 1").bind("serial", serial);
            if (scope.parameter() != null) {
                q.bind("scope", scope.parameter());
            }
            return q.mapTo(Integer.class).findOne().isPresent();
        });
    }

    /**
     * Deletes at most {@code batch} rows of {@code tier} whose bucket started before {@code cutoff}, in one short
     * transaction; returns how many.
     */
    public int deleteBefore(RollupTier tier, Instant cutoff, int batch) {
        return db.inTransaction(h -> {
            List<Map.Entry<Instant, UUID>> keys = h.createQuery("SELECT bucket_start, series_id FROM " + tier.table()
                            + " WHERE bucket_start < :cutoff ORDER BY bucket_start LIMIT :n")
                    .bind("cutoff", cutoff).bind("n", batch)
                    .map((rs, ctx) -> Map.entry(Rows.instant(rs, "bucket_start"), Rows.uuid(rs, "series_id"))).list();
            if (keys.isEmpty()) {
                return 0;
            }
            PreparedBatch delete = h.prepareBatch("DELETE FROM " + tier.table()
                    + " WHERE bucket_start = :b AND series_id = :s");
            for (Map.Entry<Instant, UUID> k : keys) {
                delete.bind("b", k.getKey()).bind("s", k.getValue()).add();
            }
            delete.execute();
            // the driver may report bulk counts as "unknown"; these rows are gone either way (ours or a peer's delete)
            return keys.size();
        });
    }

    /** Rows of {@code tier} (all scopes; tests and the benchmark). */
    public long count(RollupTier tier) {
        return db.read(h -> h.createQuery("SELECT COUNT(*) FROM " + tier.table()).mapTo(Long.class).one());
    }
}
