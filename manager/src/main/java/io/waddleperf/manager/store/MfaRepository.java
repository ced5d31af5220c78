package io.waddleperf.manager.store;

import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

/**
 * The MFA state of users (columns of {@code users}): the sealed TOTP secret, whether it is verified and in force, and
 * the last accepted time step. The secret arrives and leaves sealed; this class never sees it in clear.
 */
public final class MfaRepository {

    /**
     * One user's MFA state.
     *
     * @param sealedSecret the encrypted secret, or null when none was set up
     * @param enabled      whether logins need a code
     * @param lastStep     the TOTP step of the last code accepted, or null
     */
    public record State(byte[] sealedSecret, boolean enabled, Long lastStep) {
        public static final State NONE = new State(null, false, null);
    }

    private final Database db;

    public MfaRepository(Database db) {
        this.db = db;
    }

    public State state(UUID userId) {
        return db.read(h -> h.createQuery("SELECT mfa_secret, mfa_enabled, mfa_last_step FROM users WHERE id = :id")
                .bind("id", userId)
                .map((rs, ctx) -> {
                    long step = rs.getLong("mfa_last_step");
                    Long lastStep = rs.wasNull() ? null : step;
                    return new State(rs.getBytes("mfa_secret"), rs.getBoolean("mfa_enabled"), lastStep);
                })
                .findOne().orElse(State.NONE));
    }

    /** Which of these users have MFA in force. */
    public Set<UUID> enabledAmong(Collection<UUID> userIds) {
        if (userIds.isEmpty()) {
            return Set.of();
        }
        Set<UUID> wanted = new HashSet<>(userIds);
        Set<UUID> out = new HashSet<>();
        // the user table is small (people, not devices); one pass beats an IN list of unbounded length
        db.read(h -> h.createQuery("SELECT id FROM users WHERE mfa_enabled = TRUE").mapTo(UUID.class).list())
                .forEach(id -> {
                    if (wanted.contains(id)) {
                        out.add(id);
                    }
                });
        return out;
    }

    /**
     * Stores a new secret awaiting verification, replacing an unverified one; false when MFA is already in force
     * (it must be disabled first) or the user does not exist.
     */
    public boolean setPending(UUID userId, byte[] sealedSecret, Instant now) {
        return db.inTransaction(h -> h.createUpdate("UPDATE users SET mfa_secret = :secret, mfa_last_step = NULL, "
                        + "updated_at = :now WHERE id = :id AND mfa_enabled = FALSE")
                .bind("id", userId).bindByType("secret", sealedSecret, byte[].class).bind("now", now).execute()) == 1;
    }

    /**
     * Records {@code step} as the last accepted one if it is later than the last: the one place that decides whether
     * a code is fresh, atomically, so two requests with the same code cannot both pass.
     *
     * @return false when a code of this or a later step was accepted before (a replay)
     */
    public boolean consumeStep(UUID userId, long step) {
        return db.inTransaction(h -> h.createUpdate("UPDATE users SET mfa_last_step = :step WHERE id = :id "
                        + "AND (mfa_last_step IS NULL OR mfa_last_step < :step)")
                .bind("id", userId).bind("step", step).execute()) == 1;
    }

    /**
     * Puts the pending secret in force and lets the user's sessions that could only set up MFA do everything.
     *
     * @return false when there was no pending secret (or MFA was already in force)
     */
    public boolean enable(UUID userId, Instant now) {
        return db.inTransaction(h -> {
            int n = h.createUpdate("UPDATE users SET mfa_enabled = TRUE, updated_at = :now WHERE id = :id "
                            + "AND mfa_enabled = FALSE AND mfa_secret IS NOT NULL")
                    .bind("id", userId).bind("now", now).execute();
            if (n == 1) {
                h.createUpdate("UPDATE sessions SET mfa_setup_only = FALSE WHERE user_id = :id").bind("id", userId).execute();
            }
            return n == 1;
        });
    }

    /** Removes the secret and turns MFA off; false when there was nothing to remove. */
    public boolean disable(UUID userId, Instant now) {
        return db.inTransaction(h -> h.createUpdate("UPDATE users SET mfa_secret = NULL, mfa_enabled = FALSE, "
                        + "mfa_last_step = NULL, updated_at = :now WHERE id = :id AND mfa_secret IS NOT NULL")
                .bind("id", userId).bind("now", now).execute()) == 1;
    }
}
