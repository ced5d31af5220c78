package io.waddleperf.manager.ui;

import io.waddleperf.testkit.HeadlessChromium;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.waddleperf.core.result.Json;
import io.waddleperf.core.result.UuidV7;
import io.waddleperf.manager.Harness;
import io.waddleperf.manager.Harness.Answer;
import io.waddleperf.manager.store.TestDatabases;
import io.waddleperf.testkit.DbIpCityDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The alerts and map screens in Debian's Chromium against a real manager on the embedded database with the real
 * DB-IP lite City database configured. Rules are made through the page and results sent through the API; the page
 * must then show what the API answers. Like {@link ManagerUiIT}, every test fails on a console error (a CSP
 * violation is one) or a request leaving the manager's origin.
 */
class ManagerUi2IT {

    private static final String PASSWORD = "a long enough password";

    private static HeadlessChromium chromium;
    private static Harness manager;
    private static String admin;

    private GuardedPages.Session session;
    private Page page;

    @BeforeAll
    static void start() throws IOException {
        chromium = HeadlessChromium.launch();
        // results come "through a proxy" on loopback that names the client, so the test can give public client addresses
        manager = Harness.start(TestDatabases.Kind.H2, Map.of("geoip.databases", DbIpCityDatabase.ipv4().toString(),
                "trusted_proxies", "127.0.0.1/32"), InstantSource.system());
        admin = manager.adminLogin();
        created(manager.call("POST", "/api/v1/users", admin, Map.of("username", "reporter", "password", PASSWORD,
                "role", "global_reporter")));
        created(manager.call("POST", "/api/v1/users", admin, Map.of("username", "plain", "password", PASSWORD,
                "role", "user")));
        Files.createDirectories(ManagerUiIT.SCREENSHOTS);
    }

    private static JsonNode created(Answer a) {
        assertThat(a.status()).as(a.toString()).isIn(200, 201);
        return a.json();
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
        // the delete button asks first
        page.onDialog(d -> d.accept());
    }

    @AfterEach
    void close() {
        session.close();
    }

    private String url(String path) {
        return manager.uri(path).toString();
    }

    private void shot(String name) {
        page.screenshot(new Page.ScreenshotOptions().setPath(ManagerUiIT.SCREENSHOTS.resolve(name + ".png"))
                .setFullPage(true));
    }

    private void login(String user, String password) {
        page.navigate(url("/"));
        page.getByLabel("User name").fill(user);
        page.getByLabel("Password").fill(password);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log in")).click();
        page.getByTestId("current-user").waitFor();
    }

    private Locator button(String name) {
        return page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(name).setExact(true));
    }

    private JsonNode api(String path) {
        Answer a = manager.call("GET", path, admin, null);
        assertThat(a.status()).as(a.toString()).isEqualTo(200);
        return a.json();
    }

    private static ObjectNode result(String target, String targetIp, double latency) {
        return result("tcp", target, targetIp, latency);
    }

    private static ObjectNode result(String type, String target, String targetIp, double latency) {
        ObjectNode r = Json.mapper().createObjectNode();
        r.put("id", UuidV7.next().toString());
        r.put("test_type", type);
        r.put("target", target);
        if (targetIp != null) {
            r.put("target_ip", targetIp);
        }
        r.put("started_at", Instant.now().toString());
        r.put("duration_ms", 20.0);
        r.put("success", true);
        r.put("source", "agent");
        r.put("latency_ms", latency);
        return r;
    }

    private static void ingest(String clientIp, List<ObjectNode> batch) {
        Answer a = manager.send("POST", "/api/v1/results", Map.of("Authorization", admin, "X-Forwarded-For", clientIp),
                batch);
        assertThat(a.status()).as(a.toString()).isEqualTo(201);
    }

    @Test
    void a_rule_made_in_the_page_fires_on_results_and_is_changed_and_deleted() {
        String target = "tcp://alert-edge.example:443";
        login(Harness.ADMIN, Harness.ADMIN_PASSWORD);
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Alerts")).click();
        page.getByTestId("no-firing").waitFor();

        button("New rule").click();
        page.getByLabel("Name").fill("edge latency");
        page.getByLabel("Target").fill(target);
        page.getByLabel("Test type").selectOption("tcp");
        page.getByLabel("Metric").selectOption("latency_ms");
        page.getByLabel("Fires while the mean is").selectOption("gt");
        page.getByLabel("Threshold").fill("100");
        page.getByLabel("Window (seconds)").fill("600");
        page.getByLabel("Minimum results").fill("3");
        button("Create rule").click();
        assertThat(page.getByRole(AriaRole.STATUS).textContent()).contains("edge latency created").contains("resolved");
        JsonNode rules = api("/api/v1/alerts/rules");
        assertThat(rules).hasSize(1);
        JsonNode rule = rules.get(0);
        assertThat(rule.get("target").asText()).isEqualTo(target);
        assertThat(rule.get("threshold").asDouble()).isEqualTo(100.0);
        assertThat(rule.get("window_seconds").asInt()).isEqualTo(600);
        assertThat(rule.path("ou_id").isMissingNode() || rule.get("ou_id").isNull()).as("a global admin's rule over every OU").isTrue();

        // three slow results cross it: firing after a refresh
        ingest("1.1.1.1", List.of(result(target, null, 140), result(target, null, 150), result(target, null, 160)));
        JsonNode state = api("/api/v1/alerts/state").get(0);
        assertThat(state.get("state").asText()).isEqualTo("firing");
        button("Refresh").click();
        Locator firing = page.locator("[data-testid=firing] tr[data-rule='edge latency']");
        firing.waitFor();
        assertThat(firing.textContent()).contains(target).contains("150.00").contains("3");
        Locator history = page.locator("[data-testid=alert-history] tbody tr");
        history.first().waitFor();
        assertThat(history.count()).isEqualTo(1);
        assertThat(history.first().textContent()).contains("firing").contains("edge latency");
        page.locator("[data-testid=rules] tr[data-rule='edge latency'] .badge.fail").waitFor();
        shot("alerts-firing");

        // a higher threshold: the rule is judged again on save and resolves
        button("Edit edge latency").click();
        Locator threshold = page.getByLabel("Threshold");
        assertThat(threshold.inputValue()).isEqualTo("100");
        threshold.fill("200");
        button("Save rule").click();
        assertThat(page.getByRole(AriaRole.STATUS).textContent()).contains("edge latency saved").contains("resolved");
        page.getByTestId("no-firing").waitFor();
        page.locator("[data-testid=alert-history] tbody tr").nth(1).waitFor();
        assertThat(page.locator("[data-testid=alert-history] tbody tr").first().textContent()).contains("resolved");
        assertThat(api("/api/v1/alerts/rules").get(0).get("threshold").asDouble()).isEqualTo(200.0);

        // a bad field is the API's error, naming it
        button("Edit edge latency").click();
        page.getByLabel("Window (seconds)").fill("30");
        // the browser's own range check would stop the form first; the manager's is the one that counts
        page.locator("[data-testid=rule-form]").evaluate("f => f.noValidate = true");
        button("Save rule").click();
        Locator alert = page.locator("[data-testid=rule-form] [role=alert]");
        alert.waitFor();
        assertThat(alert.textContent()).contains("window_seconds");
        button("Cancel").click();

        button("Delete edge latency").click();
        assertThat(page.getByRole(AriaRole.STATUS).textContent()).contains("edge latency deleted");
        page.getByText("No alert rules.").waitFor();
        assertThat(api("/api/v1/alerts/rules")).isEmpty();
        // the history stays
        assertThat(page.locator("[data-testid=alert-history] tbody tr").count()).isEqualTo(2);
    }

    @Test
    void a_reporter_reads_alerts_without_changing_them_and_a_user_is_refused() {
        created(manager.call("POST", "/api/v1/alerts/rules", admin, Map.of("name", "reporter sees this",
                "target", "tcp://reported.example:443", "metric", "latency_ms", "comparison", "gt", "threshold", 50)));
        try {
            login("reporter", PASSWORD);
            page.navigate(url("/#/alerts"));
            page.locator("[data-testid=rules] tr[data-rule='reporter sees this']").waitFor();
            assertThat(button("New rule").count()).isZero();
            assertThat(page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Delete reporter sees this"))
                    .count()).isZero();
        } finally {
            for (JsonNode r : api("/api/v1/alerts/rules")) {
                manager.call("DELETE", "/api/v1/alerts/rules/" + r.get("id").asText(), admin, null);
            }
        }
        session.context().clearCookies();
        login("plain", PASSWORD);
        assertThat(page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Alerts")).count()).isZero();
        page.navigate(url("/#/alerts"));
        assertThat(page.getByRole(AriaRole.ALERT).textContent()).contains("may not use this screen");
        assertThat(manager.call("GET", "/api/v1/alerts/state", manager.login("plain", PASSWORD), null).status())
                .isEqualTo(403);
    }

    @Test
    void the_map_shows_the_places_geoip_gives_clients_and_targets() {
        // udp results, so the alert test's tcp results in the same manager do not count here
        ingest("1.1.1.1", List.of(result("udp", "udp://8.8.8.8:53", "8.8.8.8", 20),
                result("udp", "udp://8.8.8.8:53", "8.8.8.8", 30)));
        ingest("9.9.9.9", List.of(result("udp", "udp://8.8.8.8:53", "8.8.8.8", 40)));
        // a private target from a loopback client: stored, placed nowhere
        Answer lan = manager.call("POST", "/api/v1/results", admin, result("udp", "udp://192.168.1.20:53", "192.168.1.20", 5));
        assertThat(lan.status()).as(lan.toString()).isEqualTo(201);

        // what the map must show, from the API's own answer: places by coordinates, as GeoIP gave them
        JsonNode listed = api("/api/v1/results?test_type=udp&limit=100");
        assertThat(listed).hasSize(4);
        Map<String, Integer> clients = new java.util.TreeMap<>();
        String targetPlace = null;
        for (JsonNode r : listed) {
            JsonNode geo = r.get("geo");
            if (geo == null) {
                continue;
            }
            clients.merge(place(geo.get("client")), 1, Integer::sum);
            targetPlace = place(geo.get("target"));
            assertThat(geo.get("target").get("ip").asText()).isEqualTo("8.8.8.8");
        }
        assertThat(clients.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(3);

        login(Harness.ADMIN, Harness.ADMIN_PASSWORD);
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Map")).click();
        page.getByLabel("Test type").fill("udp");
        button("Show").click();
        page.waitForURL("**/#/map?range=24h&type=udp");
        // the summary of the map before the filter (all types: the alert test's tcp results too) stays on the page
        // until the udp list has loaded, so wait for the udp one (CI read the old "6 of 7" right after the URL changed)
        Locator summary = page.getByTestId("map-summary").filter(new Locator.FilterOptions().setHasText("of 4 results"));
        summary.waitFor();
        assertThat(summary.textContent()).contains("3 of 4 results").contains(clients.size() + " client place")
                .contains("1 target place");
        Locator map = page.getByTestId("world-map");
        assertThat(map.locator(".countries path").count()).as("country outlines").isGreaterThan(150);
        Locator target = map.locator("[data-testid=targets] circle");
        assertThat(target.count()).isEqualTo(1);
        assertThat(target.getAttribute("data-place")).isEqualTo(targetPlace);
        assertThat(target.locator("title").textContent()).startsWith("Target " + targetPlace + ": 3 results, 0 failed")
                .contains("mean latency 30.0 ms").contains("udp://8.8.8.8:53");
        for (Map.Entry<String, Integer> c : clients.entrySet()) {
            Locator point = map.locator("[data-testid=clients] circle[data-place='" + c.getKey() + "']");
            assertThat(point.count()).as(c.getKey()).isEqualTo(1);
            assertThat(point.locator("title").textContent())
                    .startsWith("Client " + c.getKey() + ": " + c.getValue() + " result");
        }
        // the point sits where its coordinates say: x = (longitude + 180) * scale on the 720-wide view box
        double lon = listed.findValues("target").stream().filter(JsonNode::isObject).findFirst().orElseThrow()
                .get("longitude").asDouble();
        assertThat(Double.parseDouble(target.getAttribute("cx"))).isCloseTo((lon + 180) * 2, org.assertj.core.data.Offset.offset(0.01));
        assertThat(map.locator(".links line").count()).isEqualTo(clients.size());
        assertThat(page.locator("[data-testid=target-places] tbody tr").first().textContent()).contains(targetPlace)
                .contains("30.0 ms");
        // hovering shows the title as the browser's tooltip; the same words are the point's accessible name
        assertThat(page.getByRole(AriaRole.IMG, new Page.GetByRoleOptions().setName("Target " + targetPlace)).count()).isEqualTo(1);
        shot("map");
        page.getByLabel("Theme").selectOption("dark");
        shot("map-dark");
        page.getByLabel("Theme").selectOption("auto");
    }

    @Test
    void every_field_of_the_new_screens_has_a_label_and_map_points_take_the_keyboard_focus() {
        ingest("1.1.1.1", List.of(result("dns", "dns://8.8.8.8:53", "8.8.8.8", 12)));
        login(Harness.ADMIN, Harness.ADMIN_PASSWORD);
        page.navigate(url("/#/alerts"));
        button("New rule").click();
        page.getByTestId("rule-form").waitFor();
        assertThat(unlabelled()).as("fields without a label on the alerts screen").isEmpty();
        page.navigate(url("/#/map?type=dns"));
        Locator point = page.locator("[data-testid=world-map] [data-testid=targets] circle");
        point.waitFor();
        assertThat(unlabelled()).as("fields without a label on the map").isEmpty();
        // the points are in the tab order, after the filters, and show that they have the focus
        button("Show").focus();
        for (int i = 0; i < 3 && !"circle".equals(page.evaluate("document.activeElement.tagName")); i++) {
            page.keyboard().press("Tab");
        }
        assertThat(page.evaluate("document.activeElement.getAttribute('aria-label')")).asString().startsWith("Target ");
        assertThat(page.evaluate("getComputedStyle(document.activeElement).strokeWidth")).isEqualTo("3px");
    }

    /** Ids (or tag names) of visible form fields that no label names (as in {@link ManagerUiIT}). */
    @SuppressWarnings("unchecked")
    private List<String> unlabelled() {
        return (List<String>) page.evaluate("() => [...document.querySelectorAll('input, select, textarea')]"
                + ".filter(e => e.type !== 'hidden' && e.labels.length === 0 && !e.getAttribute('aria-label')"
                + " && !e.getAttribute('aria-labelledby')).map(e => e.id || e.outerHTML.slice(0, 80))");
    }

    /** A place as the map names it: "city, country code". */
    private static String place(JsonNode g) {
        List<String> parts = new ArrayList<>();
        if (g.hasNonNull("city")) {
            parts.add(g.get("city").asText());
        }
        if (g.hasNonNull("country_code")) {
            parts.add(g.get("country_code").asText());
        }
        return String.join(", ", parts);
    }
}
