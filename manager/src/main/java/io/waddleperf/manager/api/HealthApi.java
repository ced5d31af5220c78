package io.waddleperf.manager.api;

import io.javalin.config.RoutesConfig;
import io.waddleperf.manager.store.Database;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /health} (liveness: the process answers) and {@code GET /ready} (200 when the database answers and, on a
 * Galera node, the node is ready, synced and in the primary component; 503 with the reason otherwise). On Galera the
 * answer carries the cluster as the manager's node sees it ({@code galera}: size, status, local state, node), so a
 * balancer's health check and an operator read the same view.
 */
public final class HealthApi {

    private final String version;
    private final Database db;

    public HealthApi(String version, Database db) {
        this.version = version;
        this.db = db;
    }

    /** The cluster view in the answer's snake_case names. */
    static Map<String, Object> galera(Database.ClusterView v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cluster_size", v.clusterSize());
        m.put("cluster_status", v.clusterStatus());
        m.put("local_state", v.localState());
        m.put("ready", v.ready());
        m.put("node_name", v.nodeName());
        m.put("node_address", v.nodeAddress());
        return m;
    }

    public void addRoutes(RoutesConfig routes) {
        routes.get("/health", ctx -> ctx.json(Map.of("status", "healthy", "version", version)));
        routes.get("/ready", ctx -> {
            Optional<String> reason;
            Optional<Database.ClusterView> view = Optional.empty();
            try {
                view = db.clusterView();
                reason = view.isPresent() ? view.get().notReadyReason() : db.notReadyReason();
            } catch (RuntimeException e) {
                reason = db.notReadyReason(); // says why the database cannot be reached
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", reason.isEmpty() ? "ready" : "not_ready");
            reason.ifPresent(r -> body.put("reason", r));
            view.ifPresent(v -> body.put("galera", galera(v)));
            ctx.status(reason.isEmpty() ? 200 : 503).json(body);
        });
    }
}
