package io.waddleperf.manager.api;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.waddleperf.manager.audit.AuditLog;
import io.waddleperf.manager.auth.Principal;
import io.waddleperf.manager.store.AgentConfigRepository;
import io.waddleperf.manager.store.DeviceRepository;
import io.waddleperf.manager.store.DeviceRepository.Counts;
import io.waddleperf.manager.store.DeviceRepository.Page;
import io.waddleperf.manager.store.DeviceRepository.Search;
import io.waddleperf.manager.store.DeviceStatus;
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
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * {@code /api/v1/devices}: enrolled devices — search and filter, counts per status bucket, detail, deactivate and
 * reactivate. Global roles see every device, OU roles their OU's, {@code user} none; admins deactivate and reactivate
 * within their scope. A device outside the caller's scope is answered 404. The original's paths
 * {@code /api/v1/enrollment/devices[/<id>]} answer the same. Status buckets: {@link DeviceStatus}. A deactivation or
 * reactivation that changed something goes to the audit log.
 */
public final class DevicesApi {

    static final String BASE = "/api/v1/devices";
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 1000;

    private final DeviceRepository devices;
    private final OrganizationRepository organizations;
    private final EnrollmentSecretRepository secrets;
    private final AgentConfigRepository configs;
    private final Requests requests;
    private final AuditLog audit;
    private final InstantSource clock;

    public DevicesApi(DeviceRepository devices, OrganizationRepository organizations, EnrollmentSecretRepository secrets,
                      AgentConfigRepository configs, Requests requests, AuditLog audit, InstantSource clock) {
        this.devices = devices;
        this.organizations = organizations;
        this.secrets = secrets;
        this.configs = configs;
        this.requests = requests;
        this.audit = audit;
        this.clock = clock;
    }

    public void addRoutes(RoutesConfig routes) {
        routes.get(BASE, this::list);
        routes.get(BASE + "/stats", this::stats);
        routes.get(BASE + "/{id}", this::get);
        routes.post(BASE + "/{id}/deactivate", ctx -> setActive(ctx, false));
        routes.post(BASE + "/{id}/reactivate", ctx -> setActive(ctx, true));
        routes.get(EnrollmentApi.BASE + "/devices", this::list);
        routes.get(EnrollmentApi.BASE + "/devices/{id}", this::get);
    }

    /** A device as the API shows it (the original's field names), its status at {@code now}. */
    static Map<String, Object> view(EnrolledDevice d, Organization ou, Instant now) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", d.id());
        v.put("device_serial", d.serial());
        v.put("device_hostname", d.hostname());
        v.put("device_os", d.os());
        v.put("device_os_version", d.osVersion());
        v.put("client_type", d.clientType());
        v.put("client_version", d.clientVersion());
        v.put("ou_id", d.ouId());
        v.put("ou_name", ou == null ? null : ou.name());
        v.put("is_active", d.active());
        v.put("status", DeviceStatus.of(d.lastSeenAt(), now).externalName());
        v.put("enrolled_at", d.enrolledAt());
        v.put("enrolled_ip", d.enrolledIp());
        v.put("last_seen", d.lastSeenAt());
        v.put("last_ip", d.lastIp());
        v.put("seconds_since_last_seen", d.lastSeenAt() == null ? null
                : Math.max(0, Duration.between(d.lastSeenAt(), now).toSeconds()));
        return v;
    }

    private void list(Context ctx) {
        Principal p = requests.caller(ctx);
        EnrollmentApi.requireReader(p, "devices");
        UUID ouFilter = ctx.queryParam("ou_id") == null || ctx.queryParam("ou_id").isEmpty() ? null
                : uuidParam(ctx, "ou_id");
        UUID scope = p.role().isGlobal() ? ouFilter : p.ouId();
        if (!p.role().isGlobal() && ouFilter != null && !ouFilter.equals(p.ouId())) {
            // another OU's devices are outside the caller's scope: none of them matches
            scope = new UUID(0, 0);
        }
        String statusText = ctx.queryParam("status");
        DeviceStatus status = statusText == null || statusText.isEmpty() ? null : DeviceStatus.parse(statusText)
                .orElseThrow(() -> ApiException.badRequest("status", "'" + statusText
                        + "' is not a status; one of online, recent, offline, stale, never"));
        String activeText = ctx.queryParam("active");
        Boolean active = activeText == null || activeText.isEmpty() ? null : switch (activeText) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw ApiException.badRequest("active", "must be true or false, got '" + activeText + "'");
        };
        String search = ctx.queryParam("search");
        if (search != null && search.length() > 255) {
            throw ApiException.badRequest("search", "is longer than 255 characters");
        }
        int limit = Requests.intParam(ctx, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        int offset = Requests.intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
        Instant now = clock.instant();
        Page page = devices.search(new Search(scope, search, status, active, limit, offset), now);
        Map<UUID, Organization> ous = organizations.list().stream()
                .collect(Collectors.toMap(Organization::id, Function.identity()));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("devices", page.devices().stream().map(d -> view(d, ous.get(d.ouId()), now)).toList());
        answer.put("total", page.total());
        answer.put("limit", limit);
        answer.put("offset", offset);
        ctx.json(answer);
    }

    private void stats(Context ctx) {
        Principal p = requests.caller(ctx);
        EnrollmentApi.requireReader(p, "device statistics");
        Counts c = devices.counts(p.role().isGlobal() ? null : p.ouId(), clock.instant());
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("total", c.total());
        answer.put("active", c.active());
        answer.put("inactive", c.inactive());
        c.byStatus().forEach((status, n) -> answer.put(status.externalName(), n));
        ctx.json(answer);
    }

    private void get(Context ctx) {
        Principal p = requests.caller(ctx);
        EnrollmentApi.requireReader(p, "devices");
        EnrolledDevice d = visible(p, Requests.pathId(ctx, "id"));
        Map<String, Object> v = view(d, organizations.find(d.ouId()).orElse(null), clock.instant());
        EnrollmentSecret secret = d.enrollmentSecretId() == null ? null
                : secrets.find(d.enrollmentSecretId()).orElse(null);
        v.put("enrollment_secret_id", d.enrollmentSecretId());
        v.put("enrollment_secret_name", secret == null ? null : secret.name());
        v.put("credential_prefix", d.credentialPrefix());
        v.put("config_source", configs.effective(d.id(), d.ouId()).map(c -> c.scope().externalName()).orElse("none"));
        v.put("updated_at", d.updatedAt());
        ctx.json(v);
    }

    private void setActive(Context ctx, boolean active) {
        Principal p = requests.caller(ctx);
        EnrolledDevice d = visible(p, Requests.pathId(ctx, "id"));
        EnrollmentApi.requireAdmin(p, (active ? "reactivating" : "deactivating") + " devices");
        devices.setActive(d.id(), active, clock.instant());
        EnrolledDevice now = devices.find(d.id()).orElseThrow();
        if (d.active() != active) {
            // deactivating a deactivated device changes nothing and is not recorded again
            Map<String, Object> details = new LinkedHashMap<>();
            AuditLog.putChange(details, "active", d.active(), active);
            audit.record(Requests.actor(ctx, p), active ? "device.reactivate" : "device.deactivate",
                    AuditLog.Target.device(now), details);
        }
        Map<String, Object> answer = view(now, organizations.find(now.ouId()).orElse(null), clock.instant());
        answer.put("message", active ? "Device reactivated" : "Device deactivated");
        ctx.json(answer);
    }

    /** The device with this id if the caller may see it (its OU, or every OU for global roles); else 404. */
    EnrolledDevice visible(Principal p, UUID id) {
        return devices.find(id).filter(d -> p.seesOu(d.ouId()))
                .orElseThrow(() -> ApiException.notFound("id", "no device " + id));
    }

    private static UUID uuidParam(Context ctx, String name) {
        try {
            return UUID.fromString(ctx.queryParam(name));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(name, "'" + ctx.queryParam(name) + "' is not a UUID");
        }
    }
}
