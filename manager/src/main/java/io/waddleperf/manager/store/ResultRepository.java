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
     * One result to store: the parsed object and its JSON text as received (kept verbatim).
     *
     * @param result   the parsed result
     * @param document its JSON text
     */
    public record Incoming(ProbeResult result, String document) {
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
                + "device_id) "
                + "VALUES (:id, :ou_id, :submitted_by, :test_type, :target, :target_host, :target_ip, :started_at, "
                + ":received_at, :duration_ms, :success, :error, :tier, :source, :device_serial, :device_hostname, "
                + ":latency_ms, :jitter_ms, :packet_loss_percent, :throughput_mbps, :document, :device_id)");
        int rows = 0;
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
                    .bind("document", in.document()).bind("device_id", deviceId)
                    .add();
            rows++;
        }
        if (rows > 0) {
            insert.execute();
        }
        // a duplicate reported for the first occurrence of an id already stored, in batch order
        Map<UUID, Outcome> ordered = new LinkedHashMap<>();
        for (UUID id : ids) {
            ordered.put(id, outcomes.get(id));
        }
        return ordered;
    }

    /** The newest results (by start time) in scope, at most {@code limit}. */
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
        return db.read(h -> {
            var q = scoped(h, "SELECT r.id, r.ou_id, r.submitted_by, r.document FROM results r WHERE " + where
                    + " ORDER BY r.started_at DESC, r.id DESC LIMIT :limit", scope).bind("limit", limit);
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
            return q.map((rs, ctx) -> new Stored(Rows.uuid(rs, "id"), Rows.uuid(rs, "ou_id"),
                    Rows.uuid(rs, "submitted_by"), rs.getString("document"))).list();
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
     */
    public record ResultFilter(String deviceSerial, String testType, String target, Boolean success, Instant from,
                               Instant to) {
        public static final ResultFilter NONE = new ResultFilter(null, null, null, null, null, null);
    }

    /** One result by id, whoever may see it (the caller checks the scope columns). */
    public Optional<Stored> find(UUID id) {
        return db.read(h -> h.createQuery("SELECT r.id, r.ou_id, r.submitted_by, r.document FROM results r WHERE r.id = :id")
                .bind("id", id).map((rs, ctx) -> new Stored(Rows.uuid(rs, "id"), Rows.uuid(rs, "ou_id"),
                        Rows.uuid(rs, "submitted_by"), rs.getString("document"))).findOne());
    }

    /**
     * One row per result started in {@code [from, to)} in scope, ordered by target and type, for aggregation
     * without holding all rows at once.
     *
     * @param sink receives each row
     */
    public void metricsBetween(ResultScope scope, Instant from, Instant to, Consumer<MetricRow> sink) {
        db.read(h -> {
            try (var rows = scoped(h, "SELECT r.target, r.test_type, r.success, r.latency_ms, r.packet_loss_percent, "
                    + "r.throughput_mbps FROM results r WHERE " + scope.condition()
                    + " AND r.started_at >= :from AND r.started_at < :to ORDER BY r.target, r.test_type", scope)
                    .bind("from", from).bind("to", to).setFetchSize(1000)
                    .map((rs, ctx) -> new MetricRow(rs.getString("target"), rs.getString("test_type"),
                            rs.getBoolean("success"), Rows.nullableDouble(rs, "latency_ms"),
                            Rows.nullableDouble(rs, "packet_loss_percent"), Rows.nullableDouble(rs, "throughput_mbps")))
                    .stream()) {
                rows.forEach(sink);
            }
            return null;
        });
    }

    /**
     * The figures of one result that summaries aggregate.
     *
     * @param target            target as given
     * @param testType          probe type
     * @param success           whether it succeeded
     * @param latencyMs         mean latency, or null
     * @param packetLossPercent loss, or null
     * @param throughputMbps    goodput, or null
     */
    public record MetricRow(String target, String testType, boolean success, Double latencyMs, Double packetLossPercent,
                            Double throughputMbps) {
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
