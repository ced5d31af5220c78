package io.waddleperf.manager.store;

import io.waddleperf.core.result.UuidV7;
import io.waddleperf.manager.auth.Role;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.mapper.RowMapper;

/** Users and their API keys (a key belongs to its user: deleting the user deletes it). */
public final class UserRepository {

    static final RowMapper<User> MAPPER = (rs, ctx) -> new User(Rows.uuid(rs, "id"), rs.getString("username"),
            rs.getString("password_hash"), Role.parse(rs.getString("role")).orElseThrow(), Rows.uuid(rs, "ou_id"),
            rs.getString("email"), rs.getBoolean("active"), Rows.instant(rs, "created_at"), Rows.instant(rs, "updated_at"));

    private static final String COLUMNS = "u.id, u.username, u.password_hash, u.role, u.ou_id, u.email, u.active, "
            + "u.created_at, u.updated_at";

    private final Database db;

    public UserRepository(Database db) {
        this.db = db;
    }

    /**
     * Stores a new user.
     *
     * @throws ConflictException when the user name is taken, or the OU does not exist
     */
    public User create(String username, String passwordHash, Role role, UUID ouId, String email, Instant now) {
        User u = new User(UuidV7.next(), username, passwordHash, role, ouId, email, true, now, now);
        try {
            db.inTransaction(h -> {
                if (ouId != null && OrganizationRepository.find(h, ouId).isEmpty()) {
                    throw new ConflictException("ou_id", "no organisation unit " + ouId);
                }
                return h.createUpdate("INSERT INTO users (id, username, password_hash, role, ou_id, email, active, "
                                + "created_at, updated_at) VALUES (:id, :username, :password_hash, :role, :ou_id, :email, "
                                + ":active, :created_at, :updated_at)")
                        .bind("id", u.id()).bind("username", username).bind("password_hash", passwordHash)
                        .bind("role", role.externalName()).bind("ou_id", ouId).bind("email", email).bind("active", true)
                        .bind("created_at", now).bind("updated_at", now).execute();
            });
        } catch (RuntimeException e) {
            throw duplicateOr(e, username);
        }
        return u;
    }

    public Optional<User> find(UUID id) {
        return db.read(h -> h.createQuery("SELECT " + COLUMNS + " FROM users u WHERE u.id = :id").bind("id", id)
                .map(MAPPER).findOne());
    }

    public Optional<User> findByUsername(String username) {
        return db.read(h -> h.createQuery("SELECT " + COLUMNS + " FROM users u WHERE u.username = :username")
                .bind("username", username).map(MAPPER).findOne());
    }

    /** Every user, or only those of one OU when {@code ouId} is not null. */
    public List<User> list(UUID ouId) {
        return db.read(h -> ouId == null
                ? h.createQuery("SELECT " + COLUMNS + " FROM users u ORDER BY u.username").map(MAPPER).list()
                : h.createQuery("SELECT " + COLUMNS + " FROM users u WHERE u.ou_id = :ou ORDER BY u.username")
                        .bind("ou", ouId).map(MAPPER).list());
    }

    /**
     * Replaces a user's changeable fields; false when the user does not exist. A deactivated user's sessions end.
     *
     * @throws ConflictException when the OU does not exist
     */
    public boolean update(User u, Instant now) {
        return db.inTransaction(h -> {
            if (u.ouId() != null && OrganizationRepository.find(h, u.ouId()).isEmpty()) {
                throw new ConflictException("ou_id", "no organisation unit " + u.ouId());
            }
            int n = h.createUpdate("UPDATE users SET role = :role, ou_id = :ou_id, email = :email, active = :active, "
                            + "updated_at = :now WHERE id = :id")
                    .bind("id", u.id()).bind("role", u.role().externalName()).bind("ou_id", u.ouId())
                    .bind("email", u.email()).bind("active", u.active()).bind("now", now).execute();
            if (!u.active()) {
                h.createUpdate("DELETE FROM sessions WHERE user_id = :id").bind("id", u.id()).execute();
            }
            return n == 1;
        });
    }

    /** Sets a new password hash; with {@code endSessions} every session of the user ends (password change). */
    public void updatePasswordHash(UUID id, String passwordHash, boolean endSessions, Instant now) {
        db.inTransaction(h -> {
            h.createUpdate("UPDATE users SET password_hash = :hash, updated_at = :now WHERE id = :id")
                    .bind("id", id).bind("hash", passwordHash).bind("now", now).execute();
            if (endSessions) {
                h.createUpdate("DELETE FROM sessions WHERE user_id = :id").bind("id", id).execute();
            }
            return null;
        });
    }

    public boolean delete(UUID id) {
        return db.inTransaction(h -> h.createUpdate("DELETE FROM users WHERE id = :id").bind("id", id).execute()) == 1;
    }

    /** How many active global admins exist (the last one must not be removed or demoted). */
    public long countActiveGlobalAdmins() {
        return db.read(h -> h.createQuery("SELECT COUNT(*) FROM users WHERE role = :role AND active = TRUE")
                .bind("role", Role.GLOBAL_ADMIN.externalName()).mapTo(Long.class).one());
    }

    /** Replaces the user's API key by one with this digest (the old key stops working at once). */
    public void replaceApiKey(UUID userId, byte[] keyDigest, String shownPrefix, Instant now) {
        db.inTransaction(h -> {
            h.createUpdate("DELETE FROM api_keys WHERE user_id = :id").bind("id", userId).execute();
            return h.createUpdate("INSERT INTO api_keys (key_hash, user_id, key_prefix, created_at) "
                            + "VALUES (:hash, :id, :prefix, :now)")
                    .bind("hash", keyDigest).bind("id", userId).bind("prefix", shownPrefix).bind("now", now).execute();
        });
    }

    /** The shown prefix of the user's API key, if it has one. */
    public Optional<String> apiKeyPrefix(UUID userId) {
        return db.read(h -> h.createQuery("SELECT key_prefix FROM api_keys WHERE user_id = :id").bind("id", userId)
                .mapTo(String.class).findFirst());
    }

    /** The active user owning the API key with this digest. */
    public Optional<User> findByApiKey(byte[] keyDigest) {
        return db.read(h -> h.createQuery("SELECT " + COLUMNS + " FROM api_keys k JOIN users u ON u.id = k.user_id "
                + "WHERE k.key_hash = :hash AND u.active = TRUE").bind("hash", keyDigest).map(MAPPER).findOne());
    }

    private static RuntimeException duplicateOr(RuntimeException e, String username) {
        return Rows.isDuplicateKey(e) ? new ConflictException("username", "user name '" + username + "' is taken") : e;
    }
}
