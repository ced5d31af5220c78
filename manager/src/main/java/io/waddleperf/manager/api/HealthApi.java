package io.waddleperf.manager.api;

import io.javalin.config.RoutesConfig;
import io.waddleperf.manager.store.Database;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /health} (liveness: the process answers) and {@code GET /ready} (200 when the database answers and, on a
 * Galera node, the node is synced in the primary component; 503 with the reason otherwise).
 */
public final class HealthApi {

    private final String version;
    private final Database db;

    public HealthApi(String version, Database db) {
        this.version = version;
        this.db = db;
    }

    public void addRoutes(RoutesConfig routes) {
        routes.get("/health", ctx -> ctx.json(Map.of("status", "healthy", "version", version)));
        routes.get("/ready", ctx -> {
            Optional<String> reason = db.notReadyReason();
            Map<String, String> body = new LinkedHashMap<>();
            body.put("status", reason.isEmpty() ? "ready" : "not_ready");
            reason.ifPresent(r -> body.put("reason", r));
            ctx.status(reason.isEmpty() ? 200 : 503).json(body);
        });
    }
}
