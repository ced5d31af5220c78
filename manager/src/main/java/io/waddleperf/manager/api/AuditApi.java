package io.waddleperf.manager.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.waddleperf.core.result.Json;
import io.waddleperf.manager.auth.Principal;
import io.waddleperf.manager.auth.Role;
import io.waddleperf.manager.store.AuditRepository;
import io.waddleperf.manager.store.AuditRepository.Entry;
import io.waddleperf.manager.store.AuditRepository.Filter;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code GET /api/v1/audit}: the audit log, newest first, a page at a time ({@code limit}, then {@code before} = the
 * answer's {@code next_before}, which a last page leaves out), filtered by {@code actor_id}, {@code action} ({@code user.update}, or
 * {@code user.*} for every user action), {@code target_type}, {@code target_id}, {@code from} and {@code to}.
 * {@code global_admin} reads every entry, {@code ou_admin} the entries about its own OU; other roles are refused.
 */
public final class AuditApi {

    static final String BASE = "/api/v1/audit";
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;
    private static final Pattern ACTION = Pattern.compile("[a-z][a-z_]*(\\.[a-z][a-z_]*)*(\\.\\*)?");
    private static final Pattern WORD = Pattern.compile("[a-z_]{1,32}");

    private final AuditRepository audit;
    private final Requests requests;

    public AuditApi(AuditRepository audit, Requests requests) {
        this.audit = audit;
        this.requests = requests;
    }

    public void addRoutes(RoutesConfig routes) {
        routes.get(BASE, this::list);
    }

    private void list(Context ctx) {
        Principal p = requests.caller(ctx);
        if (!p.role().isAdmin()) {
            throw ApiException.forbidden(null, "the audit log is for global_admin and ou_admin, not " + p.role());
        }
        int limit = Requests.intParam(ctx, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        String action = ctx.queryParam("action");
        if (action != null && (action.length() > 64 || !ACTION.matcher(action).matches())) {
            throw ApiException.badRequest("action", "'" + action + "' is not an action such as user.update or user.*");
        }
        String targetType = ctx.queryParam("target_type");
        if (targetType != null && !WORD.matcher(targetType).matches()) {
            throw ApiException.badRequest("target_type", "'" + targetType + "' is not a target type such as user");
        }
        String targetId = ctx.queryParam("target_id");
        if (targetId != null && targetId.length() > 64) {
            throw ApiException.badRequest("target_id", "is longer than 64 characters");
        }
        Instant from = Requests.timeParam(ctx, "from", null);
        Instant to = Requests.timeParam(ctx, "to", null);
        if (from != null && to != null && !from.isBefore(to)) {
            throw ApiException.badRequest("from", "must be before to");
        }
        Filter filter = new Filter(p.role() == Role.GLOBAL_ADMIN ? null : p.ouId(), Requests.uuidParam(ctx, "actor_id"),
                emptyToNull(action), emptyToNull(targetType), emptyToNull(targetId), from, to, Requests.uuidParam(ctx, "before"));
        List<Entry> entries = audit.list(filter, limit);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("entries", entries.stream().map(AuditApi::view).toList());
        if (entries.size() == limit) {
            answer.put("next_before", entries.getLast().id());
        }
        ctx.json(answer);
    }

    private static Map<String, Object> view(Entry e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", e.id());
        m.put("time", e.occurredAt());
        m.put("actor_id", e.actorId());
        m.put("actor", e.actorName());
        m.put("client_address", e.clientAddress());
        m.put("action", e.action());
        m.put("target_type", e.targetType());
        m.put("target_id", e.targetId());
        m.put("target", e.targetName());
        m.put("ou_id", e.ouId());
        m.put("details", details(e.details()));
        return m;
    }

    private static JsonNode details(String json) {
        if (json == null) {
            return Json.mapper().createObjectNode();
        }
        try {
            return Json.mapper().readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException("audit entry with unreadable details", e);
        }
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
