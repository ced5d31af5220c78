package io.waddleperf.testserver.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.waddleperf.core.result.Json;
import io.waddleperf.manager.Admins;
import io.waddleperf.manager.ManagerConfig;
import io.waddleperf.manager.ManagerServer;
import io.waddleperf.manager.store.Database;
import io.waddleperf.testkit.HeadlessChromium;
import io.waddleperf.testserver.LoopbackConfig;
import io.waddleperf.testserver.TestServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The manager's speed test page against a configured test server ({@code speedtest.test_servers}): in Chromium a
 * logged-in user picks the real test server, the page measures against the test server's own LibreSpeed endpoints
 * (cross-origin: the test server's CORS headers and the manager's connect-src allow it, and the manager's CSRF token
 * never goes there), and the result is stored on the manager under that user with the test server as its target.
 * Lives here because the manager's tests cannot start a test server (the dependency points the other way).
 */
class ManagerSpeedTestIT {

    private static final String PASSWORD = "walker-Pass-77";

    @TempDir
    Path dataDir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private TestServer testServer;
    private ManagerServer manager;
    private HeadlessChromium chromium;
    private String managerOrigin;
    private String testServerOrigin;

    @BeforeEach
    void start() throws Exception {
        testServer = TestServer.start(LoopbackConfig.of(dataDir));
        testServerOrigin = "http://127.0.0.1:" + testServer.httpPort();
        String dbUrl = "jdbc:h2:mem:ts_speed_" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1;"
                + Database.H2_OPTIONS;
        ManagerConfig config = ManagerConfig.of(Map.of("bind", "127.0.0.1", "port", "0", "db.url", dbUrl,
                "data_dir", dataDir.resolve("manager").toString(), "speedtest.test_servers", testServerOrigin));
        try (Database db = ManagerServer.openDatabase(config)) {
            Admins.create(db, "admin", "admin-Pass-1234");
        }
        manager = ManagerServer.start(config);
        managerOrigin = "http://127.0.0.1:" + manager.port();
        String admin = "Bearer " + call("POST", "/api/v1/auth/login", null,
                Map.of("username", "admin", "password", "admin-Pass-1234")).get("token").asText();
        String ou = call("POST", "/api/v1/organizations", admin, Map.of("name", "walkers")).get("id").asText();
        call("POST", "/api/v1/users", admin, Map.of("username", "walker", "password", PASSWORD, "role", "user", "ou_id", ou));
        chromium = HeadlessChromium.launch();
    }

    @AfterEach
    void stop() {
        if (chromium != null) {
            chromium.close();
        }
        if (manager != null) {
            manager.close();
        }
        if (testServer != null) {
            testServer.close();
        }
    }

    private JsonNode call(String method, String path, String authorization, Object body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(managerOrigin + path)).timeout(Duration.ofSeconds(30));
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

    @Test
    void a_user_measures_against_a_configured_test_server_and_the_manager_stores_it_under_the_user() throws Exception {
        List<String> consoleErrors = new CopyOnWriteArrayList<>();
        List<String> foreign = new CopyOnWriteArrayList<>();
        List<String> toTestServer = new CopyOnWriteArrayList<>();
        List<String> csrfToTestServer = new CopyOnWriteArrayList<>();
        BrowserContext context = chromium.browser().newContext(new com.microsoft.playwright.Browser.NewContextOptions()
                .setViewportSize(1280, 900));
        Page page = context.newPage();
        page.onConsoleMessage(m -> {
            if (m.type().equals("error") && !m.text().startsWith("Failed to load resource")) {
                consoleErrors.add(m.text());
            }
        });
        page.onPageError(e -> consoleErrors.add("uncaught: " + e));
        // observed, not routed: intercepting every chunk would slow the transfers being measured
        page.onRequest(r -> {
            if (r.url().startsWith(testServerOrigin + "/")) {
                toTestServer.add(r.method() + " " + URI.create(r.url()).getPath());
                if (r.headers().containsKey("x-csrf-token")) {
                    csrfToTestServer.add(r.url());
                }
            } else if (!r.url().startsWith(managerOrigin + "/") && !r.url().startsWith("blob:")
                    && !r.url().startsWith("data:")) {
                foreign.add(r.url());
            }
        });
        try {
            page.navigate(managerOrigin + "/");
            page.getByLabel("User name").fill("walker");
            page.getByLabel("Password").fill(PASSWORD);
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log in")).click();
            page.getByTestId("current-user").waitFor();
            page.navigate(managerOrigin + "/#/speedtest");
            page.getByLabel("Test server").selectOption(testServerOrigin);
            page.getByLabel("Length").selectOption("quick");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Start")).click();
            Locator stored = page.getByTestId("speed-stored").locator("a");
            stored.waitFor(new Locator.WaitForOptions().setTimeout(90_000));
            Path shots = Path.of("target", "browser-tests");
            Files.createDirectories(shots);
            page.screenshot(new Page.ScreenshotOptions().setPath(shots.resolve("manager-speedtest.png")).setFullPage(true));
            String id = stored.getAttribute("data-result-id");

            String walker = "Bearer " + call("POST", "/api/v1/auth/login", null,
                    Map.of("username", "walker", "password", PASSWORD)).get("token").asText();
            JsonNode r = call("GET", "/api/v1/results/" + id, walker, null);
            assertThat(r.get("target").asText()).isEqualTo(testServerOrigin);
            assertThat(r.get("source").asText()).isEqualTo("browser");
            assertThat(r.get("raw_results").get("username").asText()).isEqualTo("walker");
            assertThat(r.get("download_mbps").asDouble()).isPositive();
            assertThat(r.get("upload_mbps").asDouble()).isPositive();
            assertThat(r.get("download_mbps").asDouble()).isLessThanOrEqualTo(r.get("received_bytes").asLong() * 8 / 1e6);
            assertThat(r.get("upload_mbps").asDouble()).isLessThanOrEqualTo(r.get("sent_bytes").asLong() * 8 / 1e6);
            // the bytes went to the test server, the session's CSRF token did not
            assertThat(toTestServer).contains("GET /empty", "GET /garbage", "POST /empty");
            assertThat(csrfToTestServer).isEmpty();
            assertThat(foreign).isEmpty();
            assertThat(consoleErrors).as("console errors (a CSP violation is one)").isEmpty();
        } finally {
            context.close();
        }
    }
}
