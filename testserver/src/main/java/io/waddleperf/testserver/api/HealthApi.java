package io.waddleperf.testserver.api;

import io.javalin.config.RoutesConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * {@code GET /health} (liveness, the original's {@code {"status":"healthy","version":…}}) and {@code GET /ready}
 * (200 once every listener runs, 503 while starting or shutting down, for load balancers and Kubernetes).
 */
public final class HealthApi {

    private final String version;
    private final BooleanSupplier ready;

    public HealthApi(String version, BooleanSupplier ready) {
        this.version = version;
        this.ready = ready;
    }

    public void addRoutes(RoutesConfig routes) {
        routes.get("/health", ctx -> {
            Map<String, String> body = new LinkedHashMap<>();
            body.put("status", "healthy");
            body.put("version", version);
            ctx.json(body);
        });
        routes.get("/ready", ctx -> {
            boolean isReady = ready.getAsBoolean();
            ctx.status(isReady ? 200 : 503).json(Map.of("status", isReady ? "ready" : "not_ready"));
        });
    }
}
