package io.waddleperf.manager.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.Query;

/**
 * The audit log: appended to, read newest first in pages, never changed. Order is by time, then id (UUIDv7 ids of one
 * millisecond are not in creation order); a page continues after the entry named by {@code before}.
 */
public final class AuditRepository {

    /**
     * One stored entry.
     *
     * @param id            UUIDv7, in time order
     * @param occurredAt    when
     * @param actorId       who (null for an anonymous caller, e.g. a failed login of an unknown name)
     * @param actorName     the actor's user name at the time
     * @param clientAddress the client's address (behind trusted proxies, the forwarded one)
     * @param action        what, e.g. {@code user.update}
     * @param targetType    the kind of object changed, e.g. {@code user}
     * @param targetId      its id, or null
     * @param targetName    its name at the time, or null
     * @param ouId          the OU the object belongs to, or null
     * @param details       JSON object of what changed (never a secret), or null
     */
    public record Entry(UUID id, Instant occurredAt, UUID actorId, String actorName, String clientAddress, String action,
                        String targetType, String targetId, String targetName, UUID ouId, String details) {
    }

    /**
     * What to list: each non-null field narrows the result.
     *
     * @param ouId       only entries about this OU (what an {@code ou_admin} sees)
     * @param actorId    only this actor's
     * @param action     this action, or with a trailing {@code .*} every action of that prefix
     * @param targetType this kind of object
     * @param targetId   this object
     * @param from       at or after
     * @param to         before
     * @param before     only entries older than this id (the next page)
     */
    public record Filter(UUID ouId, UUID actorId, String action, String targetType, String targetId, Instant from,
                         Instant to, UUID before) {
    }

    private static final RowMapper<Entry> MAPPER = (rs, ctx) -> new Entry(Rows.uuid(rs, "id"), Rows.instant(rs, "occurred_at"),
            Rows.uuid(rs, "actor_id"), rs.getString("actor_name"), rs.getString("client_address"), rs.getString("action"),
            rs.getString("target_type"), rs.getString("target_id"), rs.getString("target_name"), Rows.uuid(rs, "ou_id"),
            rs.getString("details"));

    private final Database db;

    public AuditRepository(Database db) {
        this.db = db;
    }

    public void append(Entry e) {
        db.inTransaction(h -> h.createUpdate("INSERT INTO audit_log (id, occurred_at, actor_id, actor_name, client_address, "
                        + "action, target_type, target_id, target_name, ou_id, details) VALUES (:id, :at, :actor_id, "
                        + ":actor_name, :address, :action, :target_type, :target_id, :target_name, :ou_id, :details)")
                .bind("id", e.id()).bind("at", e.occurredAt()).bindByType("actor_id", e.actorId(), UUID.class)
                .bind("actor_name", e.actorName()).bind("address", e.clientAddress()).bind("action", e.action())
                .bind("target_type", e.targetType()).bind("target_id", e.targetId()).bind("target_name", e.targetName())
                .bindByType("ou_id", e.ouId(), UUID.class).bind("details", e.details()).execute());
    }

    /**
     * Deletes up to {@code batch} entries that occurred before {@code cutoff}, oldest first, in one short transaction.
     *
     * @return how many were deleted
     */
    public int deleteBefore(Instant cutoff, int batch) {
        return db.inTransaction(h -> {
            List<UUID> ids = h.createQuery("SELECT id FROM audit_log WHERE occurred_at < :cutoff "
                            + "ORDER BY occurred_at, id LIMIT :n")
                    .bind("cutoff", cutoff).bind("n", batch).map((rs, ctx) -> Rows.uuid(rs, "id")).list();
            if (ids.isEmpty()) {
                return 0;
            }
            h.createUpdate("DELETE FROM audit_log WHERE id IN (<ids>)").bindList("ids", ids).execute();
            // counted from the ids read: a peer deleting the same rows at once is not an error
            return ids.size();
        });
    }

    /** Up to {@code limit} entries matching {@code f}, newest first. */
    public List<Entry> list(Filter f, int limit) {
        List<String> where = new ArrayList<>();
        if (f.ouId() != null) {
            where.add("ou_id = :ou_id");
        }
        if (f.actorId() != null) {
            where.add("actor_id = :actor_id");
        }
        boolean prefix = f.action() != null && f.action().endsWith(".*");
        if (f.action() != null) {
            where.add(prefix ? "action LIKE :action" : "action = :action");
        }
        if (f.targetType() != null) {
            where.add("target_type = :target_type");
        }
        if (f.targetId() != null) {
            where.add("target_id = :target_id");
        }
        if (f.from() != null) {
            where.add("occurred_at >= :from");
        }
        if (f.to() != null) {
            where.add("occurred_at < :to");
        }
        if (f.before() != null) {
            where.add("(occurred_at < :before_at OR (occurred_at = :before_at AND id < :before))");
        }
        String sql = "SELECT * FROM audit_log" + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
                + " ORDER BY occurred_at DESC, id DESC LIMIT :limit";
        return db.read(h -> {
            Instant beforeAt = null;
            if (f.before() != null) {
                var at = h.createQuery("SELECT occurred_at FROM audit_log WHERE id = :id").bind("id", f.before())
                        .mapTo(Instant.class).findOne();
                if (at.isEmpty()) {
                    return List.<Entry>of(); // a cursor that names no entry continues nothing
                }
                beforeAt = at.get();
            }
            Query q = h.createQuery(sql).bind("limit", limit);
            if (f.ouId() != null) {
                q.bind("ou_id", f.ouId());
            }
            if (f.actorId() != null) {
                q.bind("actor_id", f.actorId());
            }
            if (f.action() != null) {
                // LIKE's own wildcards in an action name are taken literally
                q.bind("action", prefix ? f.action().substring(0, f.action().length() - 1).replace("_", "\\_") + "%" : f.action());
            }
            if (f.targetType() != null) {
                q.bind("target_type", f.targetType());
            }
            if (f.targetId() != null) {
                q.bind("target_id", f.targetId());
            }
            if (f.from() != null) {
                q.bind("from", f.from());
            }
            if (f.to() != null) {
                q.bind("to", f.to());
            }
            if (f.before() != null) {
                q.bind("before", f.before()).bind("before_at", beforeAt);
            }
            return q.map(MAPPER).list();
        });
    }
}
