package io.waddleperf.manager.store;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** Login sessions, by the digest of their opaque token. */
public final class SessionRepository {

    private final Database db;

    public SessionRepository(Database db) {
        this.db = db;
    }

    public void create(byte[] tokenDigest, UUID userId, Instant now, Instant expiresAt) {
        create(tokenDigest, null, userId, now, expiresAt, null);
    }

    /** A session with a refresh token (digest and expiry may be null for none). */
    public void create(byte[] tokenDigest, byte[] refreshDigest, UUID userId, Instant now, Instant expiresAt,
                       Instant refreshExpiresAt) {
        create(tokenDigest, refreshDigest, userId, now, expiresAt, refreshExpiresAt, false);
    }

    /**
     * A session with a refresh token (digest and expiry may be null for none); with {@code mfaSetupOnly} it may only
     * set up MFA until that is done.
     */
    public void create(byte[] tokenDigest, byte[] refreshDigest, UUID userId, Instant now, Instant expiresAt,
                       Instant refreshExpiresAt, boolean mfaSetupOnly) {
        db.inTransaction(h -> h.createUpdate("INSERT INTO sessions (token_hash, user_id, created_at, expires_at, "
                        + "refresh_hash, refresh_expires_at, mfa_setup_only) "
                        + "VALUES (:hash, :user, :now, :expires, :refresh, :refresh_expires, :setup_only)")
                .bind("hash", tokenDigest).bind("user", userId).bind("now", now).bind("expires", expiresAt)
                .bindByType("refresh", refreshDigest, byte[].class).bindByType("refresh_expires", refreshExpiresAt, Instant.class)
                .bind("setup_only", mfaSetupOnly).execute());
    }

    /**
     * The user of a session and what the session may do.
     *
     * @param user         the session's active user
     * @param mfaSetupOnly whether the session may only set up MFA (its role requires MFA the user does not have yet)
     */
    public record SessionUser(User user, boolean mfaSetupOnly) {
    }

    /** The active user of an unexpired session with this token digest, with the session's restriction. */
    public Optional<SessionUser> findSession(byte[] tokenDigest, Instant now) {
        return db.read(h -> h.createQuery("SELECT u.*, s.mfa_setup_only AS s_mfa_setup_only FROM sessions s "
                        + "JOIN users u ON u.id = s.user_id WHERE s.token_hash = :hash AND s.expires_at > :now AND u.active = TRUE")
                .bind("hash", tokenDigest).bind("now", now)
                .map((rs, ctx) -> new SessionUser(UserRepository.MAPPER.map(rs, ctx), rs.getBoolean("s_mfa_setup_only")))
                .findOne());
    }

    /** Restricts the session with this token digest to setting up MFA (a refresh of a user who must set it up). */
    public void restrictToMfaSetup(byte[] tokenDigest) {
        db.inTransaction(h -> h.createUpdate("UPDATE sessions SET mfa_setup_only = TRUE WHERE token_hash = :hash")
                .bind("hash", tokenDigest).execute());
    }

    /**
     * Replaces the session holding this unexpired refresh token by a new one (rotation), in one transaction;
     * returns its user, or empty when the refresh token is unknown, used before, expired, or its user inactive.
     */
    public Optional<User> rotate(byte[] refreshDigest, byte[] newTokenDigest, byte[] newRefreshDigest, Instant now,
                                 Instant expiresAt, Instant refreshExpiresAt) {
        return db.inTransaction(h -> {
            Optional<User> user = h.createQuery("SELECT u.* FROM sessions s JOIN users u ON u.id = s.user_id "
                            + "WHERE s.refresh_hash = :refresh AND s.refresh_expires_at > :now AND u.active = TRUE")
                    .bind("refresh", refreshDigest).bind("now", now).map(UserRepository.MAPPER).findOne();
            if (user.isEmpty()) {
                return user;
            }
            // the delete decides: of two requests with the same refresh token only one deletes the row
            if (h.createUpdate("DELETE FROM sessions WHERE refresh_hash = :refresh").bind("refresh", refreshDigest)
                    .execute() != 1) {
                return Optional.<User>empty();
            }
            h.createUpdate("INSERT INTO sessions (token_hash, user_id, created_at, expires_at, refresh_hash, "
                            + "refresh_expires_at) VALUES (:hash, :user, :now, :expires, :refresh, :refresh_expires)")
                    .bind("hash", newTokenDigest).bind("user", user.get().id()).bind("now", now).bind("expires", expiresAt)
                    .bind("refresh", newRefreshDigest).bind("refresh_expires", refreshExpiresAt).execute();
            return user;
        });
    }

    /** The active user of an unexpired session with this token digest. */
    public Optional<User> findUser(byte[] tokenDigest, Instant now) {
        return db.read(h -> h.createQuery("SELECT u.* FROM sessions s JOIN users u ON u.id = s.user_id "
                        + "WHERE s.token_hash = :hash AND s.expires_at > :now AND u.active = TRUE")
                .bind("hash", tokenDigest).bind("now", now).map(UserRepository.MAPPER).findOne());
    }

    /** Ends one session; false when there was none. */
    public boolean delete(byte[] tokenDigest) {
        return db.inTransaction(h -> h.createUpdate("DELETE FROM sessions WHERE token_hash = :hash")
                .bind("hash", tokenDigest).execute()) == 1;
    }

    /** Deletes up to {@code batch} expired sessions (small batches keep Galera write sets short); returns how many. */
    public int deleteExpired(Instant now, int batch) {
        return db.inTransaction(h -> {
            var digests = h.createQuery("SELECT token_hash FROM sessions WHERE expires_at <= :now "
                            + "AND (refresh_expires_at IS NULL OR refresh_expires_at <= :now) LIMIT :n")
                    .bind("now", now).bind("n", batch).mapTo(byte[].class).list();
            int n = 0;
            for (byte[] d : digests) {
                n += h.createUpdate("DELETE FROM sessions WHERE token_hash = :hash").bind("hash", d).execute();
            }
            return n;
        });
    }
}
