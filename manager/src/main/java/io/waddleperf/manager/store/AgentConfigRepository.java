package io.waddleperf.manager.store;

import io.waddleperf.manager.store.AgentConfig.Scope;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * Agent configuration documents: at most one per device, one per OU and one default, keyed by scope and owner. The
 * documents are checked before they get here; this only keeps them.
 */
public final class AgentConfigRepository {

    static final RowMapper<AgentConfig> MAPPER = (rs, ctx) -> new AgentConfig(Scope.parse(rs.getString("scope")),
            Rows.uuid(rs, "owner_id"), rs.getString("name"), rs.getString("document"), Rows.uuid(rs, "updated_by"),
            Rows.instant(rs, "updated_at"));

    private static final String COLUMNS = "c.scope, c.owner_id, c.name, c.document, c.updated_by, c.updated_at";

    private final Database db;

    public AgentConfigRepository(Database db) {
        this.db = db;
    }

    public Optional<AgentConfig> find(Scope scope, UUID owner) {
        return db.read(h -> h.createQuery("SELECT " + COLUMNS + " FROM agent_configs c WHERE c.scope = :scope "
                        + "AND c.owner_id = :owner").bind("scope", scope.externalName()).bind("owner", owner)
                .map(MAPPER).findOne());
    }

    /** Stores the document of this scope and owner, replacing the one there was; returns it as stored. */
    public AgentConfig put(Scope scope, UUID owner, String name, String document, UUID updatedBy, Instant now) {
        for (int attempt = 0; ; attempt++) {
            try {
                return putOnce(scope, owner, name, document, updatedBy, now);
            } catch (RuntimeException e) {
                if (!Rows.isDuplicateKey(e) || attempt >= 3) {
                    throw e;
                }
            }
        }
    }

    private AgentConfig putOnce(Scope scope, UUID owner, String name, String document, UUID updatedBy, Instant now) {
        return db.inTransaction(h -> {
            int n = h.createUpdate("UPDATE agent_configs SET name = :name, document = :document, updated_by = :by, "
                            + "updated_at = :now WHERE scope = :scope AND owner_id = :owner")
                    .bind("name", name).bind("document", document).bind("by", updatedBy).bind("now", now)
                    .bind("scope", scope.externalName()).bind("owner", owner).execute();
            if (n == 0) {
                // a concurrent first write of the same key makes this insert fail; the retry then updates
                h.createUpdate("INSERT INTO agent_configs (scope, owner_id, name, document, updated_by, updated_at) "
                                + "VALUES (:scope, :owner, :name, :document, :by, :now)")
                        .bind("name", name).bind("document", document).bind("by", updatedBy).bind("now", now)
                        .bind("scope", scope.externalName()).bind("owner", owner).execute();
            }
            return new AgentConfig(scope, owner, name, document, updatedBy, now);
        });
    }

    /** Removes the document of this scope and owner; false when there was none. */
    public boolean delete(Scope scope, UUID owner) {
        return db.inTransaction(h -> h.createUpdate("DELETE FROM agent_configs WHERE scope = :scope AND owner_id = :owner")
                .bind("scope", scope.externalName()).bind("owner", owner).execute()) == 1;
    }

    /**
     * The documents an OU's people see: the default, the OU's own and its devices' ({@code ouId} null: every
     * document), the default first, then OUs and devices.
     */
    public List<AgentConfig> list(UUID ouId) {
        List<AgentConfig> all = db.read(h -> ouId == null
                ? h.createQuery("SELECT " + COLUMNS + " FROM agent_configs c").map(MAPPER).list()
                : h.createQuery("SELECT " + COLUMNS + " FROM agent_configs c WHERE c.scope = 'default' "
                        + "OR (c.scope = 'ou' AND c.owner_id = :ou) "
                        + "OR (c.scope = 'device' AND c.owner_id IN (SELECT id FROM devices WHERE ou_id = :ou))")
                        .bind("ou", ouId).map(MAPPER).list());
        return all.stream().sorted(Comparator.comparing((AgentConfig c) -> c.scope().ordinal()).reversed()
                .thenComparing(c -> c.ownerId().toString())).toList();
    }

    /** The configuration a device runs: its own, else its OU's, else the default; empty when none is set. */
    public Optional<AgentConfig> effective(UUID deviceId, UUID ouId) {
        List<AgentConfig> candidates = db.read(h -> h.createQuery("SELECT " + COLUMNS + " FROM agent_configs c WHERE "
                        + "(c.scope = 'device' AND c.owner_id = :device) OR (c.scope = 'ou' AND c.owner_id = :ou) "
                        + "OR (c.scope = 'default' AND c.owner_id = :default)")
                .bind("device", deviceId).bind("ou", ouId).bind("default", AgentConfig.DEFAULT_OWNER).map(MAPPER).list());
        return candidates.stream().min(Comparator.comparing(c -> c.scope().ordinal()));
    }
}
