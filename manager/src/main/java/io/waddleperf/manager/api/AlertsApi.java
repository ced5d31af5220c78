package io.waddleperf.manager.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.waddleperf.core.result.TestType;
import io.waddleperf.core.result.UuidV7;
import io.waddleperf.manager.alerts.AlertEvaluator;
import io.waddleperf.manager.alerts.AlertNotifier;
import io.waddleperf.manager.audit.AuditLog;
import io.waddleperf.manager.auth.Principal;
import io.waddleperf.manager.auth.Role;
import io.waddleperf.manager.store.AlertRepository;
import io.waddleperf.manager.store.AlertRepository.Event;
import io.waddleperf.manager.store.AlertRepository.StateRow;
import io.waddleperf.manager.store.AlertRule;
import io.waddleperf.manager.store.OrganizationRepository;
import io.waddleperf.manager.store.ResultRepository;
import io.waddleperf.notify.Webhook;
import io.waddleperf.notify.WebhookFormat;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * {@code /api/v1/alerts}: alert rules ({@code /rules}, CRUD), the current state of each ({@code /state}) and the
 * history of state changes ({@code /history}). Reading takes a role that reads its scope (global roles: every rule;
 * OU roles: their OU's); changing takes {@code global_admin}, or {@code ou_admin} for its own OU's rules. Rules without
 * an OU watch every OU and belong to global admins. A rule outside the caller's scope is answered 404. The webhook URL
 * and signing secret are write-only (chat webhook URLs carry their token): answers show the URL's scheme and host
 * only. Every change goes to the audit log.
 */
public final class AlertsApi {

    static final String BASE = "/api/v1/alerts";
    static final int DEFAULT_HISTORY = 100;
    static final int MAX_HISTORY = 1000;
    static final int MAX_RECIPIENTS = 20;
    private static final Set<String> FIELDS = Set.of("ou_id", "name", "target", "test_type", "metric", "comparison",
            "threshold", "window_seconds", "min_samples", "enabled", "webhook", "email_to");
    private static final Set<String> WEBHOOK_FIELDS = Set.of("url", "format", "secret");
    private static final Pattern ADDRESS = Pattern.compile("[^@\\s<>\",]{1,64}@[^@\\s<>\",]{1,189}");

    private final AlertRepository alerts;
    private final AlertEvaluator evaluator;
    private final AlertNotifier notifier;
    private final OrganizationRepository organizations;
    private final Requests requests;
    private final AuditLog audit;
    private final int maxRulesPerOu;
    private final InstantSource clock;

    public AlertsApi(AlertRepository alerts, AlertEvaluator evaluator, AlertNotifier notifier,
                     OrganizationRepository organizations, Requests requests, AuditLog audit, int maxRulesPerOu,
                     InstantSource clock) {
        this.alerts = alerts;
        this.evaluator = evaluator;
        this.notifier = notifier;
        this.organizations = organizations;
        this.requests = requests;
        this.audit = audit;
        this.maxRulesPerOu = maxRulesPerOu;
        this.clock = clock;
    }

    public void addRoutes(RoutesConfig routes) {
        routes.get(BASE + "/rules", this::list);
        routes.post(BASE + "/rules", this::create);
        routes.get(BASE + "/rules/{id}", this::get);
        routes.put(BASE + "/rules/{id}", this::update);
        routes.delete(BASE + "/rules/{id}", this::delete);
        routes.get(BASE + "/state", this::state);
        routes.get(BASE + "/history", this::history);
    }

    private Principal reader(Context ctx) {
        Principal p = requests.caller(ctx);
        if (!p.role().readsScope()) {
            throw ApiException.forbidden(null, "alerts need a role that reads its scope, not " + p.role());
        }
        return p;
    }

    private static void requireAdmin(Principal p) {
        if (!p.role().isAdmin()) {
            throw ApiException.forbidden(null, "changing alert rules needs global_admin or ou_admin, not " + p.role());
        }
    }

    private AlertRule visible(Principal p, UUID id) {
        return alerts.find(id).filter(r -> r.ouId() == null ? p.role().isGlobal() : p.seesOu(r.ouId()))
                .orElseThrow(() -> ApiException.notFound("id", "no alert rule " + id));
    }

    private void list(Context ctx) {
        Principal p = reader(ctx);
        Map<UUID, StateRow> states = alerts.states(p.ouId(), p.role().isGlobal()).stream()
                .collect(Collectors.toMap(StateRow::ruleId, Function.identity()));
        ctx.json(alerts.list(p.ouId(), p.role().isGlobal()).stream().map(r -> view(r, states.get(r.id()))).toList());
    }

    private void get(Context ctx) {
        Principal p = reader(ctx);
        AlertRule r = visible(p, Requests.pathId(ctx, "id"));
        ctx.json(view(r, alerts.state(r.id()).orElse(null)));
    }

    private void create(Context ctx) {
        Principal p = reader(ctx);
        requireAdmin(p);
        JsonNode body = requests.json(ctx);
        UsersApi.onlyFields(body, FIELDS);
        UUID ou;
        if (body.hasNonNull("ou_id")) {
            ou = uuidField(body, "ou_id");
            if (!p.seesOu(ou)) {
                throw ApiException.forbidden("ou_id", "an ou_admin makes rules for its own OU only");
            }
            if (organizations.find(ou).isEmpty()) {
                throw ApiException.badRequest("ou_id", "no organisation unit " + ou);
            }
        } else {
            // no OU given: an ou_admin's own; a global admin's rule over every OU
            ou = p.role() == Role.OU_ADMIN ? p.ouId() : null;
        }
        if (p.role() == Role.OU_ADMIN && ou == null) {
            throw ApiException.forbidden("ou_id", "an ou_admin makes rules for its own OU only");
        }
        if (alerts.count(ou) >= maxRulesPerOu) {
            throw ApiException.conflict(null, "this OU has " + maxRulesPerOu + " alert rules, the most allowed "
                    + "(alerts.max_rules_per_ou)");
        }
        Instant now = clock.instant();
        AlertRule blank = new AlertRule(UuidV7.next(), ou, null, null, null, null, null, 0, Duration.ofMinutes(5), 3,
                true, null, null, null, List.of(), p.userId(), now, now);
        AlertRule r = apply(blank, body, true);
        alerts.create(r);
        audit.record(Requests.actor(ctx, p), "alert_rule.create", target(r), details(null, r));
        // judge the window at once, so a rule made while its condition already holds fires without waiting for a result
        evaluator.evaluate(r);
        ctx.status(201).json(view(r, alerts.state(r.id()).orElse(null)));
    }

    private void update(Context ctx) {
        Principal p = reader(ctx);
        AlertRule current = visible(p, Requests.pathId(ctx, "id"));
        requireAdmin(p);
        JsonNode body = requests.json(ctx);
        UsersApi.onlyFields(body, FIELDS);
        if (body.has("ou_id") && !String.valueOf(current.ouId()).equals(body.get("ou_id").asText())) {
            throw ApiException.badRequest("ou_id", "a rule stays in its OU; make a new rule in the other OU");
        }
        AlertRule r = apply(current, body, false);
        r = new AlertRule(r.id(), r.ouId(), r.name(), r.target(), r.testType(), r.metric(), r.comparison(),
                r.threshold(), r.window(), r.minSamples(), r.enabled(), r.webhookUrl(), r.webhookFormat(),
                r.webhookSecret(), r.emailTo(), r.createdBy(), r.createdAt(), clock.instant());
        alerts.update(r);
        audit.record(Requests.actor(ctx, p), "alert_rule.update", target(r), details(current, r));
        if (r.enabled()) {
            evaluator.evaluate(r);
        }
        ctx.json(view(r, alerts.state(r.id()).orElse(null)));
    }

    private void delete(Context ctx) {
        Principal p = reader(ctx);
        AlertRule r = visible(p, Requests.pathId(ctx, "id"));
        requireAdmin(p);
        alerts.delete(r.id());
        audit.record(Requests.actor(ctx, p), "alert_rule.delete", target(r), Map.of());
        ctx.status(204);
    }

    private void state(Context ctx) {
        Principal p = reader(ctx);
        Map<UUID, AlertRule> rules = alerts.list(p.ouId(), p.role().isGlobal()).stream()
                .collect(Collectors.toMap(AlertRule::id, Function.identity()));
        List<Map<String, Object>> out = new ArrayList<>();
        for (StateRow s : alerts.states(p.ouId(), p.role().isGlobal())) {
            AlertRule r = rules.get(s.ruleId());
            if (r == null) {
                continue; // deleted between the two reads
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("rule_id", r.id());
            m.put("rule_name", r.name());
            m.put("ou_id", r.ouId());
            m.put("target", r.target());
            m.put("metric", r.metric().externalName());
            m.putAll(stateView(s));
            out.add(m);
        }
        ctx.json(out);
    }

    private void history(Context ctx) {
        Principal p = reader(ctx);
        int limit = Requests.intParam(ctx, "limit", DEFAULT_HISTORY, 1, MAX_HISTORY);
        UUID rule = ctx.queryParam("rule_id") == null ? null : Requests.uuidParam(ctx, "rule_id");
        List<Event> events = alerts.events(p.ouId(), p.role().isGlobal(), rule, limit);
        ctx.json(events.stream().map(AlertsApi::eventView).toList());
    }

    /** The rule with the body's fields applied; on create the required ones must be there. */
    private AlertRule apply(AlertRule r, JsonNode body, boolean creating) {
        String name = creating || body.has("name") ? Requests.text(body, "name", 255) : r.name();
        String target = creating || body.has("target") ? Requests.text(body, "target", ResultRepository.MAX_TARGET_CHARS)
                : r.target();
        String testType = body.has("test_type") ? Requests.optionalText(body, "test_type", 32) : r.testType();
        if (testType != null) {
            try {
                TestType.fromWireName(testType);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("test_type", "'" + testType + "' is not a probe type");
            }
        }
        AlertRule.Metric metric = creating || body.has("metric")
                ? AlertRule.Metric.parse(Requests.text(body, "metric", 32)).orElseThrow(() -> ApiException.badRequest(
                "metric", "must be latency_ms, packet_loss_percent, throughput_mbps or success_rate_percent"))
                : r.metric();
        AlertRule.Comparison comparison = creating || body.has("comparison")
                ? AlertRule.Comparison.parse(Requests.text(body, "comparison", 4)).orElseThrow(() ->
                ApiException.badRequest("comparison", "must be gt, ge, lt or le"))
                : r.comparison();
        double threshold = creating || body.has("threshold") ? number(body, "threshold") : r.threshold();
        Duration window = body.has("window_seconds")
                ? Duration.ofSeconds(integer(body, "window_seconds", 60, 86_400)) : r.window();
        int minSamples = body.has("min_samples") ? integer(body, "min_samples", 1, 10_000) : r.minSamples();
        boolean enabled = r.enabled();
        if (body.has("enabled")) {
            if (!body.get("enabled").isBoolean()) {
                throw ApiException.badRequest("enabled", "must be true or false");
            }
            enabled = body.get("enabled").asBoolean();
        }
        String url = r.webhookUrl();
        String format = r.webhookFormat();
        String secret = r.webhookSecret();
        if (body.has("webhook")) {
            JsonNode w = body.get("webhook");
            if (w.isNull()) {
                url = null;
                format = null;
                secret = null;
            } else {
                if (!w.isObject()) {
                    throw ApiException.badRequest("webhook", "must be an object {url, format, secret?} or null");
                }
                for (var it = w.fieldNames(); it.hasNext(); ) {
                    String f = it.next();
                    if (!WEBHOOK_FIELDS.contains(f)) {
                        throw ApiException.badRequest("webhook." + f, "is not a field of webhook; known: url, format, secret");
                    }
                }
                url = webhookUrl(w);
                WebhookFormat f = w.hasNonNull("format")
                        ? WebhookFormat.parse(w.get("format").asText()).orElseThrow(() -> ApiException.badRequest(
                        "webhook.format", "must be slack, teams, discord or generic"))
                        : WebhookFormat.GENERIC;
                format = f.externalName();
                secret = w.hasNonNull("secret") ? w.get("secret").asText() : null;
                if (secret != null && (secret.isEmpty() || secret.length() > 255)) {
                    throw ApiException.badRequest("webhook.secret", "must be 1-255 characters");
                }
                if (secret != null && f != WebhookFormat.GENERIC) {
                    throw ApiException.badRequest("webhook.secret", "signs the generic format only");
                }
            }
        }
        List<String> emailTo = body.has("email_to") ? recipients(body.get("email_to")) : r.emailTo();
        if (!emailTo.isEmpty() && !notifier.canMail()) {
            throw ApiException.badRequest("email_to", "this manager has no SMTP server (alerts.smtp_host), so rules "
                    + "cannot mail");
        }
        return new AlertRule(r.id(), r.ouId(), name, target, testType, metric, comparison, threshold, window, minSamples,
                enabled, url, format, secret, emailTo, r.createdBy(), r.createdAt(), r.updatedAt());
    }

    private static String webhookUrl(JsonNode w) {
        if (!w.hasNonNull("url") || !w.get("url").isTextual()) {
            throw ApiException.badRequest("webhook.url", "is required");
        }
        String text = w.get("url").asText();
        if (text.length() > 2048) {
            throw ApiException.badRequest("webhook.url", "is longer than 2048 characters");
        }
        try {
            URI u = new URI(text);
            new Webhook(u, WebhookFormat.GENERIC, null);
        } catch (URISyntaxException | IllegalArgumentException e) {
            // the URL itself is not echoed: it may carry a token
            throw ApiException.badRequest("webhook.url", "must be an http:// or https:// URL with a host");
        }
        return text;
    }

    private static List<String> recipients(JsonNode n) {
        if (n.isNull()) {
            return List.of();
        }
        if (!n.isArray()) {
            throw ApiException.badRequest("email_to", "must be an array of mail addresses");
        }
        if (n.size() > MAX_RECIPIENTS) {
            throw ApiException.badRequest("email_to", "at most " + MAX_RECIPIENTS + " addresses, got " + n.size());
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n.size(); i++) {
            String a = n.get(i).asText();
            if (!n.get(i).isTextual() || !ADDRESS.matcher(a).matches()) {
                throw ApiException.badRequest("email_to[" + i + "]", "is not a mail address");
            }
            out.add(a);
        }
        return out;
    }

    private static UUID uuidField(JsonNode body, String field) {
        try {
            return UUID.fromString(body.get(field).asText());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(field, "is not a UUID");
        }
    }

    private static double number(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || !n.isNumber() || !Double.isFinite(n.asDouble()) || Math.abs(n.asDouble()) > 1e12) {
            throw ApiException.badRequest(field, "must be a finite number (at most 1e12 in size)");
        }
        return n.asDouble();
    }

    private static int integer(JsonNode body, String field, int min, int max) {
        JsonNode n = body.get(field);
        if (n == null || !n.canConvertToInt() || !n.isIntegralNumber() || n.asInt() < min || n.asInt() > max) {
            throw ApiException.badRequest(field, "must be a whole number from " + min + " to " + max);
        }
        return n.asInt();
    }

    private static AuditLog.Target target(AlertRule r) {
        return new AuditLog.Target("alert_rule", r.id().toString(), r.name(), r.ouId());
    }

    private static Map<String, Object> details(AlertRule before, AlertRule after) {
        Map<String, Object> d = new LinkedHashMap<>();
        AuditLog.putChange(d, "name", before == null ? null : before.name(), after.name());
        AuditLog.putChange(d, "target", before == null ? null : before.target(), after.target());
        AuditLog.putChange(d, "test_type", before == null ? null : before.testType(), after.testType());
        AuditLog.putChange(d, "metric", before == null ? null : before.metric().externalName(),
                after.metric().externalName());
        AuditLog.putChange(d, "comparison", before == null ? null : before.comparison().externalName(),
                after.comparison().externalName());
        AuditLog.putChange(d, "threshold", before == null ? null : before.threshold(), after.threshold());
        AuditLog.putChange(d, "window_seconds", before == null ? null : before.window().toSeconds(),
                after.window().toSeconds());
        AuditLog.putChange(d, "min_samples", before == null ? null : before.minSamples(), after.minSamples());
        AuditLog.putChange(d, "enabled", before == null ? null : before.enabled(), after.enabled());
        AuditLog.putChange(d, "email_to", before == null ? null : before.emailTo(), after.emailTo());
        boolean hookChanged = before == null ? after.webhookUrl() != null
                : !java.util.Objects.equals(before.webhookUrl(), after.webhookUrl())
                || !java.util.Objects.equals(before.webhookFormat(), after.webhookFormat())
                || !java.util.Objects.equals(before.webhookSecret(), after.webhookSecret());
        if (hookChanged) {
            // never the URL or the secret: chat webhook URLs carry their token
            d.put("webhook_changed", true);
        }
        return d;
    }

    static Map<String, Object> view(AlertRule r, StateRow s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("ou_id", r.ouId());
        m.put("name", r.name());
        m.put("target", r.target());
        m.put("test_type", r.testType());
        m.put("metric", r.metric().externalName());
        m.put("comparison", r.comparison().externalName());
        m.put("threshold", r.threshold());
        m.put("window_seconds", r.window().toSeconds());
        m.put("min_samples", r.minSamples());
        m.put("enabled", r.enabled());
        if (r.webhookUrl() != null) {
            Map<String, Object> w = new LinkedHashMap<>();
            w.put("url", Webhook.redacted(URI.create(r.webhookUrl())));
            w.put("format", r.webhookFormat());
            w.put("signed", r.webhookSecret() != null);
            m.put("webhook", w);
        } else {
            m.put("webhook", null);
        }
        m.put("email_to", r.emailTo());
        m.put("created_at", r.createdAt());
        m.put("updated_at", r.updatedAt());
        m.put("state", s == null ? null : stateView(s));
        return m;
    }

    private static Map<String, Object> stateView(StateRow s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("state", s.state().externalName());
        m.put("since", s.since());
        m.put("last_value", s.lastValue());
        m.put("last_samples", s.lastSamples());
        m.put("evaluated_at", s.evaluatedAt());
        return m;
    }

    private static Map<String, Object> eventView(Event e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", e.id());
        m.put("rule_id", e.ruleId());
        m.put("ou_id", e.ouId());
        m.put("rule_name", e.ruleName());
        m.put("target", e.target());
        m.put("state", e.state().externalName());
        m.put("occurred_at", e.occurredAt());
        m.put("metric", e.metric().externalName());
        m.put("comparison", e.comparison().externalName());
        m.put("threshold", e.threshold());
        m.put("value", e.value());
        m.put("samples", e.samples());
        m.put("delivery", e.delivery());
        return m;
    }
}
