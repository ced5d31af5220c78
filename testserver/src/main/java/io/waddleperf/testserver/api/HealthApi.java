package io.waddleperf.testserver.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.javalin.config.RoutesConfig;
import io.waddleperf.core.result.Json;
import io.waddleperf.testserver.http.DirectRoutes;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * {@code GET /health} (liveness, the original's {@code {"status":"healthy","version":…}}) and {@code GET /ready}
 * (200 once every listener runs, 503 while starting or shutting down, for load balancers and Kubernetes).
 */
public final class HealthApi {

    private final BooleanSupplier ready;
    private final byte[] healthBody;

    public HealthApi(String version, BooleanSupplier ready) {
        this.ready = ready;
        Map<String, String> body = new LinkedHashMap<>();
        body.put("status", "healthy");
        body.put("version", version);
        try {
            this.healthBody = Json.mapper().writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise the health answer", e);
        }
    }

    /** {@code GET /health} as Jetty answers it directly: load balancers poll it often, and its body never changes. */
    public void addDirectRoutes(DirectRoutes direct) {
        direct.get("/health", "application/json", Map.of(), () -> healthBody);
    }

    public void addRoutes(RoutesConfig routes) {
        // what DirectRoutes leaves to Javalin (e.g. a GET with a body) gets the same answer
        routes.get("/health", ctx -> ctx.contentType("application/json").result(healthBody));
        routes.get("/ready", ctx -> {
            boolean isReady = ready.getAsBoolean();
            ctx.status(isReady ? 200 : 503).json(Map.of("status", isReady ? "ready" : "not_ready"));
        });
    }
}
