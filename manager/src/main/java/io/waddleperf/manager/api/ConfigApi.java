package io.waddleperf.manager.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.waddleperf.core.autoperf.AutoPerfConfig;
import io.waddleperf.core.result.Json;
import io.waddleperf.manager.audit.AuditLog;
import io.waddleperf.manager.auth.Principal;
import io.waddleperf.manager.auth.Role;
import io.waddleperf.manager.devices.AgentConfigDocuments;
import io.waddleperf.manager.devices.AgentConfigDocuments.InvalidDocumentException;
import io.waddleperf.manager.devices.AgentSchedule;
import io.waddleperf.manager.store.AgentConfig;
import io.waddleperf.manager.store.AgentConfig.Scope;
import io.waddleperf.manager.store.AgentConfigRepository;
import io.waddleperf.manager.store.DeviceRepository;
import io.waddleperf.manager.store.EnrolledDevice;
import io.waddleperf.manager.store.Organization;
import io.waddleperf.manager.store.OrganizationRepository;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Agent configuration: the documents ({@code /api/v1/enrollment/configs[/default|/<ou_id>]},
 * {@code /api/v1/devices/<id>/config}) and what a device gets ({@code GET /api/v1/enrollment/config}).
 *
 * <p>A device runs its own document if it has one, else its OU's, else the default; with none of them it keeps its
 * local configuration. Documents are checked on write with the loader the agent uses ({@link AutoPerfConfig}), errors
 * naming the key path. The default is written by {@code global_admin}; an OU's and its devices' documents by the
 * admins of that OU; reporters read them; {@code user} none. A device reads only its own configuration, with its
 * interval scaled for it ({@link AgentSchedule}) and the time of its next check. Every write and removal goes to the
 * audit log with the top-level keys it changed (never their values: probe options are free-form and could hold
 * anything).
 */
public final class ConfigApi {

    static final String CONFIGS = EnrollmentApi.BASE + "/configs";
    private static final Set<String> PUT_FIELDS = Set.of("config_name", "config_data");

    private final AgentConfigRepository configs;
    private final DeviceRepository devices;
    private final OrganizationRepository organizations;
    private final Requests requests;
    private final DeviceRequests deviceRequests;
    private final AuditLog audit;
    private final AgentSchedule schedule;
    private final Duration heartbeatInterval;
    private final InstantSource clock;

    public ConfigApi(AgentConfigRepository configs, DeviceRepository devices, OrganizationRepository organizations,
                     Requests requests, DeviceRequests deviceRequests, AuditLog audit, AgentSchedule schedule,
                     Duration heartbeatInterval, InstantSource clock) {
        this.configs = configs;
        this.devices = devices;
        this.organizations = organizations;
        this.requests = requests;
        this.deviceRequests = deviceRequests;
        this.audit = audit;
        this.schedule = schedule;
        this.heartbeatInterval = heartbeatInterval;
        this.clock = clock;
    }

    public void addRoutes(RoutesConfig routes) {
        routes.get(CONFIGS, this::list);
        routes.get(CONFIGS + "/default", ctx -> get(ctx, defaultTarget(ctx, false)));
        routes.put(CONFIGS + "/default", ctx -> put(ctx, defaultTarget(ctx, true)));
        routes.delete(CONFIGS + "/default", ctx -> delete(ctx, defaultTarget(ctx, true)));
        routes.get(CONFIGS + "/{id}", ctx -> get(ctx, ouTarget(ctx, false)));
        routes.put(CONFIGS + "/{id}", ctx -> put(ctx, ouTarget(ctx, true)));
        routes.delete(CONFIGS + "/{id}", ctx -> delete(ctx, ouTarget(ctx, true)));
        routes.get(DevicesApi.BASE + "/{id}/config", ctx -> get(ctx, deviceTarget(ctx, false)));
        routes.put(DevicesApi.BASE + "/{id}/config", ctx -> put(ctx, deviceTarget(ctx, true)));
        routes.delete(DevicesApi.BASE + "/{id}/config", ctx -> delete(ctx, deviceTarget(ctx, true)));
        routes.get(EnrollmentApi.BASE + "/config", this::effective);
    }

    /**
     * Which document a request is about, and who asks.
     *
     * @param name  what the audit log names the document by: {@code default}, the OU's name, the device's serial
     * @param label how errors name it
     */
    private record Target(Principal caller, Scope scope, UUID owner, UUID ouId, String name, String label) {

        AuditLog.Target audited() {
            return new AuditLog.Target("agent_config", scope == Scope.DEFAULT ? "default" : owner.toString(), name, ouId);
        }
    }

    private Target defaultTarget(Context ctx, boolean write) {
        Principal p = requests.caller(ctx);
        EnrollmentApi.requireReader(p, "agent configurations");
        if (write && p.role() != Role.GLOBAL_ADMIN) {
            throw ApiException.forbidden(null, "changing the default agent configuration needs global_admin, not "
                    + p.role());
        }
        return new Target(p, Scope.DEFAULT, AgentConfig.DEFAULT_OWNER, null, "default", "the default agent configuration");
    }

    private Target ouTarget(Context ctx, boolean write) {
        Principal p = requests.caller(ctx);
        UUID id = Requests.pathId(ctx, "id");
        Organization ou = organizations.find(id).filter(o -> p.seesOu(o.id()))
                .orElseThrow(() -> ApiException.notFound("id", "no organisation unit " + id));
        requireRole(p, write);
        return new Target(p, Scope.OU, ou.id(), ou.id(), ou.name(), "organisation unit " + ou.name());
    }

    private Target deviceTarget(Context ctx, boolean write) {
        Principal p = requests.caller(ctx);
        UUID id = Requests.pathId(ctx, "id");
        EnrolledDevice d = devices.find(id).filter(x -> p.seesOu(x.ouId()))
                .orElseThrow(() -> ApiException.notFound("id", "no device " + id));
        requireRole(p, write);
        return new Target(p, Scope.DEVICE, d.id(), d.ouId(), d.serial(), "device " + d.serial());
    }

    private static void requireRole(Principal p, boolean write) {
        if (write) {
            EnrollmentApi.requireAdmin(p, "changing agent configurations");
        } else {
            EnrollmentApi.requireReader(p, "agent configurations");
        }
    }

    /** A stored document as the API shows it. */
    static Map<String, Object> view(AgentConfig c, UUID ouId) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("scope", c.scope().externalName());
        switch (c.scope()) {
            case OU -> v.put("ou_id", c.ownerId());
            case DEVICE -> {
                v.put("device_id", c.ownerId());
                v.put("ou_id", ouId);
            }
            case DEFAULT -> v.put("is_default", true);
        }
        v.put("config_name", c.name());
        v.put("config_data", tree(c.document()));
        v.put("updated_by", c.updatedBy());
        v.put("updated_at", c.updatedAt());
        return v;
    }

    private void list(Context ctx) {
        Principal p = requests.caller(ctx);
        EnrollmentApi.requireReader(p, "agent configurations");
        ctx.json(Map.of("configs", configs.list(p.role().isGlobal() ? null : p.ouId()).stream()
                .map(c -> view(c, c.scope() == Scope.DEVICE ? devices.find(c.ownerId()).map(EnrolledDevice::ouId)
                        .orElse(null) : null))
                .toList()));
    }

    private void get(Context ctx, Target t) {
        AgentConfig c = configs.find(t.scope(), t.owner()).orElseThrow(() -> ApiException.notFound(null,
                "no configuration is set for " + t.label() + (t.scope() == Scope.DEFAULT ? ""
                        : "; its devices get " + (t.scope() == Scope.DEVICE ? "their OU's or " : "") + "the default")));
        ctx.json(view(c, t.ouId()));
    }

    private void put(Context ctx, Target t) {
        JsonNode body = requests.json(ctx);
        UsersApi.onlyFields(body, PUT_FIELDS);
        String name = Requests.optionalText(body, "config_name", 255);
        if (!body.has("config_data")) {
            throw ApiException.badRequest(AgentConfigDocuments.FIELD, "is required: the agent configuration document");
        }
        String document;
        try {
            document = AgentConfigDocuments.check(body.get("config_data"));
        } catch (InvalidDocumentException e) {
            throw ApiException.badRequest(e.field(), e.getMessage());
        }
        Optional<AgentConfig> before = configs.find(t.scope(), t.owner());
        AgentConfig stored = configs.put(t.scope(), t.owner(), name, document, t.caller().userId(), clock.instant());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("scope", t.scope().externalName());
        AuditLog.putChange(details, "config_name", before.map(AgentConfig::name).orElse(null), name);
        details.put("changed", changedKeys(before.map(AgentConfig::document).orElse("{}"), document));
        audit.record(Requests.actor(ctx, t.caller()), before.isPresent() ? "agent_config.update" : "agent_config.create",
                t.audited(), details);
        Map<String, Object> answer = view(stored, t.ouId());
        answer.put("message", "Configuration updated");
        ctx.json(answer);
    }

    private void delete(Context ctx, Target t) {
        Optional<AgentConfig> before = configs.find(t.scope(), t.owner());
        if (before.isEmpty() || !configs.delete(t.scope(), t.owner())) {
            throw ApiException.notFound(null, "no configuration is set for " + t.label());
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("scope", t.scope().externalName());
        details.put("config_name", before.get().name());
        audit.record(Requests.actor(ctx, t.caller()), "agent_config.delete", t.audited(), details);
        ctx.status(204);
    }

    /** The top-level keys whose values differ between two documents (set, changed or left out), in document order. */
    static List<String> changedKeys(String before, String after) {
        JsonNode a = tree(before);
        JsonNode b = tree(after);
        Set<String> keys = new LinkedHashSet<>();
        for (Iterator<String> it = b.fieldNames(); it.hasNext(); ) {
            keys.add(it.next());
        }
        a.fieldNames().forEachRemaining(keys::add);
        List<String> changed = new ArrayList<>();
        for (String k : keys) {
            if (!Objects.equals(a.get(k), b.get(k))) {
                changed.add(k);
            }
        }
        return changed;
    }

    /**
     * {@code GET /api/v1/enrollment/config}: with a device credential the device's own configuration (a
     * {@code device_serial} parameter, if given, must be its own); with a reader's token the configuration the device
     * of {@code device_serial} gets, as a preview.
     */
    private void effective(Context ctx) {
        String serial = ctx.queryParam("device_serial");
        EnrolledDevice d;
        if (deviceRequests.carriesDeviceCredential(ctx)) {
            d = deviceRequests.device(ctx);
            if (serial != null && !serial.isEmpty() && !serial.equals(d.serial())) {
                throw ApiException.notFound("device_serial", "no device '" + serial + "' for this credential (a device "
                        + "reads only its own configuration)");
            }
        } else {
            Principal p = requests.caller(ctx);
            EnrollmentApi.requireReader(p, "agent configurations");
            if (serial == null || serial.isEmpty()) {
                throw ApiException.badRequest("device_serial", "is required: the serial of the device whose "
                        + "configuration to show");
            }
            d = devices.findBySerial(serial).filter(x -> p.seesOu(x.ouId()))
                    .orElseThrow(() -> ApiException.notFound("device_serial", "no device '" + serial + "'"));
        }
        Instant now = clock.instant();
        Optional<AgentConfig> c = configs.effective(d.id(), d.ouId());
        Duration recheck = schedule.nextRecheck();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("device_id", d.id());
        answer.put("device_serial", d.serial());
        answer.put("ou_id", d.ouId());
        answer.put("source", c.map(x -> x.scope().externalName()).orElse("none"));
        if (c.isPresent()) {
            AutoPerfConfig loaded;
            try {
                loaded = AgentConfigDocuments.load(c.get().document());
            } catch (InvalidDocumentException e) {
                // written by an older manager whose checks were looser: the device keeps what it runs until fixed
                throw ApiException.conflict(e.field(), "the " + c.get().scope().externalName() + " configuration this "
                        + "device would get no longer passes the checks; an admin must correct it: " + e.getMessage());
            }
            Duration interval = AgentSchedule.interval(loaded.autoperf().interval(), d.id());
            answer.put("config_name", c.get().name());
            answer.put("updated_at", c.get().updatedAt());
            answer.put("config", AgentConfigDocuments.forDevice(c.get().document(), interval));
            answer.put("base_interval_seconds", loaded.autoperf().interval().toMillis() / 1000.0);
            answer.put("interval_seconds", interval.toMillis() / 1000.0);
        } else {
            answer.put("config", null);
            answer.put("message", "No configuration is set for this device, its organisation unit or as the default; "
                    + "keep the local configuration");
        }
        answer.put("heartbeat_interval_seconds", heartbeatInterval.toSeconds());
        answer.put("next_checkin_seconds", recheck.toSeconds());
        answer.put("next_checkin_at", now.plus(recheck));
        ctx.json(answer);
    }

    private static JsonNode tree(String document) {
        try {
            return Json.mapper().readTree(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored configuration document is not JSON", e);
        }
    }
}
