package io.waddleperf.manager.store;

import io.waddleperf.core.result.UuidV7;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/** Enrolment secrets of organisation units, by the digest of the secret (the secret itself is never stored). */
public final class EnrollmentSecretRepository {

    static final RowMapper<EnrollmentSecret> MAPPER = (rs, ctx) -> new EnrollmentSecret(Rows.uuid(rs, "id"),
            Rows.uuid(rs, "ou_id"), rs.getString("name"), rs.getString("secret_prefix"), Rows.uuid(rs, "created_by"),
            Rows.instant(rs, "created_at"), Rows.instant(rs, "expires_at"), Rows.instant(rs, "revoked_at"));

    private static final String COLUMNS = "id, ou_id, name, secret_prefix, created_by, created_at, expires_at, revoked_at";

    private final Database db;

    public EnrollmentSecretRepository(Database db) {
        this.db = db;
    }

    /**
     * Stores a new secret by its digest.
     *
     * @throws ConflictException when the OU does not exist
     */
    public EnrollmentSecret create(UUID ouId, String name, byte[] secretDigest, String prefix, UUID createdBy,
                                   Instant now, Instant expiresAt) {
        EnrollmentSecret s = new EnrollmentSecret(UuidV7.next(), ouId, name, prefix, createdBy, now, expiresAt, null);
        db.inTransaction(h -> {
            if (OrganizationRepository.find(h, ouId).isEmpty()) {
                throw new ConflictException("ou_id", "no organisation unit " + ouId);
            }
            return h.createUpdate("INSERT INTO enrollment_secrets (id, ou_id, name, secret_hash, secret_prefix, created_by, "
                            + "created_at, expires_at) VALUES (:id, :ou, :name, :hash, :prefix, :by, :now, :expires)")
                    .bind("id", s.id()).bind("ou", ouId).bind("name", name).bind("hash", secretDigest)
                    .bind("prefix", prefix).bind("by", createdBy).bind("now", now)
                    .bindByType("expires", expiresAt, Instant.class).execute();
        });
        return s;
    }

    /** Every secret (revoked ones too), or those of one OU when {@code ouId} is not null; newest first. */
    public List<EnrollmentSecret> list(UUID ouId) {
        return db.read(h -> ouId == null
                ? h.createQuery("SELECT " + COLUMNS + " FROM enrollment_secrets ORDER BY created_at DESC, id DESC")
                        .map(MAPPER).list()
                : h.createQuery("SELECT " + COLUMNS + " FROM enrollment_secrets WHERE ou_id = :ou "
                        + "ORDER BY created_at DESC, id DESC").bind("ou", ouId).map(MAPPER).list());
    }

    public Optional<EnrollmentSecret> find(UUID id) {
        return db.read(h -> h.createQuery("SELECT " + COLUMNS + " FROM enrollment_secrets WHERE id = :id").bind("id", id)
                .map(MAPPER).findOne());
    }

    /** The secret with this digest, revoked or not. */
    static Optional<EnrollmentSecret> findByDigest(Handle h, byte[] digest) {
        return h.createQuery("SELECT " + COLUMNS + " FROM enrollment_secrets WHERE secret_hash = :hash")
                .bind("hash", digest).map(MAPPER).findOne();
    }

    /** Revokes a secret (devices enrolled with it keep their credentials); false when it does not exist. */
    public boolean revoke(UUID id, Instant now) {
        return db.inTransaction(h -> {
            int found = h.createQuery("SELECT COUNT(*) FROM enrollment_secrets WHERE id = :id").bind("id", id)
                    .mapTo(Integer.class).one();
            h.createUpdate("UPDATE enrollment_secrets SET revoked_at = :now WHERE id = :id AND revoked_at IS NULL")
                    .bind("id", id).bind("now", now).execute();
            return found == 1;
        });
    }
}
