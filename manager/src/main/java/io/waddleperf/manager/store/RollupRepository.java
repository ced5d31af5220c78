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
 * submitter, device serial, target, test type).
 *
 * <p>Ingestion appends, in the transaction that inserts the results, one {@code rollup_delta} row holding what the
 * batch adds per minute and series ({@link #add}); it takes no lock another uploader waits for. A background job
 * ({@link #fold}, run by the manager's RollupFolder) adds deltas to the rollup rows of every tier and deletes them in
 * one transaction, under the one-row {@code rollup_lock}; a deadlock or Galera certification failure rolls it back
 * and {@link Database#inTransaction} runs it again. Readers ({@link #scan}, {@link #hasDevice}) add the deltas not
 * yet folded, read in the same snapshot as the rows, so an answer is the same before and after a fold, and a stored
 * result is counted from its commit on, exactly once.
 */
public final class RollupRepository {

    private static final String FIGURES = "result_count, success_count, latency_count, latency_sum, latency_min, "
            + "latency_max, loss_count, loss_sum, throughput_count, throughput_sum";
    private static final String COLUMNS = "bucket_start, series_id, ou_id, submitted_by, device_serial, target, test_type, "
            + FIGURES;

    /**
     * What a reader groups rows by: {@link #SERIES} needs each row's device; {@link #TARGET_TYPE} no more than the
     * target and test type, {@link #TEST_TYPE} no more than the test type, so
     * {@link #scan(RollupTier, ResultScope, Filter, Detail, Instant, Instant, Consumer)} may read rows added up over
     * devices ({@link Aggregate}) where they answer the query.
     */
    public enum Detail {
        SERIES, TARGET_TYPE, TEST_TYPE
    }

    /**
     * Rollups added up over more than one series, folded beside the per-series rows of hours and days from the same
     * deltas: per OU and test type (V10), per OU, target and test type (V12). A query that needs no device (nor
     * submitter) reads one of these instead, a row per OU and type (and target) where the per-series tables hold one
     * per device, target and type: the busiest target's month is some thirty day rows per OU instead of one per
     * device watching it, each day.
     */
    public enum Aggregate {
        TYPE("bucket_start, series_id, ou_id, test_type, " + FIGURES),
        TARGET("bucket_start, series_id, ou_id, target, test_type, " + FIGURES);

        private final String columns;

        Aggregate(String columns) {
            this.columns = columns;
        }

        /** The table holding {@code tier} so added up, or null (minutes have none). */
        public String table(RollupTier tier) {
            return this == TYPE ? tier.typeTable() : tier.targetTable();
        }

        /** The key of the aggregate series holding a per-series row of these columns. */
        UUID seriesId(UUID ouId, String target, String testType) {
            return this == TYPE ? typeSeriesId(ouId, testType) : targetSeriesId(ouId, target, testType);
        }

        /** Empty figures of the aggregate series {@code series}, which holds {@code of}'s series, in {@code bucket}. */
        RollupFigures empty(Instant bucket, UUID series, RollupFigures of) {
            return RollupFigures.aggregated(bucket, series, of.ouId, this == TARGET ? of.target : null, of.testType);
        }
    }

    /**
     * Per-series figures, given in key order, added up per bucket and aggregate series, in key order: what a fold
     * writes into {@code aggregate}'s table. Each aggregate row adds its series' figures in their key order, so a fold
     * and a reader adding the deltas not yet folded make the same sums.
     */
    static List<RollupFigures> aggregate(Aggregate aggregate, java.util.Collection<RollupFigures> perSeries) {
        Map<Key, RollupFigures> out = new TreeMap<>(KEY_ORDER);
        for (RollupFigures m : perSeries) {
            out.computeIfAbsent(new Key(m.bucket, aggregate.seriesId(m.ouId, m.target, m.testType)),
                    k -> aggregate.empty(m.bucket, k.series(), m)).merge(m);
        }
        return new ArrayList<>(out.values());
    }

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

        /** Whether a series of these columns passes. */
        boolean matches(String deviceSerial, String seriesTarget, String seriesTestType) {
            return (device == null || device.equals(deviceSerial)) && (target == null || target.equals(seriesTarget))
                    && (testType == null || testType.equals(seriesTestType));
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

    private record Key(Instant bucket, UUID series) {
    }

    /**
     * Bucket, then the series id's 16 bytes compared unsigned (the stored key's order), here by its two halves:
     * comparing them as bytes made two arrays per comparison, a tenth of a fold's CPU.
     */
    private static final Comparator<Key> KEY_ORDER = Comparator.comparing(Key::bucket)
            .thenComparing(Key::series, (a, b) -> {
                int c = Long.compareUnsigned(a.getMostSignificantBits(), b.getMostSignificantBits());
                return c != 0 ? c : Long.compareUnsigned(a.getLeastSignificantBits(), b.getLeastSignificantBits());
            });

    /** Rollup rows written by one statement of a fold: bounds the {@code IN} lists of its read. */
    private static final int ROWS_PER_STATEMENT = 500;

    /**
     * Appends what newly stored results add to the rollups, as one {@code rollup_delta} row in the caller's
     * transaction: it commits with the results or not at all, and takes no lock another ingest waits for. A fold
     * ({@link #fold}) adds it to the rollup rows later; until then readers add it themselves.
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
        // minute figures only: an hour or day bucket is a whole number of minutes, so a fold or a reader floors them
        // a batch repeats few series (device, target, type): each one's hash is taken once, not per result
        Map<List<String>, UUID> seriesOf = new java.util.HashMap<>();
        Map<Key, RollupFigures> minutes = new java.util.HashMap<>();
        Instant first = null;
        Instant last = null;
        for (ProbeResult r : stored) {
            String device = r.device() == null ? null : r.device().serial();
            String type = r.testType().wireName();
            UUID series = seriesOf.computeIfAbsent(Arrays.asList(device, r.target(), type),
                    k -> seriesId(ouId, submittedBy, device, r.target(), type));
            Instant bucket = RollupTier.MINUTE.floor(r.startedAt());
            minutes.computeIfAbsent(new Key(bucket, series),
                    k -> new RollupFigures(bucket, series, ouId, submittedBy, device, r.target(), type)).add(r);
            first = first == null || bucket.isBefore(first) ? bucket : first;
            last = last == null || bucket.isAfter(last) ? bucket : last;
        }
        // on the transaction's connection with positional parameters, bound as Database's arguments bind them (UUIDs
        // as 16 bytes, instants as UTC LocalDateTime): jdbi's named binding cost more than the statement's round trip
        try (java.sql.PreparedStatement ps = h.getConnection().prepareStatement("INSERT INTO rollup_delta (id, ou_id, "
                + "submitted_by, first_bucket, last_bucket, result_count, figures) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setBytes(1, Uuids.toBytes(UUID.randomUUID()));
            ps.setBytes(2, ouId == null ? null : Uuids.toBytes(ouId));
            ps.setBytes(3, submittedBy == null ? null : Uuids.toBytes(submittedBy));
            ps.setObject(4, java.time.LocalDateTime.ofInstant(first, java.time.ZoneOffset.UTC));
            ps.setObject(5, java.time.LocalDateTime.ofInstant(last, java.time.ZoneOffset.UTC));
            ps.setInt(6, stored.size());
            ps.setBytes(7, RollupDeltaCodec.encode(minutes.values()));
            ps.executeUpdate();
        } catch (java.sql.SQLException e) {
            // as jdbi would have thrown it: the ingest's retries (duplicate key, transient errors) look at the cause
            throw new org.jdbi.v3.core.statement.UnableToExecuteStatementException(e, null);
        }
    }

    /**
     * Folds at most {@code maxDeltas} deltas into the rollup rows of every tier and deletes them, in one
     * transaction: a delta is counted either as a delta or in the rollups, never both, whoever reads. Folds take the
     * one-row {@code rollup_lock} (V7) to the commit, so on one database node they run one at a time and never
     * deadlock on rollup rows; between Galera nodes a fold that meets another's write set fails certification and
     * runs again, then no longer finding the deltas the other folded.
     *
     * @return how many deltas were folded (fewer than {@code maxDeltas}: none are left as of this fold)
     */
    public int fold(int maxDeltas) {
        return db.inTransaction(h -> {
            h.createQuery("SELECT name FROM rollup_lock WHERE name = 'rollups' FOR UPDATE").mapTo(String.class).list();
            List<UUID> ids = new ArrayList<>();
            List<RollupFigures> minutes = new ArrayList<>();
            h.createQuery("SELECT id, ou_id, submitted_by, figures FROM rollup_delta ORDER BY id LIMIT :n")
                    .bind("n", maxDeltas)
                    .map((rs, ctx) -> {
                        ids.add(Rows.uuid(rs, "id"));
                        minutes.addAll(RollupDeltaCodec.decode(rs.getBytes("figures"), Rows.uuid(rs, "ou_id"),
                                Rows.uuid(rs, "submitted_by")));
                        return 1;
                    }).list();
            if (ids.isEmpty()) {
                return 0;
            }
            for (RollupTier tier : RollupTier.values()) {
                Map<Key, RollupFigures> merged = new TreeMap<>(KEY_ORDER);
                for (RollupFigures m : minutes) {
                    Instant bucket = tier.floor(m.bucket);
                    merged.computeIfAbsent(new Key(bucket, m.series), k -> m.emptyAt(bucket)).merge(m);
                }
                applyAll(h, tier, null, new ArrayList<>(merged.values()));
                for (Aggregate a : Aggregate.values()) {
                    // the same minutes added up as a reader of the per-series rows would add them
                    if (a.table(tier) != null) {
                        applyAll(h, tier, a, aggregate(a, merged.values()));
                    }
                }
            }
            h.createUpdate("DELETE FROM rollup_delta WHERE id IN (<ids>)").bindList("ids", ids).execute();
            return ids.size();
        });
    }

    /** Folds until no delta is left (tests, the benchmark, and before retention deletes rollup rows). */
    public long foldAll() {
        long total = 0;
        int n;
        do {
            n = fold(FOLD_BATCH);
            total += n;
        } while (n == FOLD_BATCH);
        return total;
    }

    /** Deltas a fold takes at most at once. */
    public static final int FOLD_BATCH = 64;

    /** Deltas not yet folded (all scopes). */
    public long pendingDeltas() {
        return db.read(h -> h.createQuery("SELECT COUNT(*) FROM rollup_delta").mapTo(Long.class).one());
    }

    /** {@code tier}'s table of {@code aggregate}'s rows, or of the per-series rows when null. */
    private static String table(RollupTier tier, Aggregate aggregate) {
        return aggregate == null ? tier.table() : aggregate.table(tier);
    }

    private static void applyAll(Handle h, RollupTier tier, Aggregate aggregate, List<RollupFigures> rows) {
        for (int i = 0; i < rows.size(); i += ROWS_PER_STATEMENT) {
            apply(h, table(tier, aggregate), aggregate, rows.subList(i, Math.min(rows.size(), i + ROWS_PER_STATEMENT)));
        }
    }

    /**
     * Writes one table's folded figures (in key order; {@code aggregate}: which aggregate's table, or null for a
     * per-series one): locks the rows that exist (in key order) and reads their histograms, adds to those rows and
     * inserts the others. Under the rollup lock no other fold on this node inserts a row between the read and the
     * insert; on Galera a row another node inserted meanwhile fails the insert as a duplicate (or certification), and
     * the whole fold runs again, then finding the row. Each row's histogram is merged here, so a row is written once.
     */
    private static void apply(Handle h, String t, Aggregate aggregate, List<RollupFigures> deltas) {
        Set<Instant> buckets = new LinkedHashSet<>();
        Set<UUID> series = new LinkedHashSet<>();
        for (RollupFigures d : deltas) {
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
        // the writes on the transaction's connection with positional parameters, bound as Database's arguments bind
        // them: jdbi's named binding of sixteen values per row was most of a fold's CPU
        List<RollupFigures> updates = new ArrayList<>();
        List<byte[]> updateHistograms = new ArrayList<>();
        List<RollupFigures> inserts = new ArrayList<>();
        List<byte[]> insertHistograms = new ArrayList<>();
        for (RollupFigures d : deltas) {
            byte[] stored = current.get(new Key(d.bucket, d.series));
            LatencyHistogram merged = new LatencyHistogram();
            merged.mergeEncoded(stored);
            merged.merge(d.histogram);
            (stored != null ? updates : inserts).add(d);
            (stored != null ? updateHistograms : insertHistograms).add(merged.encode());
        }
        java.sql.Connection c = h.getConnection();
        try {
            if (!updates.isEmpty()) {
                try (java.sql.PreparedStatement ps = c.prepareStatement("UPDATE " + t + " SET "
                        + "result_count = result_count + ?, success_count = success_count + ?, "
                        + "latency_count = latency_count + ?, latency_sum = latency_sum + ?, "
                        // LEAST/GREATEST treat NULL differently on the two databases; with COALESCE on both sides they agree
                        + "latency_min = LEAST(COALESCE(latency_min, ?), COALESCE(?, latency_min)), "
                        + "latency_max = GREATEST(COALESCE(latency_max, ?), COALESCE(?, latency_max)), "
                        + "loss_count = loss_count + ?, loss_sum = loss_sum + ?, "
                        + "throughput_count = throughput_count + ?, throughput_sum = throughput_sum + ?, "
                        + "latency_histogram = ? WHERE bucket_start = ? AND series_id = ?")) {
                    for (int i = 0; i < updates.size(); i++) {
                        RollupFigures d = updates.get(i);
                        ps.setLong(1, d.count);
                        ps.setLong(2, d.successes);
                        ps.setLong(3, d.latencyCount);
                        ps.setDouble(4, d.latencySum);
                        setDouble(ps, 5, d.latencyMin);
                        setDouble(ps, 6, d.latencyMin);
                        setDouble(ps, 7, d.latencyMax);
                        setDouble(ps, 8, d.latencyMax);
                        ps.setLong(9, d.lossCount);
                        ps.setDouble(10, d.lossSum);
                        ps.setLong(11, d.throughputCount);
                        ps.setDouble(12, d.throughputSum);
                        ps.setBytes(13, updateHistograms.get(i));
                        ps.setObject(14, java.time.LocalDateTime.ofInstant(d.bucket, java.time.ZoneOffset.UTC));
                        ps.setBytes(15, Uuids.toBytes(d.series));
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
            insert(c, t, aggregate, inserts, insertHistograms);
        } catch (java.sql.SQLException e) {
            // as jdbi would have thrown it: the fold's retries (duplicate key, certification, deadlock) look at the cause
            throw new org.jdbi.v3.core.statement.UnableToExecuteStatementException(e, null);
        }
    }

    /**
     * Inserts new rows of {@code t} ({@code aggregate}'s table, or a per-series one when null) with their encoded
     * histograms, as one JDBC batch.
     */
    private static void insert(java.sql.Connection c, String t, Aggregate aggregate, List<RollupFigures> inserts,
                               List<byte[]> histograms) throws java.sql.SQLException {
        if (inserts.isEmpty()) {
            return;
        }
        String columns = aggregate == null ? COLUMNS : aggregate.columns;
        int n = columns.split(",").length + 1;
        try (java.sql.PreparedStatement ps = c.prepareStatement("INSERT INTO " + t + " (" + columns
                + ", latency_histogram) VALUES (?" + ", ?".repeat(n - 1) + ")")) {
            for (int i = 0; i < inserts.size(); i++) {
                RollupFigures d = inserts.get(i);
                int p = 1;
                ps.setObject(p++, java.time.LocalDateTime.ofInstant(d.bucket, java.time.ZoneOffset.UTC));
                ps.setBytes(p++, Uuids.toBytes(d.series));
                ps.setBytes(p++, d.ouId == null ? null : Uuids.toBytes(d.ouId));
                if (aggregate == null) {
                    ps.setBytes(p++, d.submittedBy == null ? null : Uuids.toBytes(d.submittedBy));
                    ps.setString(p++, d.device);
                }
                if (aggregate != Aggregate.TYPE) {
                    ps.setString(p++, d.target);
                }
                ps.setString(p++, d.testType);
                ps.setLong(p++, d.count);
                ps.setLong(p++, d.successes);
                ps.setLong(p++, d.latencyCount);
                ps.setDouble(p++, d.latencySum);
                setDouble(ps, p++, d.latencyMin);
                setDouble(ps, p++, d.latencyMax);
                ps.setLong(p++, d.lossCount);
                ps.setDouble(p++, d.lossSum);
                ps.setLong(p++, d.throughputCount);
                ps.setDouble(p++, d.throughputSum);
                ps.setBytes(p++, histograms.get(i));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * Inserts rows no table holds yet, as a fold inserts them (its histogram: the empty stored one merged with the
     * sum's), in the caller's transaction: for a bulk load of rollups computed elsewhere ({@code aggregate}'s table
     * of {@code tier}, or the per-series one when null).
     */
    static void insertNew(Handle h, RollupTier tier, Aggregate aggregate, List<RollupFigures> rows) {
        List<byte[]> histograms = new ArrayList<>(rows.size());
        for (RollupFigures d : rows) {
            LatencyHistogram merged = new LatencyHistogram();
            merged.merge(d.histogram);
            histograms.add(merged.encode());
        }
        try {
            insert(h.getConnection(), table(tier, aggregate), aggregate, rows, histograms);
        } catch (java.sql.SQLException e) {
            throw new org.jdbi.v3.core.statement.UnableToExecuteStatementException(e, null);
        }
    }

    private static void setDouble(java.sql.PreparedStatement ps, int i, Double v) throws java.sql.SQLException {
        if (v == null) {
            ps.setNull(i, java.sql.Types.DOUBLE);
        } else {
            ps.setDouble(i, v);
        }
    }

    /**
     * The series key: SHA-256 of its columns, first 16 bytes. Columns are length-prefixed, so no two series share
     * an input.
     */
    static UUID seriesId(UUID ouId, UUID submittedBy, String device, String target, String testType) {
        return digest(Objects.toString(ouId, ""), Objects.toString(submittedBy, ""), device == null ? "\u0000" : device,
                target, testType);
    }

    /** The key of a per-OU-and-type series (V10's tables): SHA-256 of the OU and the test type, first 16 bytes. */
    static UUID typeSeriesId(UUID ouId, String testType) {
        return digest(Objects.toString(ouId, ""), testType);
    }

    /**
     * The key of a per-OU-target-and-type series (V12's tables): SHA-256 of the OU, a marker that keeps these keys
     * apart from the per-type ones, the target and the test type, first 16 bytes.
     */
    static UUID targetSeriesId(UUID ouId, String target, String testType) {
        return digest(Objects.toString(ouId, ""), "target", target, testType);
    }

    private static UUID digest(String... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (String part : parts) {
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
     * (unordered), one per bucket and series, with the deltas not yet folded added in: the answer is the same before
     * and after a fold. Deltas and rows are read in one snapshot ({@link Database#readSnapshot}), so a fold that
     * commits meanwhile is seen wholly or not at all.
     */
    public void scan(RollupTier tier, ResultScope scope, Filter filter, Instant from, Instant to, Consumer<Row> sink) {
        db.readSnapshot(h -> {
            scan(h, tier, scope, filter, from, to, sink);
            return null;
        });
    }

    /**
     * Like {@link #scan(RollupTier, ResultScope, Filter, Instant, Instant, Consumer)} for a reader that needs only
     * {@code detail}: where rows added up over devices answer the query ({@link #answering}), it streams those
     * instead, one per bucket, OU, type (and target, {@link Aggregate#TARGET}), with device null (and target null,
     * {@link Aggregate#TYPE}). Their figures are the per-series rows' added up, so a reader grouping by target and
     * type, by type or by nothing gets the same counts, extremes and histograms either way, and the same sums up to
     * the order of floating-point additions.
     */
    public void scan(RollupTier tier, ResultScope scope, Filter filter, Detail detail, Instant from, Instant to,
                     Consumer<Row> sink) {
        db.readSnapshot(h -> {
            Aggregate a = answering(tier, scope, filter, detail);
            if (a != null) {
                scanAggregate(h, tier, a, scope, filter, from, to, sink);
            } else {
                scan(h, tier, scope, filter, from, to, sink);
            }
            return null;
        });
    }

    /**
     * The aggregate whose rows of {@code tier} hold what a query of this scope, filter and detail reads, or null
     * (the per-series rows): the tier has them (hours and days), the query needs no device (it names none and does
     * not group by one) and the scope is everything or one OU (a submitter's scope needs the submitter, which only
     * the per-series rows carry). The per-type rows where no target is named or grouped by, they being fewer; the
     * per-target ones otherwise.
     */
    public static Aggregate answering(RollupTier tier, ResultScope scope, Filter filter, Detail detail) {
        if (detail == Detail.SERIES || filter.device() != null || scope instanceof ResultScope.Submitter) {
            return null;
        }
        if (detail == Detail.TEST_TYPE && filter.target() == null && tier.typeTable() != null) {
            return Aggregate.TYPE;
        }
        return tier.targetTable() != null ? Aggregate.TARGET : null;
    }

    /** {@code aggregate}'s rows in the caller's snapshot, with their unfolded deltas added ({@link #answering} chose it). */
    private static void scanAggregate(Handle h, RollupTier tier, Aggregate aggregate, ResultScope scope, Filter filter,
                                      Instant from, Instant to, Consumer<Row> sink) {
        Map<Key, RollupFigures> pending = pending(h, tier, scope, filter, from, to, aggregate);
        Query q = h.createQuery("SELECT r.bucket_start, r.series_id, " + (aggregate == Aggregate.TARGET ? "r.target, " : "")
                + "r.test_type, r.result_count, r.success_count, "
                + "r.latency_count, r.latency_sum, r.latency_min, r.latency_max, r.loss_count, r.loss_sum, "
                + "r.throughput_count, r.throughput_sum, r.latency_histogram FROM " + aggregate.table(tier) + " r WHERE "
                + scope.condition() + " AND r.bucket_start >= :from AND r.bucket_start < :to" + filter.sql());
        stream(q, scope, filter, from, to, pending, false, aggregate == Aggregate.TARGET, sink);
    }

    /** {@link #scan} in the caller's snapshot (tests check it against the results of the same snapshot). */
    static void scan(Handle h, RollupTier tier, ResultScope scope, Filter filter, Instant from, Instant to,
                     Consumer<Row> sink) {
        Map<Key, RollupFigures> pending = pending(h, tier, scope, filter, from, to, null);
        Query q = h.createQuery("SELECT r.bucket_start, r.series_id, r.device_serial, r.target, r.test_type, "
                + "r.result_count, r.success_count, r.latency_count, r.latency_sum, r.latency_min, r.latency_max, "
                + "r.loss_count, r.loss_sum, r.throughput_count, r.throughput_sum, r.latency_histogram FROM "
                + tier.table() + " r WHERE " + scope.condition() + " AND r.bucket_start >= :from AND r.bucket_start < :to"
                + filter.sql());
        stream(q, scope, filter, from, to, pending, true, true, sink);
    }

    /** Streams a scan's rows with the pending deltas of their bucket and series added, then the other pending ones. */
    private static void stream(Query q, ResultScope scope, Filter filter, Instant from, Instant to,
                               Map<Key, RollupFigures> pending, boolean withDevice, boolean withTarget,
                               Consumer<Row> sink) {
        if (scope.parameter() != null) {
            q.bind("scope", scope.parameter());
        }
        try (var rows = filter.bind(q).bind("from", from).bind("to", to).setFetchSize(2000)
                .map((rs, ctx) -> {
                    Row row = new Row(Rows.instant(rs, "bucket_start"),
                            withDevice ? rs.getString("device_serial") : null, withTarget ? rs.getString("target") : null,
                            rs.getString("test_type"), rs.getLong("result_count"),
                            rs.getLong("success_count"), rs.getLong("latency_count"), rs.getDouble("latency_sum"),
                            Rows.nullableDouble(rs, "latency_min"), Rows.nullableDouble(rs, "latency_max"),
                            rs.getLong("loss_count"), rs.getDouble("loss_sum"), rs.getLong("throughput_count"),
                            rs.getDouble("throughput_sum"), rs.getBytes("latency_histogram"));
                    if (pending.isEmpty()) {
                        return row;
                    }
                    UUID series = Rows.uuid(rs, "series_id");
                    RollupFigures unfolded = pending.remove(new Key(row.bucketStart(), series));
                    if (unfolded == null) {
                        return row;
                    }
                    // the row, then the deltas in the order a fold adds them: the same sums as after the fold
                    RollupFigures sum = RollupFigures.of(row, series);
                    sum.merge(unfolded);
                    return sum.toRow();
                })
                .stream()) {
            rows.forEach(sink);
        }
        // buckets and series no fold has reached yet
        pending.values().forEach(f -> sink.accept(f.toRow()));
    }

    /**
     * The deltas not yet folded in scope that {@code tier}'s buckets in {@code [from, to)} gain, matching
     * {@code filter}, per bucket and series (or per bucket and series of {@code aggregate}, when not null); each
     * bucket's deltas added in the order a fold takes them (by id).
     */
    private static Map<Key, RollupFigures> pending(Handle h, RollupTier tier, ResultScope scope, Filter filter,
                                                   Instant from, Instant to, Aggregate aggregate) {
        Map<Key, RollupFigures> out = new java.util.HashMap<>();
        // a delta's minutes lie in [first_bucket, last_bucket]; its tier buckets are those floored
        Query q = h.createQuery("SELECT r.ou_id, r.submitted_by, r.figures FROM rollup_delta r WHERE "
                + scope.condition() + " AND r.last_bucket >= :from_minute AND r.first_bucket < :to_ceiling ORDER BY r.id");
        if (scope.parameter() != null) {
            q.bind("scope", scope.parameter());
        }
        q.bind("from_minute", tier.floor(from)).bind("to_ceiling", tier.ceil(to)).map((rs, ctx) -> {
            for (RollupFigures m : RollupDeltaCodec.decode(rs.getBytes("figures"), Rows.uuid(rs, "ou_id"),
                    Rows.uuid(rs, "submitted_by"))) {
                Instant bucket = tier.floor(m.bucket);
                if (bucket.isBefore(from) || !bucket.isBefore(to) || !filter.matches(m.device, m.target, m.testType)) {
                    continue;
                }
                out.computeIfAbsent(new Key(bucket, m.series), k -> m.emptyAt(bucket)).merge(m);
            }
            return 1;
        }).list();
        if (aggregate == null) {
            return out;
        }
        // added up as a fold does: each series' sum, in key order
        Map<Key, RollupFigures> ordered = new TreeMap<>(KEY_ORDER);
        ordered.putAll(out);
        Map<Key, RollupFigures> sums = new java.util.HashMap<>();
        for (RollupFigures f : aggregate(aggregate, ordered.values())) {
            sums.put(new Key(f.bucket, f.series), f);
        }
        return sums;
    }

    /** Whether {@code tier} has a row of this device serial in scope (devices whose raw results are gone). */
    public boolean hasDevice(RollupTier tier, ResultScope scope, String serial) {
        return db.readSnapshot(h -> {
            Query q = h.createQuery("SELECT 1 FROM " + tier.table() + " r WHERE " + scope.condition()
                    + " AND r.device_serial = :serial LIMIT 1").bind("serial", serial);
            if (scope.parameter() != null) {
                q.bind("scope", scope.parameter());
            }
            if (q.mapTo(Integer.class).findOne().isPresent()) {
                return true;
            }
            Query d = h.createQuery("SELECT r.ou_id, r.submitted_by, r.figures FROM rollup_delta r WHERE " + scope.condition());
            if (scope.parameter() != null) {
                d.bind("scope", scope.parameter());
            }
            return d.map((rs, ctx) -> RollupDeltaCodec.decode(rs.getBytes("figures"), null, null).stream()
                    .anyMatch(f -> serial.equals(f.device))).stream().anyMatch(Boolean::booleanValue);
        });
    }

    /**
     * Deletes at most {@code batch} rows of {@code tier} whose bucket started before {@code cutoff}, per-series rows
     * first, then the aggregates' ones, each table in short transactions; returns how many (fewer than
     * {@code batch}: none are left).
     */
    public int deleteBefore(RollupTier tier, Instant cutoff, int batch) {
        int n = deleteBefore(tier.table(), cutoff, batch);
        for (Aggregate a : Aggregate.values()) {
            if (n < batch && a.table(tier) != null) {
                n += deleteBefore(a.table(tier), cutoff, batch - n);
            }
        }
        return n;
    }

    private int deleteBefore(String table, Instant cutoff, int batch) {
        return db.inTransaction(h -> {
            List<Map.Entry<Instant, UUID>> keys = h.createQuery("SELECT bucket_start, series_id FROM " + table
                            + " WHERE bucket_start < :cutoff ORDER BY bucket_start LIMIT :n")
                    .bind("cutoff", cutoff).bind("n", batch)
                    .map((rs, ctx) -> Map.entry(Rows.instant(rs, "bucket_start"), Rows.uuid(rs, "series_id"))).list();
            if (keys.isEmpty()) {
                return 0;
            }
            PreparedBatch delete = h.prepareBatch("DELETE FROM " + table
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

    /** Per-OU-and-type rows of {@code tier} (0 for minutes, which have none; tests and the benchmark). */
    public long countPerType(RollupTier tier) {
        return count(tier, Aggregate.TYPE);
    }

    /** Rows of {@code aggregate}'s table of {@code tier} (0 for minutes, which have none; tests and the benchmark). */
    public long count(RollupTier tier, Aggregate aggregate) {
        String table = aggregate.table(tier);
        return table == null ? 0
                : db.read(h -> h.createQuery("SELECT COUNT(*) FROM " + table).mapTo(Long.class).one());
    }

    /**
     * Fills {@code aggregate}'s tables from the per-series rows folded so far (the V11 and V13 migrations, on a store
     * whose rollups predate those tables; deltas not yet folded are folded into all tables later). Reads one span of
     * buckets at a time in key order — a day of hour rows, 32 days of day rows — adds them up per bucket and
     * aggregate series as a fold does (each aggregate row takes its series in key order) and inserts the sums, so
     * memory holds one span's sums, not the table. Runs in the caller's transaction, or statement by statement.
     *
     * @return the aggregate rows written per tier
     */
    public static Map<RollupTier, Long> fill(Handle h, Aggregate aggregate) {
        Map<RollupTier, Long> written = new java.util.EnumMap<>(RollupTier.class);
        for (RollupTier tier : RollupTier.values()) {
            String table = aggregate.table(tier);
            if (table == null) {
                continue;
            }
            h.createUpdate("DELETE FROM " + table).execute();
            Instant[] bounds = h.createQuery("SELECT MIN(bucket_start) AS first, MAX(bucket_start) AS last FROM "
                    + tier.table()).map((rs, ctx) -> new Instant[] {Rows.instant(rs, "first"), Rows.instant(rs, "last")})
                    .one();
            Instant first = bounds[0];
            Instant last = bounds[1];
            long n = 0;
            java.time.Duration span = tier == RollupTier.HOUR ? java.time.Duration.ofDays(1) : java.time.Duration.ofDays(32);
            for (Instant from = first; from != null && !from.isAfter(last); from = from.plus(span)) {
                Map<Key, RollupFigures> sums = new TreeMap<>(KEY_ORDER);
                Query q = h.createQuery("SELECT r.bucket_start, r.series_id, r.ou_id, r.device_serial, r.target, "
                        + "r.test_type, r." + FIGURES.replace(", ", ", r.") + ", r.latency_histogram FROM " + tier.table()
                        + " r WHERE r.bucket_start >= :from AND r.bucket_start < :to ORDER BY r.bucket_start, r.series_id");
                q.bind("from", from).bind("to", from.plus(span)).map((rs, ctx) -> {
                    Row row = new Row(Rows.instant(rs, "bucket_start"), null, rs.getString("target"),
                            rs.getString("test_type"), rs.getLong("result_count"), rs.getLong("success_count"),
                            rs.getLong("latency_count"), rs.getDouble("latency_sum"),
                            Rows.nullableDouble(rs, "latency_min"), Rows.nullableDouble(rs, "latency_max"),
                            rs.getLong("loss_count"), rs.getDouble("loss_sum"), rs.getLong("throughput_count"),
                            rs.getDouble("throughput_sum"), rs.getBytes("latency_histogram"));
                    UUID ou = Rows.uuid(rs, "ou_id");
                    // rows come in key order, so each sum takes its series in key order, as a fold's does
                    sums.computeIfAbsent(new Key(row.bucketStart(), aggregate.seriesId(ou, row.target(), row.testType())),
                                    k -> RollupFigures.aggregated(row.bucketStart(), k.series(), ou,
                                            aggregate == Aggregate.TARGET ? row.target() : null, row.testType()))
                            .merge(RollupFigures.of(row, null));
                    return 1;
                }).list();
                applyAll(h, tier, aggregate, new ArrayList<>(sums.values()));
                n += sums.size();
            }
            written.put(tier, n);
        }
        return written;
    }
}
