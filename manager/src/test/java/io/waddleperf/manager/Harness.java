package io.waddleperf.manager;

import com.fasterxml.jackson.databind.JsonNode;
import io.waddleperf.core.result.Json;
import io.waddleperf.manager.store.Database;
import io.waddleperf.manager.store.TestDatabases;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;

/**
 * A real manager on a loopback port over a fresh database of either kind, and a small HTTP client for it. The first
 * admin is made the way an operator makes it ({@link Admins#create}).
 */
public final class Harness implements AutoCloseable {

    public static final String ADMIN = "admin";
    public static final String ADMIN_PASSWORD = "correct horse battery staple";

    private final TestDatabases.Fresh fresh;
    private final ManagerServer server;
    private final Path dataDir;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Harness(TestDatabases.Fresh fresh, ManagerServer server, Path dataDir) {
        this.fresh = fresh;
        this.server = server;
        this.dataDir = dataDir;
    }

    public static Harness start(TestDatabases.Kind kind) {
        return start(kind, Map.of(), InstantSource.system());
    }

    /** A manager with extra settings (key path → value) over the test defaults. */
    public static Harness start(TestDatabases.Kind kind, Map<String, String> settings, InstantSource clock) {
        TestDatabases.Fresh f = TestDatabases.fresh(kind);
        Path dataDir;
        try {
            // the secret key and a self-signed certificate are kept here
            dataDir = Files.createTempDirectory("wp-manager-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> all = new HashMap<>(Map.of("bind", "127.0.0.1", "port", "0", "db.url", f.url(),
                "data_dir", dataDir.toString()));
        if (f.user() != null) {
            all.put("db.user", f.user());
        }
        all.putAll(settings);
        ManagerConfig config = ManagerConfig.of(all);
        Database db = ManagerServer.openDatabase(config);
        Admins.create(db, ADMIN, ADMIN_PASSWORD);
        return new Harness(f, ManagerServer.start(config, db, clock), dataDir);
    }

    /**
     * A manager over a database someone else owns (a Galera cluster's): {@code url}, {@code user} and {@code password}
     * as {@code db.*} settings, plus {@code settings}. With {@code createAdmin} the test's admin is made first. The
     * database is left in place on close.
     */
    public static Harness startOn(String url, String user, String password, Map<String, String> settings,
                                  boolean createAdmin) {
        Path dataDir;
        try {
            dataDir = Files.createTempDirectory("wp-manager-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> all = new HashMap<>(Map.of("bind", "127.0.0.1", "port", "0", "db.url", url,
                "data_dir", dataDir.toString(), "db.user", user, "db.password", password));
        all.putAll(settings);
        ManagerConfig config = ManagerConfig.of(all);
        Database db = ManagerServer.openDatabase(config);
        if (createAdmin) {
            Admins.create(db, ADMIN, ADMIN_PASSWORD);
        }
        return new Harness(null, ManagerServer.start(config, db, InstantSource.system()), dataDir);
    }

    public ManagerServer server() {
        return server;
    }

    public Database db() {
        return server.database();
    }

    /** Holds the manager's background folding of rollup deltas until the handle is closed. */
    public AutoCloseable pauseRollupFolding() {
        return server.pauseRollupFolding();
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    /** One answer: status, body text and headers. */
    public record Answer(int status, String body, java.net.http.HttpHeaders headers) {
        public JsonNode json() {
            try {
                return Json.mapper().readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + body, e);
            }
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    /** Sends a request with {@code Authorization} (null for none) and a JSON body (null for none). */
    public Answer call(String method, String path, String authorization, Object body) {
        return send(method, path, authorization == null ? Map.of() : Map.of("Authorization", authorization), body);
    }

    /**
     * Sends a request with these headers and a JSON body (null for none); {@code Content-Type: application/json} is
     * added for a body unless the headers name another.
     */
    public Answer send(String method, String path, Map<String, String> headers, Object body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30));
        headers.forEach(b::header);
        String text = body == null ? null : body instanceof String s ? s : Json.write(body);
        if (text != null && headers.keySet().stream().noneMatch(h -> h.equalsIgnoreCase("Content-Type"))) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, text == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(text));
        try {
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body(), r.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Logs in and returns {@code "Bearer <token>"}. */
    public String login(String username, String password) {
        Answer a = call("POST", "/api/v1/auth/login", null, Map.of("username", username, "password", password));
        if (a.status() != 200) {
            throw new AssertionError("login of " + username + " failed: " + a);
        }
        return "Bearer " + a.json().get("token").asText();
    }

    public String adminLogin() {
        return login(ADMIN, ADMIN_PASSWORD);
    }

    /** The manager's data folder (secret key, self-signed certificate), deleted on close. */
    public Path dataDir() {
        return dataDir;
    }

    @Override
    public void close() {
        server.close();
        if (fresh != null) {
            fresh.close();
        }
        try (var files = Files.walk(dataDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary folder left behind is harmless
        }
    }
}
