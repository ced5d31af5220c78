package io.waddleperf.agent;

import com.fasterxml.jackson.databind.JsonNode;
import io.waddleperf.core.result.Json;
import io.waddleperf.manager.Admins;
import io.waddleperf.manager.ManagerConfig;
import io.waddleperf.manager.ManagerServer;
import io.waddleperf.manager.store.Database;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A real manager for the agent's tests, on the embedded database in a test folder and on a port chosen up front, so
 * that it can be started after the agent (the manager "down for the first part of a run") and stopped and started
 * again on the same port and data.
 */
public final class ManagerPeer implements AutoCloseable {

    static final String ADMIN = "admin";
    static final String PASSWORD = "correct horse battery staple";

    private final ManagerConfig config;
    private final int port;
    private ManagerServer server;
    private String apiKey;
    private final HttpClient http = HttpClient.newHttpClient();

    public ManagerPeer(Path dataDir) throws IOException {
        this(dataDir, Map.of());
    }

    /** A manager with {@code settings} over the test's (a short heartbeat interval, say). */
    public ManagerPeer(Path dataDir, Map<String, String> settings) throws IOException {
        this.port = freePort();
        Map<String, String> all = new java.util.HashMap<>(Map.of("bind", "127.0.0.1", "port", Integer.toString(port),
                "data_dir", dataDir.toString()));
        all.putAll(settings);
        this.config = ManagerConfig.of(all);
        try (Database db = ManagerServer.openDatabase(config)) {
            Admins.create(db, ADMIN, PASSWORD);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public synchronized void start() {
        if (server == null) {
            server = ManagerServer.start(config);
        }
    }

    public synchronized void stop() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    /** An API key of the admin, made through the API as an operator would (the manager must be running). */
    public synchronized String apiKey() throws Exception {
        if (apiKey == null) {
            JsonNode login = call("POST", "/api/v1/auth/login", null, Json.write(Map.of("username", ADMIN, "password",
                    PASSWORD)));
            String token = "Bearer " + login.get("token").asText();
            String id = login.get("user").get("id").asText();
            apiKey = call("POST", "/api/v1/users/" + id + "/api-key", token, null).get("api_key").asText();
        }
        return apiKey;
    }

    /** The ids of every result stored, read from the manager's database. */
    public Set<String> storedIds() {
        try (Database db = ManagerServer.openDatabase(config)) {
            Set<String> ids = new HashSet<>();
            db.read(h -> h.createQuery("SELECT id FROM results").mapTo(byte[].class).list())
                    .forEach(b -> {
                        java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(b);
                        ids.add(new java.util.UUID(bb.getLong(), bb.getLong()).toString());
                    });
            return ids;
        }
    }

    /** The answer of a {@code SELECT COUNT(*)} on the manager's database. */
    public long count(String sql) {
        try (Database db = ManagerServer.openDatabase(config)) {
            return db.read(h -> h.createQuery(sql).mapTo(Long.class).one());
        }
    }

    /** Rows in the results table. */
    public long storedRows() {
        try (Database db = ManagerServer.openDatabase(config)) {
            return db.read(h -> h.createQuery("SELECT COUNT(*) FROM results").mapTo(Long.class).one());
        }
    }

    /** The admin's session, as an {@code Authorization} value. */
    public String adminToken() throws Exception {
        return "Bearer " + call("POST", "/api/v1/auth/login", null, Json.write(Map.of("username", ADMIN, "password",
                PASSWORD))).get("token").asText();
    }

    /** One call of the manager's API; a status of 300 or more fails the test. */
    public JsonNode call(String method, String path, String auth, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(url().resolve(path)).timeout(Duration.ofSeconds(30));
        if (auth != null) {
            b.header("Authorization", auth);
        }
        b.header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + path + " answered " + r.statusCode() + " " + r.body());
        }
        return Json.mapper().readTree(r.body());
    }

    @Override
    public void close() {
        stop();
    }
}
