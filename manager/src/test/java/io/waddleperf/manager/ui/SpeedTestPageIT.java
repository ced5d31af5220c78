package io.waddleperf.manager.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.waddleperf.manager.Harness;
import io.waddleperf.manager.Harness.Answer;
import io.waddleperf.manager.store.TestDatabases;
import io.waddleperf.testkit.HeadlessChromium;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The manager's speed test page end to end in Debian's Chromium: a user of role {@code user} logs in through the
 * login screen, runs the quick speed test against the manager (its ping, download and upload endpoints, the upload
 * with the session's CSRF token), watches the live figures, and the result the page posts is stored under that user
 * with download and upload figures the bytes moved can account for. As in {@link ManagerUiIT}, the test fails on a
 * console error (a CSP violation is one) or a request leaving the manager's origin.
 */
class SpeedTestPageIT {

    private static final String USER = "speed-runner";
    private static final String PASSWORD = "runner-Pass-42";

    private static HeadlessChromium chromium;
    private static Harness manager;
    private static String admin;
    private static String userId;

    private GuardedPages.Session session;
    private Page page;

    @BeforeAll
    static void start() throws IOException {
        chromium = HeadlessChromium.launch();
        manager = Harness.start(TestDatabases.Kind.H2);
        admin = manager.adminLogin();
        String ou = manager.call("POST", "/api/v1/organizations", admin, Map.of("name", "speed")).json().get("id").asText();
        Answer created = manager.call("POST", "/api/v1/users", admin, Map.of("username", USER, "password", PASSWORD,
                "role", "user", "ou_id", ou));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        userId = created.json().get("id").asText();
        Files.createDirectories(ManagerUiIT.SCREENSHOTS);
    }

    @AfterAll
    static void stop() {
        if (manager != null) {
            manager.close();
        }
        if (chromium != null) {
            chromium.close();
        }
    }

    @BeforeEach
    void open() {
        session = new GuardedPages.Session(chromium.browser(), manager.server().port(), false);
        page = session.page();
    }

    @AfterEach
    void close() {
        session.close();
    }

    @Test
    void a_logged_in_user_runs_the_speed_test_and_the_result_is_stored_under_that_user() {
        page.navigate(manager.uri("/").toString());
        page.getByLabel("User name").fill(USER);
        page.getByLabel("Password").fill(PASSWORD);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log in")).click();
        page.getByTestId("current-user").waitFor();

        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Speed test")).click();
        page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Speed test")).waitFor();
        assertThat(page.getByLabel("Test server").inputValue()).isEqualTo("manager");
        page.getByLabel("Length").selectOption("quick");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Start")).click();

        // live progress: each transfer phase shows its running rate while it runs
        Locator phase = page.getByTestId("speed-phase");
        for (String name : List.of("Download", "Upload")) {
            page.waitForCondition(() -> phase.count() > 0 && phase.textContent().equals(name),
                    new Page.WaitForConditionOptions().setTimeout(60_000));
            page.getByTestId("speed-live").waitFor(new Locator.WaitForOptions().setTimeout(30_000));
            assertThat(page.getByTestId("speed-live").textContent()).endsWith("Mbit/s");
        }
        Locator stored = page.getByTestId("speed-stored").locator("a");
        stored.waitFor(new Locator.WaitForOptions().setTimeout(60_000));
        String id = stored.getAttribute("data-result-id");
        page.screenshot(new Page.ScreenshotOptions().setPath(ManagerUiIT.SCREENSHOTS.resolve("speedtest.png"))
                .setFullPage(true));
        assertThat(page.getByTestId("speed-download").textContent()).endsWith("Mbit/s");
        assertThat(page.getByTestId("speed-upload").textContent()).endsWith("Mbit/s");

        // the stored result, as the API gives it to the admin: this user's, with figures its bytes account for
        Answer a = manager.call("GET", "/api/v1/results/" + id, admin, null);
        assertThat(a.status()).as(a.toString()).isEqualTo(200);
        JsonNode r = a.json();
        assertThat(r.get("test_type").asText()).isEqualTo("speedtest");
        assertThat(r.get("source").asText()).isEqualTo("browser");
        assertThat(r.get("success").asBoolean()).isTrue();
        assertThat(r.get("raw_results").get("username").asText()).isEqualTo(USER);
        assertThat(r.get("raw_results").get("user_id").asText()).isEqualTo(userId);
        assertThat(r.get("target").asText()).isEqualTo(manager.uri("/api/v1/speedtest").toString());
        assertThat(r.get("raw_results").get("latency_samples_ms")).hasSize(5);
        assertThat(r.get("latency_ms").asDouble()).isPositive();
        assertThat(r.has("jitter_ms")).isTrue();
        double down = r.get("download_mbps").asDouble();
        double up = r.get("upload_mbps").asDouble();
        long received = r.get("received_bytes").asLong();
        long sent = r.get("sent_bytes").asLong();
        assertThat(down).isPositive();
        assertThat(up).isPositive();
        // a rate is measured over at least 1 s after the warm-up, so it cannot exceed the bytes moved in one second
        assertThat(down).isLessThanOrEqualTo(received * 8 / 1e6);
        assertThat(up).isLessThanOrEqualTo(sent * 8 / 1e6);

        // the detail page says whose it is; the list has it with the user's name
        stored.click();
        assertThat(page.getByTestId("result-user").textContent()).isEqualTo(USER);
        page.navigate(manager.uri("/#/results?test_type=speedtest").toString());
        Locator row = page.getByTestId("results").locator("tbody tr").filter(new Locator.FilterOptions().setHasText(USER));
        row.first().waitFor();
        assertThat(row.count()).isEqualTo(1);
        assertThat(row.first().textContent()).contains("↓", "↑", "Mbit/s");
    }
}
