package io.waddleperf.manager.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/** Organisation units. */
public final class OrganizationRepository {

    private static final RowMapper<Organization> MAPPER = (rs, ctx) -> new Organization(Rows.uuid(rs, "id"),
            rs.getString("name"), rs.getString("description"), Rows.instant(rs, "created_at"));

    private final Database db;

    public OrganizationRepository(Database db) {
        this.db = db;
    }

    /** Stores a new OU. @throws ConflictException when the name is taken */
    public Organization create(String name, String description, Instant now) {
        Organization ou = new Organization(io.waddleperf.core.result.UuidV7.next(), name, description, now);
        try {
            db.inTransaction(h -> h.createUpdate("INSERT INTO organizations (id, name, description, created_at) "
                            + "VALUES (:id, :name, :description, :created_at)")
                    .bind("id", ou.id()).bind("name", name).bind("description", description).bind("created_at", now)
                    .execute());
        } catch (RuntimeException e) {
            throw duplicateOr(e, name);
        }
        return ou;
    }

    public Optional<Organization> find(UUID id) {
        return db.read(h -> find(h, id));
    }

    static Optional<Organization> find(Handle h, UUID id) {
        return h.createQuery("SELECT * FROM organizations WHERE id = :id").bind("id", id).map(MAPPER).findOne();
    }

    public List<Organization> list() {
        return db.read(h -> h.createQuery("SELECT * FROM organizations ORDER BY name").map(MAPPER).list());
    }

    /** Changes name and description; false when the OU does not exist. @throws ConflictException name taken */
    public boolean update(UUID id, String name, String description) {
        try {
            return db.inTransaction(h -> h.createUpdate("UPDATE organizations SET name = :name, description = :description "
                    + "WHERE id = :id").bind("id", id).bind("name", name).bind("description", description).execute()) == 1;
        } catch (RuntimeException e) {
            throw duplicateOr(e, name);
        }
    }

    /**
     * Deletes an OU that has no users and no devices, with its enrolment secrets and agent configuration; false when
     * it does not exist. @throws ConflictException when it has users or devices (a device's OU never changes)
     */
    public boolean delete(UUID id) {
        return db.inTransaction(h -> {
            long users = h.createQuery("SELECT COUNT(*) FROM users WHERE ou_id = :id").bind("id", id).mapTo(Long.class).one();
            if (users > 0) {
                throw new ConflictException(null, "organisation unit still has " + users + " user(s)");
            }
            long devices = DeviceRepository.countInOu(h, id);
            if (devices > 0) {
                throw new ConflictException(null, "organisation unit still has " + devices + " enrolled device(s)");
            }
            h.createUpdate("DELETE FROM agent_configs WHERE scope = 'ou' AND owner_id = :id").bind("id", id).execute();
            return h.createUpdate("DELETE FROM organizations WHERE id = :id").bind("id", id).execute() == 1;
        });
    }

    private static RuntimeException duplicateOr(RuntimeException e, String name) {
        return Rows.isDuplicateKey(e) ? new ConflictException("name", "an organisation unit named '" + name
                + "' exists already") : e;
    }
}
