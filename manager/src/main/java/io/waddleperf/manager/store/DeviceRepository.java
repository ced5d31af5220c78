package io.waddleperf.manager.store;

import io.waddleperf.core.result.UuidV7;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.SqlStatement;

/**
 * Enrolled devices, by id, serial and the digest of their credential. Enrolment is one transaction: the secret is
 * checked, the device found by serial or created, and its new credential stored; the OU a device first enrolled into
 * never changes.
 */
public final class DeviceRepository {

    static final RowMapper<EnrolledDevice> MAPPER = (rs, ctx) -> new EnrolledDevice(Rows.uuid(rs, "id"),
            rs.getString("serial"), Rows.uuid(rs, "ou_id"), Rows.uuid(rs, "enrollment_secret_id"), rs.getString("hostname"),
            rs.getString("os"), rs.getString("os_version"), rs.getString("client_type"), rs.getString("client_version"),
            rs.getString("credential_prefix"), rs.getBoolean("active"), Rows.instant(rs, "enrolled_at"),
            rs.getString("enrolled_ip"), Rows.instant(rs, "last_seen_at"), rs.getString("last_ip"),
            Rows.instant(rs, "updated_at"));

    private static final String COLUMNS = "d.id, d.serial, d.ou_id, d.enrollment_secret_id, d.hostname, d.os, d.os_version, "
            + "d.client_type, d.client_version, d.credential_prefix, d.active, d.enrolled_at, d.enrolled_ip, d.last_seen_at, "
            + "d.last_ip, d.updated_at";
    /** How often the same device's routine requests write its last-seen time (fewer writes, same status buckets). */
    static final Duration SEEN_GRANULARITY = Duration.ofSeconds(10);
    private static final int DUPLICATE_RACE_RETRIES = 3;

    private final Database db;

    public DeviceRepository(Database db) {
        this.db = db;
    }

    /**
     * What a device reports about itself; null fields leave what is stored.
     *
     * @param serial        its serial (required at enrolment)
     * @param hostname      host name
     * @param os            operating system
     * @param osVersion     its version
     * @param clientType    {@code agent}, {@code testserver}, …
     * @param clientVersion software version
     */
    public record Facts(String serial, String hostname, String os, String osVersion, String clientType,
                        String clientVersion) {
    }

    /** How an enrolment ended. */
    public enum Outcome {
        /** A new device, now in the secret's OU. */
        ENROLLED,
        /** A device enrolled before in the same OU: it gets a new credential, the old one stops working. */
        RE_ENROLLED,
        /** The secret is unknown, revoked or expired. */
        BAD_SECRET,
        /** The device belongs to another OU: the binding of its first enrolment is permanent. */
        OTHER_OU,
        /** The device was deactivated; it cannot lift that by enrolling again. */
        DEACTIVATED
    }

    /**
     * The result of an enrolment.
     *
     * @param outcome what happened
     * @param device  the device as stored afterwards (null for {@link Outcome#BAD_SECRET})
     */
    public record Enrollment(Outcome outcome, EnrolledDevice device) {
    }

    /**
     * Enrols a device with the secret of this digest; on success it holds the credential of {@code credentialDigest}.
     *
     * @param address the client's address, kept as {@code enrolled_ip}
     */
    public Enrollment enroll(byte[] secretDigest, Facts facts, byte[] credentialDigest, String credentialPrefix,
                             String address, Instant now) {
        for (int attempt = 0; ; attempt++) {
            try {
                return db.inTransaction(h -> enrollOnce(h, secretDigest, facts, credentialDigest, credentialPrefix,
                        address, now));
            } catch (RuntimeException e) {
                // the same serial enrolled concurrently: the next attempt finds it and re-enrols
                if (!Rows.isDuplicateKey(e) || attempt >= DUPLICATE_RACE_RETRIES) {
                    throw e;
                }
            }
        }
    }

    private static Enrollment enrollOnce(Handle h, byte[] secretDigest, Facts f, byte[] credentialDigest,
                                         String credentialPrefix, String address, Instant now) {
        Optional<EnrollmentSecret> secret = EnrollmentSecretRepository.findByDigest(h, secretDigest)
                .filter(s -> s.usableAt(now));
        if (secret.isEmpty()) {
            return new Enrollment(Outcome.BAD_SECRET, null);
        }
        UUID ou = secret.get().ouId();
        Optional<EnrolledDevice> existing = h.createQuery("SELECT " + COLUMNS + " FROM devices d WHERE d.serial = :serial")
                .bind("serial", f.serial()).map(MAPPER).findOne();
        if (existing.isPresent()) {
            EnrolledDevice d = existing.get();
            if (!d.ouId().equals(ou)) {
                return new Enrollment(Outcome.OTHER_OU, d);
            }
            if (!d.active()) {
                return new Enrollment(Outcome.DEACTIVATED, d);
            }
            facts(h.createUpdate("UPDATE devices SET credential_hash = :hash, credential_prefix = :prefix, "
                            + "enrollment_secret_id = :secret, enrolled_ip = :ip, updated_at = :now, "
                            + FACT_UPDATES + " WHERE id = :id"), f)
                    .bind("hash", credentialDigest).bind("prefix", credentialPrefix).bind("secret", secret.get().id())
                    .bind("ip", address).bind("now", now).bind("id", d.id()).execute();
            return new Enrollment(Outcome.RE_ENROLLED, find(h, d.id()).orElseThrow());
        }
        UUID id = UuidV7.next();
        facts(h.createUpdate("INSERT INTO devices (id, serial, ou_id, enrollment_secret_id, hostname, os, os_version, "
                        + "client_type, client_version, credential_hash, credential_prefix, active, enrolled_at, enrolled_ip, "
                        + "updated_at) VALUES (:id, :serial, :ou, :secret, :hostname, :os, :os_version, :client_type, "
                        + ":client_version, :hash, :prefix, TRUE, :now, :ip, :now)"), f)
                .bind("id", id).bind("serial", f.serial()).bind("ou", ou).bind("secret", secret.get().id())
                .bind("hash", credentialDigest).bind("prefix", credentialPrefix).bind("now", now)
                .bind("ip", address).execute();
        return new Enrollment(Outcome.ENROLLED, find(h, id).orElseThrow());
    }

    /** Reported facts overwrite stored ones only where given. */
    private static final String FACT_UPDATES = "hostname = COALESCE(:hostname, hostname), os = COALESCE(:os, os), "
            + "os_version = COALESCE(:os_version, os_version), client_type = COALESCE(:client_type, client_type), "
            + "client_version = COALESCE(:client_version, client_version)";

    /** Binds the reported facts as typed strings (null where not reported). */
    private static <S extends SqlStatement<S>> S facts(S statement, Facts f) {
        return statement.bind("hostname", f.hostname()).bind("os", f.os()).bind("os_version", f.osVersion())
                .bind("client_type", f.clientType()).bind("client_version", f.clientVersion());
    }

    public Optional<EnrolledDevice> find(UUID id) {
        return db.read(h -> find(h, id));
    }

    static Optional<EnrolledDevice> find(Handle h, UUID id) {
        return h.createQuery("SELECT " + COLUMNS + " FROM devices d WHERE d.id = :id").bind("id", id).map(MAPPER).findOne();
    }

    public Optional<EnrolledDevice> findBySerial(String serial) {
        return db.read(h -> h.createQuery("SELECT " + COLUMNS + " FROM devices d WHERE d.serial = :serial")
                .bind("serial", serial).map(MAPPER).findOne());
    }

    /** The device holding the credential of this digest, active or not (the caller refuses an inactive one). */
    public Optional<EnrolledDevice> findByCredential(byte[] credentialDigest) {
        return db.read(h -> h.createQuery("SELECT " + COLUMNS + " FROM devices d WHERE d.credential_hash = :hash")
                .bind("hash", credentialDigest).map(MAPPER).findOne());
    }

    /** A heartbeat: the device was seen now from {@code address}; reported facts replace stored ones where given. */
    public void heartbeat(UUID id, Facts facts, String address, Instant now) {
        db.inTransaction(h -> facts(h.createUpdate("UPDATE devices SET last_seen_at = :now, last_ip = :ip, " + FACT_UPDATES
                        + " WHERE id = :id"), facts)
                .bind("now", now).bind("ip", address).bind("id", id).execute());
    }

    /**
     * Records that the device was seen (a configuration pull, an upload); writes only when the stored time is older
     * than {@link #SEEN_GRANULARITY}, so a busy device does not rewrite its row on every request.
     */
    public void seen(UUID id, String address, Instant now) {
        db.inTransaction(h -> h.createUpdate("UPDATE devices SET last_seen_at = :now, last_ip = :ip WHERE id = :id "
                        + "AND (last_seen_at IS NULL OR last_seen_at < :before)")
                .bind("now", now).bind("ip", address).bind("id", id).bind("before", now.minus(SEEN_GRANULARITY))
                .execute());
    }

    /** Activates or deactivates a device; false when it does not exist. */
    public boolean setActive(UUID id, boolean active, Instant now) {
        return db.inTransaction(h -> h.createUpdate("UPDATE devices SET active = :active, updated_at = :now WHERE id = :id")
                .bind("active", active).bind("now", now).bind("id", id).execute()) == 1;
    }

    /**
     * A device search.
     *
     * @param ouId   only this OU's devices (an OU role's scope, or a filter), or null for all
     * @param search part of the serial or host name (any case), or null
     * @param status only devices in this status bucket, or null
     * @param active only active (true) or deactivated (false) devices, or null for both
     * @param limit  at most this many
     * @param offset after skipping this many (ordered by serial)
     */
    public record Search(UUID ouId, String search, DeviceStatus status, Boolean active, int limit, int offset) {
    }

    /**
     * One page of a search.
     *
     * @param devices the page
     * @param total   how many match in all
     */
    public record Page(List<EnrolledDevice> devices, long total) {
    }

    public Page search(Search s, Instant now) {
        List<String> where = new ArrayList<>();
        Map<String, Object> binds = new LinkedHashMap<>();
        if (s.ouId() != null) {
            where.add("d.ou_id = :ou");
            binds.put("ou", s.ouId());
        }
        if (s.search() != null && !s.search().isEmpty()) {
            where.add("(LOWER(d.serial) LIKE :q ESCAPE '!' OR LOWER(d.hostname) LIKE :q ESCAPE '!')");
            binds.put("q", "%" + s.search().toLowerCase(Locale.ROOT).replace("!", "!!").replace("%", "!%")
                    .replace("_", "!_") + "%");
        }
        if (s.status() != null) {
            where.add(s.status().condition());
            binds.putAll(DeviceStatus.bindTimes(now));
        }
        if (s.active() != null) {
            where.add("d.active = :active");
            binds.put("active", s.active());
        }
        String condition = where.isEmpty() ? "1 = 1" : String.join(" AND ", where);
        return db.read(h -> {
            Query count = h.createQuery("SELECT COUNT(*) FROM devices d WHERE " + condition);
            binds.forEach(count::bind);
            long total = count.mapTo(Long.class).one();
            Query select = h.createQuery("SELECT " + COLUMNS + " FROM devices d WHERE " + condition
                    + " ORDER BY d.serial LIMIT :limit OFFSET :offset");
            binds.forEach(select::bind);
            List<EnrolledDevice> page = select
                    .bind("limit", s.limit()).bind("offset", s.offset()).map(MAPPER).list();
            return new Page(page, total);
        });
    }

    /**
     * Device counts in scope.
     *
     * @param total    all devices
     * @param active   active ones
     * @param inactive deactivated ones
     * @param byStatus per status bucket, every bucket present
     */
    public record Counts(long total, long active, long inactive, Map<DeviceStatus, Long> byStatus) {
    }

    /** Counts of the devices of one OU, or of all when {@code ouId} is null. */
    public Counts counts(UUID ouId, Instant now) {
        StringBuilder sql = new StringBuilder("SELECT COUNT(*) AS total, COALESCE(SUM(CASE WHEN d.active THEN 1 ELSE 0 END), 0) AS active");
        for (DeviceStatus st : DeviceStatus.values()) {
            sql.append(", COALESCE(SUM(CASE WHEN ").append(st.condition()).append(" THEN 1 ELSE 0 END), 0) AS ")
                    .append(st.externalName());
        }
        sql.append(" FROM devices d WHERE ").append(ouId == null ? "1 = 1" : "d.ou_id = :ou");
        return db.read(h -> {
            Query q = h.createQuery(sql.toString());
            DeviceStatus.bindTimes(now).forEach(q::bind);
            if (ouId != null) {
                q.bind("ou", ouId);
            }
            return q.map((rs, ctx) -> {
                Map<DeviceStatus, Long> by = new LinkedHashMap<>();
                for (DeviceStatus st : DeviceStatus.values()) {
                    by.put(st, rs.getLong(st.externalName()));
                }
                long total = rs.getLong("total");
                long active = rs.getLong("active");
                return new Counts(total, active, total - active, by);
            }).one();
        });
    }

    /** How many devices an OU has (it cannot be deleted while it has any). */
    static long countInOu(Handle h, UUID ouId) {
        return h.createQuery("SELECT COUNT(*) FROM devices WHERE ou_id = :ou").bind("ou", ouId).mapTo(Long.class).one();
    }
}
