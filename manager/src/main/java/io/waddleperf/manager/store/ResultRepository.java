package io.waddleperf.manager.store;

import io.waddleperf.core.result.ProbeResult;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

/**
 * Stored probe results, keyed by their own UUIDv7 id. {@link #store} is idempotent: a result whose id is stored
 * already is left as it is and reported as a duplicate. Every read takes a {@link ResultScope}.
 */
public final class ResultRepository {

    /** Longest {@code target} kept in its indexed column (the whole text stays in the document). */
    public static final int MAX_TARGET_CHARS = 512;
    /** Longest {@code device.serial} accepted (indexed column). */
    public static final int MAX_SERIAL_CHARS = 255;
    private static final int MAX_ERROR_CHARS = 1024;
    private static final int MAX_SHORT_CHARS = 255;
    /** How often a batch is retried when another writer stored one of its ids between our check and our insert. */
    private static final int DUPLICATE_RACE_RETRIES = 3;

    /** What happened to one submitted result. */
    public enum Outcome {
        STORED, DUPLICATE;

        public String externalName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * One result to store: the parsed object, its JSON text as received (kept verbatim) and where its client and
     * target are.
     *
     * @param result   the parsed result
     * @param document its JSON text
     * @param geo      GeoIP of its client and target
     */
    public record Incoming(ProbeResult result, String document, ResultGeo geo) {

        public Incoming {
            geo = geo == null ? ResultGeo.NONE : geo;
        }

        public Incoming(ProbeResult result, String document) {
            this(result, document, ResultGeo.NONE);
        }
    }

    /**
     * A stored result with the scope columns a caller checks before showing it.
     *
     * @param id          result id
     * @param ouId        OU of the submitter when stored, or null
     * @param submittedBy the submitting user, or null
     * @param document    the result object's JSON text
     */
    public record Stored(UUID id, UUID ouId, UUID submittedBy, String document) {
    }

    private final Database db;

    public ResultRepository(Database db) {
        this.db = db;
    }

    /**
     * Stores a batch in one transaction: results whose ids are stored already (or appear earlier in the batch) are
     * duplicates, the rest are inserted. Returns only after the commit.
     *
     * @param batch       results with distinct or repeated ids
     * @param ouId        OU the results belong to (the submitter's), or null
     * @param submittedBy the submitting user
     * @param receivedAt  when the manager received them
     * @return the outcome of each id, in batch order
     */
    public Map<UUID, Outcome> store(List<Incoming> batch, UUID ouId, UUID submittedBy, Instant receivedAt) {
        return store(batch, ouId, submittedBy, null, receivedAt);
    }

    /**
     * {@link #store(List, UUID, UUID, Instant)} for results an enrolled device uploaded with its credential: they are
     * attributed to {@code deviceId} (and to its OU, {@code ouId}).
     */
    public Map<UUID, Outcome> store(List<Incoming> batch, UUID ouId, UUID submittedBy, UUID deviceId, Instant receivedAt) {
        for (int attempt = 0; ; attempt++) {
            try {
                return db.inTransaction(h -> storeOnce(h, batch, ouId, submittedBy, deviceId, receivedAt));
            } catch (RuntimeException e) {
                // another writer inserted one of these ids after our check: the next attempt sees it as a duplicate
                if (!Rows.isDuplicateKey(e) || attempt >= DUPLICATE_RACE_RETRIES) {
                    throw e;
                }
            }
        }
    }

    private static Map<UUID, Outcome> storeOnce(Handle h, List<Incoming> batch, UUID ouId, UUID submittedBy,
                                                UUID deviceId, Instant receivedAt) {
        List<UUID> ids = batch.stream().map(i -> i.result().id()).distinct().toList();
        Set<UUID> existing = existing(h, ids);
        Map<UUID, Outcome> outcomes = new LinkedHashMap<>();
        List<ProbeResult> inserted = new java.util.ArrayList<>();
        List<Incoming> rows = new java.util.ArrayList<>();
        for (Incoming in : batch) {
            ProbeResult r = in.result();
            if (existing.contains(r.id()) || outcomes.containsKey(r.id())) {
                outcomes.putIfAbsent(r.id(), Outcome.DUPLICATE);
                continue;
            }
            outcomes.put(r.id(), Outcome.STORED);
            rows.add(in);
            inserted.add(r);
        }
        if (!inserted.isEmpty()) {
            insert(h, rows, ouId, submittedBy, deviceId, receivedAt);
            // the rollup delta counts exactly what this transaction stored (folded into the rollup rows later)
            RollupRepository.add(h, inserted, ouId, submittedBy);
        }
        // a duplicate reported for the first occurrence of an id already stored, in batch order
        Map<UUID, Outcome> ordered = new LinkedHashMap<>();
        for (UUID id : ids) {
            ordered.put(id, outcomes.get(id));
        }
        return ordered;
    }

    /**
     * The ids of these that are stored already: one {@code SELECT … IN} on the transaction's connection with
     * positional parameters (through jdbi each of up to 500 ids was bound by an argument factory lookup).
     */
    private static Set<UUID> existing(Handle h, List<UUID> ids) {
        Set<UUID> out = new HashSet<>();
        if (ids.isEmpty()) {
            return out;
        }
        StringBuilder sql = new StringBuilder(40 + ids.size() * 3).append("SELECT id FROM results WHERE id IN (");
        for (int i = 0; i < ids.size(); i++) {
            sql.append(i == 0 ? "?" : ", ?");
        }
        try (java.sql.PreparedStatement ps = h.getConnection().prepareStatement(sql.append(')').toString())) {
            for (int i = 0; i < ids.size(); i++) {
                ps.setBytes(i + 1, Uuids.toBytes(ids.get(i)));
            }
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(Uuids.fromBytes(rs.getBytes(1)));
                }
            }
        } catch (java.sql.SQLException e) {
            // as jdbi would have thrown it: the retries (transient errors) look at the cause
            throw new org.jdbi.v3.core.statement.UnableToExecuteStatementException(e, null);
        }
        return out;
    }

    private static final String INSERT = "INSERT INTO results (id, ou_id, submitted_by, test_type, target, target_host, "
            + "target_ip, started_at, received_at, duration_ms, success, error, tier, source, device_serial, "
            + "device_hostname, latency_ms, jitter_ms, packet_loss_percent, throughput_mbps, document, device_id, "
            + "client_ip, client_country, client_city, client_latitude, client_longitude, client_asn, client_as_org, "
            + "target_country, target_city, target_latitude, target_longitude, target_asn, target_as_org) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    /**
     * {@link #INSERT} without the twelve GeoIP place columns (they default to NULL), for a batch none of whose
     * results has a place known: the usual case without a GeoIP database, where binding twelve NULLs per row was a
     * good part of the driver's work on the insert.
     */
    private static final String INSERT_NO_PLACES = INSERT.substring(0, INSERT.indexOf(", client_country"))
            + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    /**
     * The batch insert, on the transaction's connection with positional parameters: jdbi's named binding looked up
     * an argument factory for each of the 35 values of every row, and that was a third of the request's CPU on this
     * path (docs/BENCHMARKS.md, section 17). Types are bound as {@link Database}'s arguments bind them. Package
     * private for the scale benchmark's bulk fill, which writes the same rows without a delta (its rollups are
     * written already folded).
     */
    static void insert(Handle h, List<Incoming> rows, UUID ouId, UUID submittedBy, UUID deviceId,
                               Instant receivedAt) {
        byte[] ou = ouId == null ? null : Uuids.toBytes(ouId);
        byte[] submitter = submittedBy == null ? null : Uuids.toBytes(submittedBy);
        byte[] device = deviceId == null ? null : Uuids.toBytes(deviceId);
        java.time.LocalDateTime received = utc(receivedAt);
        boolean places = false;
        for (Incoming in : rows) {
            places |= !in.geo().client().isEmpty() || !in.geo().target().isEmpty();
        }
        try (java.sql.PreparedStatement ps = h.getConnection().prepareStatement(places ? INSERT : INSERT_NO_PLACES)) {
            for (Incoming in : rows) {
                ProbeResult r = in.result();
                ps.setBytes(1, Uuids.toBytes(r.id()));
                ps.setBytes(2, ou);
                ps.setBytes(3, submitter);
                ps.setString(4, r.testType().wireName());
                ps.setString(5, r.target());
                ps.setString(6, cut(r.targetHost(), MAX_SHORT_CHARS));
                ps.setString(7, cut(r.targetIp(), 45));
                ps.setObject(8, utc(r.startedAt()));
                ps.setObject(9, received);
                setDouble(ps, 10, r.durationMs());
                ps.setBoolean(11, r.success());
                ps.setString(12, cut(r.error(), MAX_ERROR_CHARS));
                if (r.tier() == null) {
                    ps.setNull(13, java.sql.Types.INTEGER);
                } else {
                    ps.setInt(13, r.tier());
                }
                ps.setString(14, r.source() == null ? null : r.source().wireName());
                ps.setString(15, r.device() == null ? null : r.device().serial());
                ps.setString(16, r.device() == null ? null : cut(r.device().hostname(), MAX_SHORT_CHARS));
                setDouble(ps, 17, r.latencyMs());
                setDouble(ps, 18, r.jitterMs());
                setDouble(ps, 19, r.packetLossPercent());
                setDouble(ps, 20, r.throughputMbps());
                ps.setString(21, in.document());
                ps.setBytes(22, device);
                ResultGeo g = in.geo();
                ps.setString(23, g.clientIp());
                if (places) {
                    setPlace(ps, 24, g.client());
                    setPlace(ps, 30, g.target());
                }
                ps.addBatch();
            }
            ps.executeBatch();
        } catch (java.sql.SQLException e) {
            // as jdbi would have thrown it: the retries (duplicate key, transient errors) look at the cause
            throw new org.jdbi.v3.core.statement.UnableToExecuteStatementException(e, null);
        }
    }

    private static void setPlace(java.sql.PreparedStatement ps, int first, ResultGeo.Place p) throws java.sql.SQLException {
        ps.setString(first, p.countryCode());
        ps.setString(first + 1, p.city());
        setDouble(ps, first + 2, p.latitude());
        setDouble(ps, first + 3, p.longitude());
        if (p.asn() == null) {
            ps.setNull(first + 4, java.sql.Types.BIGINT);
        } else {
            ps.setLong(first + 4, p.asn());
        }
        ps.setString(first + 5, p.asOrganization());
    }

    private static void setDouble(java.sql.PreparedStatement ps, int i, Double v) throws java.sql.SQLException {
        if (v == null) {
            ps.setNull(i, java.sql.Types.DOUBLE);
        } else {
            ps.setDouble(i, v);
        }
    }

    private static java.time.LocalDateTime utc(Instant t) {
        return t == null ? null : java.time.LocalDateTime.ofInstant(t, java.time.ZoneOffset.UTC);
    }

    /** The newest results (by start time) in scope, at most {@code limit}; documents carry their {@code geo}. */
    public List<Stored> recent(ResultScope scope, int limit) {
        return recent(scope, ResultFilter.NONE, limit);
    }

    /** The newest results (by start time) in scope that match the filter, at most {@code limit}. */
    public List<Stored> recent(ResultScope scope, ResultFilter filter, int limit) {
        StringBuilder where = new StringBuilder(scope.condition());
        if (filter.deviceSerial() != null) {
            where.append(" AND r.device_serial = :device_serial");
        }
        if (filter.testType() != null) {
            where.append(" AND r.test_type = :test_type");
        }
        if (filter.target() != null) {
            where.append(" AND r.target = :target");
        }
        if (filter.success() != null) {
            where.append(" AND r.success = :success");
        }
        if (filter.from() != null) {
            where.append(" AND r.started_at >= :from");
        }
        if (filter.to() != null) {
            where.append(" AND r.started_at < :to");
        }
        if (!filter.tiers().isEmpty()) {
            StringBuilder in = new StringBuilder();
            for (int i = 0; i < filter.tiers().size(); i++) {
                in.append(i == 0 ? "" : ", ").append(":tier").append(i);
            }
            where.append(" AND r.tier IN (").append(in).append(')');
        }
        return db.read(h -> {
            var q = scoped(h, "SELECT r.id, r.ou_id, r.submitted_by, r.document, r.target_ip, " + GEO_COLUMNS_R
                    + " FROM results r WHERE " + where + " ORDER BY r.started_at DESC, r.id DESC LIMIT :limit", scope)
                    .bind("limit", limit);
            if (filter.deviceSerial() != null) {
                q.bind("device_serial", filter.deviceSerial());
            }
            if (filter.testType() != null) {
                q.bind("test_type", filter.testType());
            }
            if (filter.target() != null) {
                q.bind("target", filter.target());
            }
            if (filter.success() != null) {
                q.bind("success", filter.success().booleanValue());
            }
            if (filter.from() != null) {
                q.bind("from", filter.from());
            }
            if (filter.to() != null) {
                q.bind("to", filter.to());
            }
            for (int i = 0; i < filter.tiers().size(); i++) {
                q.bind("tier" + i, filter.tiers().get(i).intValue());
            }
            return q.map((rs, ctx) -> stored(rs)).list();
        });
    }

    /**
     * Which results a listing keeps; a null field keeps every value.
     *
     * @param deviceSerial the reporting device's serial
     * @param testType     probe type
     * @param target       target exactly as stored
     * @param success      only successes (true) or only failures (false)
     * @param from         started at or after
     * @param to           started before
     * @param tiers        only results of one of these AutoPerf tiers (empty: of any tier or none)
     */
    public record ResultFilter(String deviceSerial, String testType, String target, Boolean success, Instant from,
                               Instant to, List<Integer> tiers) {
        public static final ResultFilter NONE = new ResultFilter(null, null, null, null, null, null, List.of());

        public ResultFilter {
            tiers = tiers == null ? List.of() : List.copyOf(tiers);
        }
    }

    /** One result by id, whoever may see it (the caller checks the scope columns); the document carries its {@code geo}. */
    public Optional<Stored> find(UUID id) {
        return db.read(h -> h.createQuery("SELECT r.id, r.ou_id, r.submitted_by, r.document, r.target_ip, "
                + GEO_COLUMNS_R + " FROM results r WHERE r.id = :id")
                .bind("id", id).map((rs, ctx) -> stored(rs)).findOne());
    }

    private static final String GEO_COLUMNS = "client_ip, client_country, client_city, client_latitude, "
            + "client_longitude, client_asn, client_as_org, target_country, target_city, target_latitude, "
            + "target_longitude, target_asn, target_as_org";
    private static final String GEO_COLUMNS_R = "r." + GEO_COLUMNS.replace(", ", ", r.");

    private static ResultGeo.Place place(java.sql.ResultSet rs, String side) throws java.sql.SQLException {
        long asn = rs.getLong(side + "_asn");
        Long asnOrNull = rs.wasNull() ? null : asn;
        return new ResultGeo.Place(rs.getString(side + "_country"), rs.getString(side + "_city"),
                Rows.nullableDouble(rs, side + "_latitude"), Rows.nullableDouble(rs, side + "_longitude"), asnOrNull,
                rs.getString(side + "_as_org"));
    }

    /**
     * A stored row; its document gets the {@code geo} object spliced in at the end. The stored text stays as received
     * (the result model is strict and knows no {@code geo}); only answers carry it.
     */
    private static Stored stored(java.sql.ResultSet rs) throws java.sql.SQLException {
        String document = rs.getString("document");
        ResultGeo geo = new ResultGeo(rs.getString("client_ip"), place(rs, "client"), place(rs, "target"));
        java.util.Map<String, Object> json = geo.json(rs.getString("target_ip"));
        if (json != null && document.endsWith("}")) {
            document = document.substring(0, document.length() - 1) + ",\"geo\":"
                    + io.waddleperf.core.result.Json.write(json) + "}";
        }
        return new Stored(Rows.uuid(rs, "id"), Rows.uuid(rs, "ou_id"), Rows.uuid(rs, "submitted_by"), document);
    }

    /**
     * The figures of one result that summaries aggregate.
     *
     * @param target            target as given
     * @param testType          probe type
     * @param deviceSerial      device serial, or null
     * @param startedAt         start time
     * @param success           whether it succeeded
     * @param latencyMs         mean latency, or null
     * @param packetLossPercent loss, or null
     * @param throughputMbps    goodput, or null
     */
    public record MetricRow(String target, String testType, String deviceSerial, Instant startedAt, boolean success,
                            Double latencyMs, Double packetLossPercent, Double throughputMbps) {
    }

    /**
     * The newest results in scope matching {@code filter} (null parts match anything), at most {@code limit}.
     */
    public List<Stored> recent(ResultScope scope, RollupRepository.Filter filter, int limit) {
        return db.read(h -> filter.bind(scoped(h, "SELECT r.id, r.ou_id, r.submitted_by, r.document FROM results r WHERE "
                        + scope.condition() + filter.sql() + " ORDER BY r.started_at DESC, r.id DESC LIMIT :limit", scope))
                .bind("limit", limit).map((rs, ctx) -> new Stored(Rows.uuid(rs, "id"), Rows.uuid(rs, "ou_id"),
                        Rows.uuid(rs, "submitted_by"), rs.getString("document"))).list());
    }

    /**
     * One row per result in scope matching {@code filter} started in {@code [from, to)}, unordered, for exact
     * statistics without holding all rows at once.
     *
     * @param sink receives each row
     */
    public void metricsBetween(ResultScope scope, RollupRepository.Filter filter, Instant from, Instant to,
                               Consumer<MetricRow> sink) {
        db.read(h -> {
            try (var rows = filter.bind(scoped(h, "SELECT r.target, r.test_type, r.device_serial, r.started_at, r.success, "
                            + "r.latency_ms, r.packet_loss_percent, r.throughput_mbps FROM results r WHERE " + scope.condition()
                            + filter.sql() + " AND r.started_at >= :from AND r.started_at < :to", scope))
                    .bind("from", from).bind("to", to).setFetchSize(1000)
                    .map((rs, ctx) -> new MetricRow(rs.getString("target"), rs.getString("test_type"),
                            rs.getString("device_serial"), Rows.instant(rs, "started_at"),
                            rs.getBoolean("success"), Rows.nullableDouble(rs, "latency_ms"),
                            Rows.nullableDouble(rs, "packet_loss_percent"), Rows.nullableDouble(rs, "throughput_mbps")))
                    .stream()) {
                rows.forEach(sink);
            }
            return null;
        });
    }

    /**
     * One exported result: the indexed columns and the stored document.
     *
     * @param id       result id
     * @param ouId     OU, or null
     * @param startedAt start time
     * @param testType probe type
     * @param target   target
     * @param targetHost host, or null
     * @param targetIp address, or null
     * @param success  whether it succeeded
     * @param error    error text, or null
     * @param tier     AutoPerf tier, or null
     * @param source   source, or null
     * @param deviceSerial device serial, or null
     * @param deviceHostname device host name, or null
     * @param durationMs run time, or null
     * @param latencyMs latency, or null
     * @param jitterMs jitter, or null
     * @param packetLossPercent loss, or null
     * @param throughputMbps throughput, or null
     * @param document the result object's JSON text
     */
    public record ExportRow(UUID id, UUID ouId, Instant startedAt, String testType, String target, String targetHost,
                            String targetIp, boolean success, String error, Integer tier, String source,
                            String deviceSerial, String deviceHostname, Double durationMs, Double latencyMs,
                            Double jitterMs, Double packetLossPercent, Double throughputMbps, String document) {
    }

    /**
     * One page of results in scope started in {@code [from, to)}, oldest first, after the row
     * {@code (afterStart, afterId)} (both null for the first page). Each page is its own short query, so an export of
     * many pages never holds a connection while the client reads.
     */
    public List<ExportRow> exportPage(ResultScope scope, RollupRepository.Filter filter, Instant from, Instant to,
                                      Instant afterStart, UUID afterId, int limit) {
        return db.read(h -> {
            Query q = filter.bind(scoped(h, "SELECT r.id, r.ou_id, r.started_at, r.test_type, r.target, r.target_host, "
                    + "r.target_ip, r.success, r.error, r.tier, r.source, r.device_serial, r.device_hostname, r.duration_ms, "
                    + "r.latency_ms, r.jitter_ms, r.packet_loss_percent, r.throughput_mbps, r.document FROM results r WHERE "
                    + scope.condition() + filter.sql() + " AND r.started_at >= :from AND r.started_at < :to"
                    + (afterStart == null ? "" : " AND (r.started_at > :after_start OR (r.started_at = :after_start AND r.id > :after_id))")
                    + " ORDER BY r.started_at, r.id LIMIT :limit", scope));
            if (afterStart != null) {
                q.bind("after_start", afterStart).bind("after_id", afterId);
            }
            return q.bind("from", from).bind("to", to).bind("limit", limit)
                    .map((rs, ctx) -> new ExportRow(Rows.uuid(rs, "id"), Rows.uuid(rs, "ou_id"),
                            Rows.instant(rs, "started_at"), rs.getString("test_type"), rs.getString("target"),
                            rs.getString("target_host"), rs.getString("target_ip"), rs.getBoolean("success"),
                            rs.getString("error"), (Integer) rs.getObject("tier", Integer.class), rs.getString("source"),
                            rs.getString("device_serial"), rs.getString("device_hostname"),
                            Rows.nullableDouble(rs, "duration_ms"), Rows.nullableDouble(rs, "latency_ms"),
                            Rows.nullableDouble(rs, "jitter_ms"), Rows.nullableDouble(rs, "packet_loss_percent"),
                            Rows.nullableDouble(rs, "throughput_mbps"), rs.getString("document")))
                    .list();
        });
    }

    /** Whether a result of this device serial is stored in scope. */
    public boolean hasDevice(ResultScope scope, String serial) {
        return db.read(h -> scoped(h, "SELECT 1 FROM results r WHERE " + scope.condition()
                + " AND r.device_serial = :serial LIMIT 1", scope).bind("serial", serial).mapTo(Integer.class).findOne().isPresent());
    }

    /**
     * Deletes at most {@code batch} results of AutoPerf tier {@code tier} (null: results of no tier) started before
     * {@code cutoff}, oldest first, in one short transaction; returns how many. Their rollups stay.
     */
    public int deleteStartedBefore(Integer tier, Instant cutoff, int batch) {
        return db.inTransaction(h -> {
            List<UUID> ids = h.createQuery("SELECT id FROM results WHERE " + (tier == null ? "tier IS NULL" : "tier = :tier")
                            + " AND started_at < :cutoff ORDER BY started_at LIMIT :n")
                    .bindMap(tier == null ? Map.of() : Map.of("tier", tier))
                    .bind("cutoff", cutoff).bind("n", batch).mapTo(UUID.class).list();
            if (ids.isEmpty()) {
                return 0;
            }
            h.createUpdate("DELETE FROM results WHERE id IN (<ids>)").bindList("ids", ids).execute();
            return ids.size();
        });
    }

    /** How many results are stored (all scopes). */
    public long count() {
        return db.read(h -> h.createQuery("SELECT COUNT(*) FROM results").mapTo(Long.class).one());
    }

    private static Query scoped(Handle h, String sql, ResultScope scope) {
        Query q = h.createQuery(sql);
        return scope.parameter() == null ? q : q.bind("scope", scope.parameter());
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
