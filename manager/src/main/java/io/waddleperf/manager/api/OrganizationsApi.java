package io.waddleperf.manager.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.waddleperf.manager.audit.AuditLog;
import io.waddleperf.manager.auth.Principal;
import io.waddleperf.manager.auth.Role;
import io.waddleperf.manager.store.Organization;
import io.waddleperf.manager.store.OrganizationRepository;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * {@code /api/v1/organizations}: organisation units. Global roles see all, everyone else only its own; only
 * {@code global_admin} creates and deletes, {@code ou_admin} may rename and describe its own. An OU outside the
 * caller's scope is answered 404. Every change goes to the audit log.
 */
public final class OrganizationsApi {

    static final String BASE = "/api/v1/organizations";
    private static final Set<String> FIELDS = Set.of("name", "description");

    private final OrganizationRepository organizations;
    private final Requests requests;
    private final AuditLog audit;
    private final InstantSource clock;

    public OrganizationsApi(OrganizationRepository organizations, Requests requests, AuditLog audit, InstantSource clock) {
        this.organizations = organizations;
        this.requests = requests;
        this.audit = audit;
        this.clock = clock;
    }

    public void addRoutes(RoutesConfig routes) {
        routes.get(BASE, this::list);
        routes.post(BASE, this::create);
        routes.get(BASE + "/{id}", this::get);
        routes.put(BASE + "/{id}", this::update);
        routes.delete(BASE + "/{id}", this::delete);
    }

    private void list(Context ctx) {
        Principal p = requests.caller(ctx);
        List<Organization> all = organizations.list();
        ctx.json(p.role().isGlobal() ? all : all.stream().filter(o -> o.id().equals(p.ouId())).toList());
    }

    private void get(Context ctx) {
        Principal p = requests.caller(ctx);
        ctx.json(visible(p, Requests.pathId(ctx, "id")));
    }

    private void create(Context ctx) {
        Principal p = requests.caller(ctx);
        requireGlobalAdmin(p, "creating");
        JsonNode body = requests.json(ctx);
        UsersApi.onlyFields(body, FIELDS);
        Organization ou = organizations.create(Requests.text(body, "name", 255),
                Requests.optionalText(body, "description", 1024), clock.instant());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("description", ou.description());
        audit.record(Requests.actor(ctx, p), "organization.create", AuditLog.Target.organization(ou), details);
        ctx.status(201).json(ou);
    }

    private void update(Context ctx) {
        Principal p = requests.caller(ctx);
        Organization ou = visible(p, Requests.pathId(ctx, "id"));
        if (p.role() != Role.GLOBAL_ADMIN && p.role() != Role.OU_ADMIN) {
            throw ApiException.forbidden(null, "changing an organisation unit needs global_admin or its ou_admin");
        }
        JsonNode body = requests.json(ctx);
        UsersApi.onlyFields(body, FIELDS);
        String name = body.has("name") ? Requests.text(body, "name", 255) : ou.name();
        String description = body.has("description") ? Requests.optionalText(body, "description", 1024) : ou.description();
        organizations.update(ou.id(), name, description);
        Organization changed = organizations.find(ou.id()).orElseThrow();
        Map<String, Object> details = new LinkedHashMap<>();
        AuditLog.putChange(details, "name", ou.name(), name);
        AuditLog.putChange(details, "description", ou.description(), description);
        audit.record(Requests.actor(ctx, p), "organization.update", AuditLog.Target.organization(changed), details);
        ctx.json(changed);
    }

    private void delete(Context ctx) {
        Principal p = requests.caller(ctx);
        Organization ou = visible(p, Requests.pathId(ctx, "id"));
        requireGlobalAdmin(p, "deleting");
        organizations.delete(ou.id());
        audit.record(Requests.actor(ctx, p), "organization.delete", AuditLog.Target.organization(ou), Map.of());
        ctx.status(204);
    }

    private Organization visible(Principal p, UUID id) {
        return organizations.find(id).filter(o -> p.seesOu(o.id()))
                .orElseThrow(() -> ApiException.notFound("id", "no organisation unit " + id));
    }

    private static void requireGlobalAdmin(Principal p, String what) {
        if (p.role() != Role.GLOBAL_ADMIN) {
            throw ApiException.forbidden(null, what + " organisation units needs global_admin, not " + p.role());
        }
    }
}
