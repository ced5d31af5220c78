package io.waddleperf.manager.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.waddleperf.manager.audit.AuditLog;
import io.waddleperf.manager.auth.LoginRateLimiter;
import io.waddleperf.manager.auth.Principal;
import io.waddleperf.manager.auth.Role;
import io.waddleperf.manager.auth.Tokens;
import io.waddleperf.manager.store.AgentConfig;
import io.waddleperf.manager.store.AgentConfigRepository;
import io.waddleperf.manager.store.DeviceRepository;
import io.waddleperf.manager.store.DeviceRepository.Enrollment;
import io.waddleperf.manager.store.DeviceRepository.Facts;
import io.waddleperf.manager.store.EnrolledDevice;
import io.waddleperf.manager.store.EnrollmentSecret;
import io.waddleperf.manager.store.EnrollmentSecretRepository;
import io.waddleperf.manager.store.Organization;
import io.waddleperf.manager.store.OrganizationRepository;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * {@code /api/v1/enrollment}: the enrolment secrets of organisation units, the enrolment of a device with one of them,
 * and the device's heartbeat.
 *
 * <p>Secrets: admins create and revoke them for their scope (a {@code global_admin} for any OU, an {@code ou_admin} for
 * its own), reporters list them; {@code user} none. A secret is shown once, when made, and kept as a digest. Enrolment
 * needs no account, only a usable secret: the device joins the secret's OU for good and gets its own credential
 * (shown once) for heartbeats, configuration and result uploads. Enrolling again in the same OU replaces the
 * credential; with another OU's secret it is refused; a deactivated device cannot enrol its way back. Failed
 * enrolments are rate-limited per serial and per client address like logins. Creating and revoking a secret and every
 * successful enrolment go to the audit log (an enrolment with no actor: the device has no account).
 */
public final class EnrollmentApi {

    static final String BASE = "/api/v1/enrollment";
    private static final Set<String> CREATE_FIELDS = Set.of("name", "expires_at");
    private static final Set<String> ENROLL_FIELDS = Set.of("secret", "enrollment_secret", "device_serial",
            "device_hostname", "device_os", "device_os_version", "client_type", "client_version");
    private static final Set<String> HEARTBEAT_FIELDS = Set.of("device_hostname", "device_os", "device_os_version",
            "client_version");
    /** A serial: printable, no white space at the ends (machine-id, DMI serials, host-name hashes all fit). */
    private static final Pattern SERIAL = Pattern.compile("[\\x21-\\x7e](?:[\\x20-\\x7e]{0,253}[\\x21-\\x7e])?");
    private static final Pattern CLIENT_TYPE = Pattern.compile("[a-z0-9_-]{1,32}");

    private final EnrollmentSecretRepository secrets;
    private final DeviceRepository devices;
    private final OrganizationRepository organizations;
    private final AgentConfigRepository configs;
    private final Requests requests;
    private final DeviceRequests deviceRequests;
    private final LoginRateLimiter limiter;
    private final AuditLog audit;
    private final Duration heartbeatInterval;
    private final InstantSource clock;

    public EnrollmentApi(EnrollmentSecretRepository secrets, DeviceRepository devices, OrganizationRepository organizations,
                         AgentConfigRepository configs, Requests requests, DeviceRequests deviceRequests,
                         LoginRateLimiter limiter, AuditLog audit, Duration heartbeatInterval, InstantSource clock) {
        this.secrets = secrets;
        this.devices = devices;
        this.organizations = organizations;
        this.configs = configs;
        this.requests = requests;
        this.deviceRequests = deviceRequests;
        this.limiter = limiter;
        this.audit = audit;
        this.heartbeatInterval = heartbeatInterval;
        this.clock = clock;
    }

    public void addRoutes(RoutesConfig routes) {
        routes.get(BASE + "/secrets", this::listSecrets);
        routes.get(BASE + "/secrets/{id}", this::listOuSecrets);
        routes.post(BASE + "/secrets/{id}", this::createSecret);
        routes.delete(BASE + "/secrets/{id}", this::revokeSecret);
        routes.post(BASE + "/enroll", this::enroll);
        routes.post(BASE + "/devices/{id}/heartbeat", this::heartbeat);
    }

    /** A secret as listed: never the secret, only its first characters. */
    static Map<String, Object> view(EnrollmentSecret s, Instant now) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", s.id());
        v.put("ou_id", s.ouId());
        v.put("name", s.name());
        v.put("secret_prefix", s.prefix());
        v.put("created_by", s.createdBy());
        v.put("created_at", s.createdAt());
        v.put("expires_at", s.expiresAt());
        v.put("revoked_at", s.revokedAt());
        v.put("is_active", s.usableAt(now));
        return v;
    }

    private void listSecrets(Context ctx) {
        Principal p = requests.caller(ctx);
        requireReader(p, "enrolment secrets");
        Instant now = clock.instant();
        ctx.json(Map.of("secrets", secrets.list(p.role().isGlobal() ? null : p.ouId()).stream()
                .map(s -> view(s, now)).toList()));
    }

    private void listOuSecrets(Context ctx) {
        Principal p = requests.caller(ctx);
        requireReader(p, "enrolment secrets");
        Organization ou = visibleOu(p, Requests.pathId(ctx, "id"));
        Instant now = clock.instant();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("ou", ou);
        answer.put("secrets", secrets.list(ou.id()).stream().map(s -> view(s, now)).toList());
        ctx.json(answer);
    }

    private void createSecret(Context ctx) {
        Principal p = requests.caller(ctx);
        requireAdmin(p, "creating enrolment secrets");
        Organization ou = visibleOu(p, Requests.pathId(ctx, "id"));
        JsonNode body = optionalBody(ctx);
        UsersApi.onlyFields(body, CREATE_FIELDS);
        String name = Requests.optionalText(body, "name", 255);
        if (name == null || name.isBlank()) {
            name = ou.name() + " enrolment secret";
        }
        Instant now = clock.instant();
        Instant expires = null;
        String expiresText = Requests.optionalText(body, "expires_at", 64);
        if (expiresText != null) {
            try {
                expires = Instant.parse(expiresText);
            } catch (java.time.format.DateTimeParseException e) {
                throw ApiException.badRequest("expires_at", "'" + expiresText + "' is not an RFC 3339 UTC time such as "
                        + "2027-01-31T00:00:00Z");
            }
            if (!expires.isAfter(now)) {
                throw ApiException.badRequest("expires_at", "is not in the future");
            }
        }
        String secret = Tokens.newEnrollmentSecret();
        EnrollmentSecret s = secrets.create(ou.id(), name, Tokens.digest(secret),
                secret.substring(0, Tokens.SHOWN_PREFIX_CHARS), p.userId(), now, expires);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("expires_at", expires == null ? null : expires.toString());
        audit.record(Requests.actor(ctx, p), "enrollment_secret.create", AuditLog.Target.enrollmentSecret(s), details);
        Map<String, Object> answer = view(s, now);
        answer.put("secret", secret);
        answer.put("message", "Enrollment secret created; it is shown this once");
        ctx.status(201).json(answer);
    }

    private void revokeSecret(Context ctx) {
        Principal p = requests.caller(ctx);
        requireAdmin(p, "revoking enrolment secrets");
        UUID id = Requests.pathId(ctx, "id");
        EnrollmentSecret s = secrets.find(id).filter(x -> p.seesOu(x.ouId()))
                .orElseThrow(() -> ApiException.notFound("id", "no enrolment secret " + id));
        secrets.revoke(s.id(), clock.instant());
        if (s.revokedAt() == null) {
            // revoking a revoked secret changes nothing and is not recorded again
            audit.record(Requests.actor(ctx, p), "enrollment_secret.revoke", AuditLog.Target.enrollmentSecret(s), Map.of());
        }
        ctx.status(204);
    }

    private void enroll(Context ctx) {
        JsonNode body = requests.json(ctx);
        UsersApi.onlyFields(body, ENROLL_FIELDS);
        String secret = Requests.optionalText(body, "secret", 256);
        String secretField = "secret";
        if (secret == null) {
            secret = Requests.optionalText(body, "enrollment_secret", 256);
            secretField = "enrollment_secret";
        }
        if (secret == null || secret.isBlank()) {
            throw ApiException.badRequest("secret", "is required: the enrolment secret of the organisation unit");
        }
        String serial = Requests.text(body, "device_serial", 255);
        if (!SERIAL.matcher(serial).matches()) {
            throw ApiException.badRequest("device_serial", "must be 1-255 printable ASCII characters without white "
                    + "space at either end");
        }
        Facts facts = facts(body, serial, true);
        String address = Requests.clientAddress(ctx);
        Optional<Duration> blocked = limiter.blockedFor(serial, address);
        if (blocked.isPresent()) {
            throw ApiException.tooManyRequests("too many failed enrolments; try again later", blocked.get());
        }
        String credential = Tokens.newDeviceCredential();
        Enrollment e = devices.enroll(Tokens.digest(secret), facts, Tokens.digest(credential),
                credential.substring(0, Tokens.SHOWN_PREFIX_CHARS), address, clock.instant());
        switch (e.outcome()) {
            case BAD_SECRET -> {
                limiter.recordFailure(serial, address);
                throw ApiException.unauthorized("the enrolment secret in '" + secretField + "' is unknown, revoked or "
                        + "expired");
            }
            case OTHER_OU -> {
                limiter.recordFailure(serial, address);
                throw ApiException.conflict("device_serial", "device '" + serial + "' is enrolled in another "
                        + "organisation unit; a device stays in the organisation unit it first enrolled into");
            }
            case DEACTIVATED -> throw ApiException.forbidden("device_serial", "device '" + serial + "' is deactivated; "
                    + "an admin of its organisation unit can reactivate it");
            case ENROLLED, RE_ENROLLED -> {
                limiter.recordSuccess(serial);
                boolean first = e.outcome() == DeviceRepository.Outcome.ENROLLED;
                Map<String, Object> details = new LinkedHashMap<>();
                details.put("status", first ? "enrolled" : "re_enrolled");
                details.put("enrolled_with", e.device().enrollmentSecretId());
                details.put("client_type", e.device().clientType());
                details.put("credential", true);
                audit.record(new AuditLog.Actor(null, null, address), "device.enroll", AuditLog.Target.device(e.device()),
                        details);
                Map<String, Object> answer = new LinkedHashMap<>();
                answer.put("status", first ? "enrolled" : "re_enrolled");
                answer.put("message", first ? "Device enrolled successfully"
                        : "Device already enrolled; the new credential replaces the old one");
                answer.put("device_id", e.device().id());
                answer.put("ou_id", e.device().ouId());
                answer.put("device_serial", e.device().serial());
                answer.put("device_credential", credential);
                answer.put("heartbeat_interval_seconds", heartbeatInterval.toSeconds());
                ctx.status(first ? 201 : 200).json(answer);
            }
        }
    }

    private void heartbeat(Context ctx) {
        EnrolledDevice d = deviceRequests.device(ctx, false);
        UUID id = Requests.pathId(ctx, "id");
        if (!id.equals(d.id())) {
            throw ApiException.notFound("id", "no device " + id + " for this credential (a device sends only its own "
                    + "heartbeat)");
        }
        JsonNode body = optionalBody(ctx);
        UsersApi.onlyFields(body, HEARTBEAT_FIELDS);
        Instant now = clock.instant();
        devices.heartbeat(d.id(), facts(body, d.serial(), false), Requests.clientAddress(ctx), now);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("status", "ok");
        answer.put("message", "Heartbeat recorded");
        answer.put("device_id", d.id());
        answer.put("heartbeat_interval_seconds", heartbeatInterval.toSeconds());
        configs.effective(d.id(), d.ouId()).map(AgentConfig::updatedAt).ifPresent(t -> answer.put("config_updated_at", t));
        ctx.json(answer);
    }

    private static Facts facts(JsonNode body, String serial, boolean withType) {
        String type = withType ? Requests.optionalText(body, "client_type", 32) : null;
        if (type != null && !CLIENT_TYPE.matcher(type).matches()) {
            throw ApiException.badRequest("client_type", "must be 1-32 lower-case letters, digits, '_' or '-' (agent, "
                    + "testserver, …)");
        }
        return new Facts(serial, Requests.optionalText(body, "device_hostname", 255),
                Requests.optionalText(body, "device_os", 64), Requests.optionalText(body, "device_os_version", 64),
                type, Requests.optionalText(body, "client_version", 64));
    }

    /** The JSON body, or an empty object when the request has none. */
    private JsonNode optionalBody(Context ctx) {
        if (ctx.req().getContentLengthLong() <= 0 && ctx.header("Transfer-Encoding") == null) {
            return io.waddleperf.core.result.Json.mapper().createObjectNode();
        }
        return requests.json(ctx);
    }

    private Organization visibleOu(Principal p, UUID id) {
        return organizations.find(id).filter(o -> p.seesOu(o.id()))
                .orElseThrow(() -> ApiException.notFound("id", "no organisation unit " + id));
    }

    static void requireReader(Principal p, String what) {
        if (p.role() == Role.USER) {
            throw ApiException.forbidden(null, "role user may not read " + what);
        }
    }

    static void requireAdmin(Principal p, String what) {
        if (!p.role().isAdmin()) {
            throw ApiException.forbidden(null, what + " needs global_admin or ou_admin, not " + p.role());
        }
    }
}
