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
import org.jdbi.v3.core.statement.PreparedBatch;
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
        Set<UUID> existing = new HashSet<>(h.createQuery("SELECT id FROM results WHERE id IN (<ids>)")
                .bindList("ids", ids).mapTo(UUID.class).list());
        Map<UUID, Outcome> outcomes = new LinkedHashMap<>();
        PreparedBatch insert = h.prepareBatch("INSERT INTO results (id, ou_id, submitted_by, test_type, target, "
                + "target_host, target_ip, started_at, received_at, duration_ms, success, error, tier, source, "
                + "device_serial, device_hostname, latency_ms, jitter_ms, packet_loss_percent, throughput_mbps, document, "
                + "device_id, " + GEO_COLUMNS + ") "
                + "VALUES (:id, :ou_id, :submitted_by, :test_type, :target, :target_host, :target_ip, :started_at, "
                + ":received_at, :duration_ms, :success, :error, :tier, :source, :device_serial, :device_hostname, "
                + ":latency_ms, :jitter_ms, :packet_loss_percent, :throughput_mbps, :document, :device_id, "
                + ":" + GEO_COLUMNS.replace(", ", ", :") + ")");
        List<ProbeResult> inserted = new java.util.ArrayList<>();
        for (Incoming in : batch) {
            ProbeResult r = in.result();
            if (existing.contains(r.id()) || outcomes.containsKey(r.id())) {
                outcomes.putIfAbsent(r.id(), Outcome.DUPLICATE);
                continue;
            }
            outcomes.put(r.id(), Outcome.STORED);
            insert.bind("id", r.id()).bind("ou_id", ouId).bind("submitted_by", submittedBy)
                    .bind("test_type", r.testType().wireName()).bind("target", r.target())
                    .bind("target_host", cut(r.targetHost(), MAX_SHORT_CHARS)).bind("target_ip", cut(r.targetIp(), 45))
                    .bind("started_at", r.startedAt()).bind("received_at", receivedAt)
                    .bind("duration_ms", r.durationMs()).bind("success", r.success())
                    .bind("error", cut(r.error(), MAX_ERROR_CHARS)).bind("tier", r.tier())
                    .bind("source", r.source() == null ? null : r.source().wireName())
                    .bind("device_serial", r.device() == null ? null : r.device().serial())
                    .bind("device_hostname", r.device() == null ? null : cut(r.device().hostname(), MAX_SHORT_CHARS))
                    .bind("latency_ms", r.latencyMs()).bind("jitter_ms", r.jitterMs())
                    .bind("packet_loss_percent", r.packetLossPercent()).bind("throughput_mbps", r.throughputMbps())
                    .bind("document", in.document()).bind("device_id", deviceId);
            bindGeo(insert, in.geo());
            insert.add();
            inserted.add(r);
        }
        if (!inserted.isEmpty()) {
            insert.execute();
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

    private static void bindGeo(PreparedBatch insert, ResultGeo g) {
        insert.bind("client_ip", g.clientIp());
        for (String side : List.of("client", "target")) {
            ResultGeo.Place p = side.equals("client") ? g.client() : g.target();
            insert.bind(side + "_country", p.countryCode()).bind(side + "_city", p.city())
                    .bind(side + "_latitude", p.latitude()).bind(side + "_longitude", p.longitude())
                    .bind(side + "_asn", p.asn()).bind(side + "_as_org", p.asOrganization());
        }
    }

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
