package io.waddleperf.testserver.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.waddleperf.core.config.ConfigException;
import io.waddleperf.core.result.Json;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.Source;
import io.waddleperf.core.result.TestType;
import io.waddleperf.core.result.UuidV7;
import io.waddleperf.manager.Admins;
import io.waddleperf.manager.ManagerConfig;
import io.waddleperf.manager.ManagerServer;
import io.waddleperf.manager.store.Database;
import io.waddleperf.testserver.LoopbackConfig;
import io.waddleperf.testserver.TestServer;
import io.waddleperf.testserver.TestServerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A test server that belongs to a real manager (embedded database, loopback): it enrols itself, accepts the keys the
 * manager accepts, and forwards the browser results it receives through its spool, which survives the manager being
 * down and the test server restarting.
 */
class ManagerForwardingIT {

    private static final String ADMIN_PASSWORD = "correct horse battery staple";
    private static final String PASSWORD = "a long enough password";
    private static final String LOCAL_KEY = "local-key-0123456789abcdef";

    @TempDir
    Path dataDir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private String dbUrl;
    private int managerPort;
    private ManagerServer manager;
    private String admin;
    private UUID ou;
    private String secret;
    private String reporter;
    private UUID userId;
    private String userKey;
    private final List<TestServer> servers = new ArrayList<>();

    @BeforeEach
    void startManager() throws IOException, InterruptedException {
        dbUrl = "jdbc:h2:mem:ts_mgr_" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1;"
                + Database.H2_OPTIONS;
        try (ServerSocket s = new ServerSocket(0)) {
            managerPort = s.getLocalPort();
        }
        try (Database db = ManagerServer.openDatabase(managerConfig())) {
            Admins.create(db, "admin", ADMIN_PASSWORD);
        }
        manager = ManagerServer.start(managerConfig());
        admin = login("admin", ADMIN_PASSWORD);
        ou = UUID.fromString(call("POST", "/api/v1/organizations", admin, Map.of("name", "edge")).get("id").asText());
        secret = call("POST", "/api/v1/enrollment/secrets/" + ou, admin, Map.of("name", "test servers")).get("secret").asText();
        call("POST", "/api/v1/users", admin, Map.of("username", "reporter", "password", PASSWORD, "role", "ou_reporter",
                "ou_id", ou.toString()));
        reporter = login("reporter", PASSWORD);
        userId = UUID.fromString(call("POST", "/api/v1/users", admin, Map.of("username", "alice", "password", PASSWORD,
                "role", "user", "ou_id", ou.toString())).get("id").asText());
        userKey = call("POST", "/api/v1/users/" + userId + "/api-key", admin, null).get("api_key").asText();
    }

    @AfterEach
    void stopAll() {
        servers.forEach(TestServer::close);
        if (manager != null) {
            manager.close();
        }
    }

    private ManagerConfig managerConfig() {
        return ManagerConfig.of(Map.of("bind", "127.0.0.1", "port", Integer.toString(managerPort), "db.url", dbUrl,
                "enrollment.heartbeat_interval", "5s"));
    }

    private TestServer testServer(String... more) throws IOException {
        List<String> kv = new ArrayList<>(List.of("api_keys", LOCAL_KEY, "allow_private_targets", "true",
                "manager.url", "http://127.0.0.1:" + managerPort, "manager.enrollment_secret", secret,
                "manager.device_serial", "ts-edge-1", "manager.retry_max", "1s"));
        kv.addAll(List.of(more));
        TestServer s = TestServer.start(LoopbackConfig.of(dataDir, kv.toArray(String[]::new)));
        servers.add(s);
        return s;
    }

    @Test
    void enrols_as_a_test_server_and_takes_the_keys_the_manager_takes() throws Exception {
        // the polling below would meet the test API's per-client rate limit
        TestServer ts = testServer("manager.key_cache_ttl", "1s", "manager.negative_cache_ttl", "0s",
                "limits.per_client_burst", "1000", "limits.per_client_requests_per_minute", "100000");
        await().atMost(Duration.ofSeconds(20)).until(() -> device("ts-edge-1") != null
                && "online".equals(device("ts-edge-1").get("status").asText()));
        JsonNode d = device("ts-edge-1");
        assertThat(d.get("client_type").asText()).isEqualTo("testserver");
        assertThat(d.get("ou_id").asText()).isEqualTo(ou.toString());
        Path credential = dataDir.resolve(TestServerConfig.MANAGER_CREDENTIAL_FILE);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(credential))).isEqualTo("rw-------");
        assertThat(Files.readString(credential)).contains("wpd_", d.get("id").asText());

        String target = "{\"target\":\"127.0.0.1\",\"port\":" + ts.httpPort() + "}";
        assertThat(test(ts, "ApiKey " + userKey, target)).isEqualTo(200);
        assertThat(test(ts, "Bearer " + userKey, target)).isEqualTo(200);
        String session = login("alice", PASSWORD); // a manager session token works too
        assertThat(test(ts, session, target)).isEqualTo(200);
        assertThat(test(ts, "ApiKey " + LOCAL_KEY, target)).isEqualTo(200);
        assertThat(test(ts, "ApiKey wpk_not-a-key-of-anyone", target)).isEqualTo(401);

        // a regenerated key stops working here once the cached answer is older than key_cache_ttl
        call("POST", "/api/v1/users/" + userId + "/api-key", admin, null);
        await().atMost(Duration.ofSeconds(10)).until(() -> test(ts, "ApiKey " + userKey, target) == 401);
        assertThat(test(ts, "ApiKey " + LOCAL_KEY, target)).isEqualTo(200);
    }

    @Test
    void browser_results_reach_the_manager_in_the_test_servers_ou() throws Exception {
        TestServer ts = testServer();
        String id = postBrowserResult(ts);
        await().atMost(Duration.ofSeconds(20)).until(() -> get("/api/v1/results/" + id, reporter).statusCode() == 200);
        JsonNode stored = Json.mapper().readTree(get("/api/v1/results/" + id, reporter).body());
        assertThat(stored.get("source").asText()).isEqualTo("browser");
        assertThat(stored.get("download_mbps").asDouble()).isEqualTo(93.5);
        assertThat(stored.get("raw_results").get("client_ip").asText()).isEqualTo("127.0.0.1");
        await().atMost(Duration.ofSeconds(5)).until(() -> spooled().isEmpty());
        assertThat(ts.listener(ResultForwarder.class).orElseThrow().delivered()).isEqualTo(1);
    }

    @Test
    void results_wait_while_the_manager_is_down_survive_a_restart_and_arrive_once() throws Exception {
        TestServer first = testServer();
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(dataDir.resolve(TestServerConfig.MANAGER_CREDENTIAL_FILE)));
        manager.close();
        manager = null;
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            ids.add(postBrowserResult(first));
        }
        assertThat(spooled()).containsExactlyInAnyOrderElementsOf(ids);
        first.close();
        servers.remove(first);

        TestServer second = testServer(); // the manager is still down: it starts, and keeps the spool
        assertThat(spooled()).hasSize(30);
        ids.add(postBrowserResult(second));
        manager = ManagerServer.start(managerConfig()); // same database, same port
        await().atMost(Duration.ofSeconds(30)).until(() -> spooled().isEmpty());
        Set<String> atManager = new HashSet<>();
        for (JsonNode r : Json.mapper().readTree(get("/api/v1/results?limit=1000", reporter).body())) {
            atManager.add(r.get("id").asText());
        }
        assertThat(atManager).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(second.listener(ResultForwarder.class).orElseThrow().delivered()).isEqualTo(31);
    }

    @Test
    void a_result_the_manager_refuses_is_set_aside_and_the_others_still_arrive() throws Exception {
        Path spool = dataDir.resolve(TestServer.SPOOL_DIR);
        Files.createDirectories(spool);
        ProbeResult good1 = browserResult();
        String bad = UuidV7.next().toString();
        ProbeResult good2 = browserResult();
        Files.writeString(spool.resolve(good1.id() + ".json"), Json.write(good1));
        // a JSON object, but no result: the manager refuses it naming the field; it must not block the others
        Files.writeString(spool.resolve(bad + ".json"), "{\"id\":\"" + bad + "\",\"test_type\":\"speedtest\"}");
        Files.writeString(spool.resolve(good2.id() + ".json"), Json.write(good2));
        TestServer ts = testServer();
        await().atMost(Duration.ofSeconds(30)).until(() -> spooled().isEmpty());
        assertThat(get("/api/v1/results/" + good1.id(), reporter).statusCode()).isEqualTo(200);
        assertThat(get("/api/v1/results/" + good2.id(), reporter).statusCode()).isEqualTo(200);
        assertThat(spool.resolve(ResultSpool.REJECTED).resolve(bad + ".json")).exists();
        assertThat(ts.listener(ResultForwarder.class).orElseThrow().rejected()).isEqualTo(1);
    }

    @Test
    void without_the_manager_its_keys_get_503_and_the_servers_own_keys_still_work() throws Exception {
        manager.close();
        manager = null;
        TestServer ts = testServer();
        String target = "{\"target\":\"127.0.0.1\",\"port\":" + ts.httpPort() + "}";
        HttpResponse<String> r = testCall(ts, "ApiKey " + userKey, target);
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).isPresent();
        assertThat(r.body()).contains("manager");
        assertThat(test(ts, "ApiKey " + LOCAL_KEY, target)).isEqualTo(200);
    }

    @Test
    void a_manager_url_without_an_enrolment_secret_or_an_earlier_enrolment_is_a_configuration_error() {
        assertThatThrownBy(() -> LoopbackConfig.of(dataDir, "manager.url", "http://127.0.0.1:1"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("manager.enrollment_secret");
        assertThatThrownBy(() -> LoopbackConfig.of(dataDir, "manager.url", "ftp://m", "manager.enrollment_secret", "x"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("manager.url");
    }

    // --- helpers

    private static ProbeResult browserResult() {
        return ProbeResult.builder().id(UuidV7.next()).testType(TestType.SPEEDTEST).target("browser")
                .startedAt(Instant.now().truncatedTo(ChronoUnit.MICROS)).durationMs(0.0).success(true)
                .source(Source.BROWSER).downloadMbps(50.0).build();
    }

    private String postBrowserResult(TestServer ts) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ts.httpPort()
                        + "/speedtest/result")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"download_mbps\": 93.5, \"upload_mbps\": 12.25}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return Json.mapper().readTree(r.body()).get("id").asText();
    }

    private List<String> spooled() throws IOException {
        Path spool = dataDir.resolve(TestServer.SPOOL_DIR);
        if (!Files.isDirectory(spool)) {
            return List.of();
        }
        try (var files = Files.list(spool)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .map(n -> n.substring(0, n.length() - 5)).toList();
        }
    }

    private int test(TestServer ts, String authorization, String body) {
        try {
            return testCall(ts, authorization, body).statusCode();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> testCall(TestServer ts, String authorization, String body)
            throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ts.httpPort() + "/api/v1/test/tcp"))
                .header("Authorization", authorization).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode device(String serial) throws IOException, InterruptedException {
        JsonNode list = Json.mapper().readTree(get("/api/v1/devices?search=" + serial, admin).body()).get("devices");
        return list.isEmpty() ? null : list.get(0);
    }

    private String login(String user, String password) throws IOException, InterruptedException {
        return "Bearer " + call("POST", "/api/v1/auth/login", null, Map.of("username", user, "password", password))
                .get("token").asText();
    }

    private HttpResponse<String> get(String path, String authorization) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managerPort + path))
                .header("Authorization", authorization).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode call(String method, String path, String authorization, Object body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managerPort + path));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        String text = body == null ? null : Json.write(body);
        if (text != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, text == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(text, StandardCharsets.UTF_8));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isBetween(200, 299);
        return Json.mapper().readTree(r.body());
    }
}
