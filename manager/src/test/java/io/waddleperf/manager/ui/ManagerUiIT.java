package io.waddleperf.manager.ui;

import io.waddleperf.testkit.HeadlessChromium;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.LoadState;
import io.waddleperf.core.result.Json;
import io.waddleperf.core.result.UuidV7;
import io.waddleperf.manager.Harness;
import io.waddleperf.manager.Harness.Answer;
import io.waddleperf.manager.auth.Base32;
import io.waddleperf.manager.auth.Totp;
import io.waddleperf.manager.store.TestDatabases;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The manager's web UI in Debian's Chromium against a real manager on the embedded database, with results, a device
 * and users made through the API. Each test checks what the page shows against what the API answers. Screenshots go
 * to {@code target/ui-screenshots/} for a person to look at. Every test also fails on a console error (a CSP
 * violation is one) or on a request that leaves the manager's origin.
 */
class ManagerUiIT {

    static final Path SCREENSHOTS = Path.of("target", "ui-screenshots");
    private static final String PASSWORD = "a long enough password";
    private static final String DEVICE = "SN-UI-0001";

    private static HeadlessChromium chromium;
    private static Harness manager;
    private static String admin;
    private static String mfaSecret;
    private static String mtrId;
    private static String iperfId;

    private GuardedPages.Session session;
    private Page page;
    /** The statistics requests the page made, as path and query. */
    private final List<String> statisticsCalls = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws IOException {
        chromium = HeadlessChromium.launch();
        manager = Harness.start(TestDatabases.Kind.H2);
        admin = manager.adminLogin();
        String ou = created(manager.call("POST", "/api/v1/organizations", admin, Map.of("name", "lab"))).get("id").asText();
        created(manager.call("POST", "/api/v1/users", admin, Map.of("username", "reporter", "password", PASSWORD,
                "role", "global_reporter")));
        created(manager.call("POST", "/api/v1/users", admin, Map.of("username", "mfa-admin", "password", PASSWORD,
                "role", "ou_admin", "ou_id", ou)));
        String mfaBearer = manager.login("mfa-admin", PASSWORD);
        mfaSecret = created(manager.call("POST", "/api/v1/auth/mfa/setup", mfaBearer, null)).get("secret").asText();
        Answer verified = manager.call("POST", "/api/v1/auth/mfa/verify", mfaBearer,
                Map.of("code", Totp.codeAt(Base32.decode(mfaSecret), Instant.now())));
        assertThat(verified.status()).as(verified.toString()).isEqualTo(200);

        String secret = created(manager.call("POST", "/api/v1/enrollment/secrets/" + ou, admin, Map.of("name", "ui")))
                .get("secret").asText();
        JsonNode enrolled = created(manager.call("POST", "/api/v1/enrollment/enroll", null, Map.of("secret", secret,
                "device_serial", DEVICE, "device_hostname", "ui-agent", "client_type", "agent")));
        Answer beat = manager.call("POST", "/api/v1/enrollment/devices/" + enrolled.get("device_id").asText() + "/heartbeat",
                "Bearer " + enrolled.get("device_credential").asText(), null);
        assertThat(beat.status()).as(beat.toString()).isEqualTo(200);

        // 30 tcp results over the last 20 hours, every fifth failed, some from the device; a mtr and an iperf3 result
        List<Object> batch = new ArrayList<>();
        Instant now = Instant.now();
        for (int i = 0; i < 30; i++) {
            boolean ok = i % 5 != 0;
            ObjectNode r = Json.mapper().createObjectNode();
            r.put("id", UuidV7.next().toString());
            r.put("test_type", "tcp");
            r.put("target", "tcp://192.0.2." + (i % 2 + 1) + ":443");
            r.put("started_at", now.minus(i * 40L, ChronoUnit.MINUTES).toString());
            r.put("duration_ms", 20.0);
            r.put("success", ok);
            r.put("source", "agent");
            r.putObject("device").put("serial", i % 3 == 0 ? DEVICE : "SN-OTHER").put("hostname", "h");
            if (ok) {
                r.put("latency_ms", 10.0 + i);
                r.put("packets_sent", 4).put("packets_received", 4).put("packet_loss_percent", 0.0);
            } else {
                r.put("error", "connection_refused: 192.0.2.1:443");
            }
            batch.add(r);
        }
        ObjectNode mtr = report("mtr-lossy-path.json", now.minus(2, ChronoUnit.HOURS));
        ObjectNode iperf = report("iperf3.json", now.minus(3, ChronoUnit.HOURS));
        mtrId = mtr.get("id").asText();
        iperfId = iperf.get("id").asText();
        batch.add(mtr);
        batch.add(iperf);
        Answer stored = manager.call("POST", "/api/v1/results", admin, batch);
        assertThat(stored.status()).as(stored.toString()).isEqualTo(201);
        Files.createDirectories(SCREENSHOTS);
    }

    private static ObjectNode report(String name, Instant startedAt) throws IOException {
        try (InputStream in = ManagerUiIT.class.getResourceAsStream(name)) {
            ObjectNode r = (ObjectNode) Json.mapper().readTree(in);
            r.put("id", UuidV7.next().toString());
            r.put("started_at", startedAt.toString());
            return r;
        }
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
        session = new GuardedPages.Session(chromium.browser(), manager.server().port(), true);
        page = session.page();
        page.onRequest(r -> {
            String path = URI.create(r.url()).getRawPath();
            if (path.startsWith("/api/v1/statistics/")) {
                statisticsCalls.add(path + "?" + URI.create(r.url()).getRawQuery());
            }
        });
    }

    @AfterEach
    void close(TestInfo info) {
        session.close();
    }

    private String url(String path) {
        return manager.uri(path).toString();
    }

    private void shot(String name) {
        page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve(name + ".png")).setFullPage(true));
    }

    private void login(String user, String password) {
        page.navigate(url("/"));
        page.getByLabel("User name").fill(user);
        page.getByLabel("Password").fill(password);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log in")).click();
        page.getByTestId("current-user").waitFor();
    }

    private JsonNode api(String path) {
        Answer a = manager.call("GET", path, admin, null);
        assertThat(a.status()).as(a.toString()).isEqualTo(200);
        return a.json();
    }

    private static String q(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Test
    void dashboard_numbers_are_the_apis_and_logout_ends_the_session() {
        Answer headers = manager.call("GET", "/", null, null);
        assertThat(headers.headers().firstValue("Content-Security-Policy")).hasValue(WebUi.CONTENT_SECURITY_POLICY);
        assertThat(WebUi.CONTENT_SECURITY_POLICY).contains("script-src 'self';").doesNotContain("unsafe");

        login(Harness.ADMIN, Harness.ADMIN_PASSWORD);
        Locator dash = page.getByTestId("dashboard");
        dash.waitFor();
        page.locator("[data-testid=latency-chart] canvas").waitFor();
        String from = dash.getAttribute("data-from");
        String to = dash.getAttribute("data-to");
        JsonNode summary = api("/api/v1/statistics/summary?from=" + q(from) + "&to=" + q(to));
        long count = 0;
        long ok = 0;
        for (JsonNode g : summary.get("groups")) {
            count += g.get("count").asLong();
            ok += g.get("success_count").asLong();
        }
        assertThat(count).isEqualTo(32);
        assertThat(page.getByTestId("results-count").textContent()).isEqualTo(String.valueOf(count));
        assertThat(page.getByTestId("failures-count").textContent()).isEqualTo(String.valueOf(count - ok));
        assertThat(page.getByTestId("success-rate").textContent())
                .isEqualTo(String.format(Locale.ROOT, "%.1f %%", 100.0 * ok / count));
        JsonNode devices = api("/api/v1/devices/stats");
        assertThat(page.getByTestId("devices-online").textContent()).isEqualTo(devices.get("online").asText());
        assertThat(devices.get("online").asInt()).isEqualTo(1);
        JsonNode failures = api("/api/v1/results?success=false&limit=10&from=" + q(from) + "&to=" + q(to));
        assertThat(page.locator("[data-testid=recent-failures] tbody tr").count()).isEqualTo(failures.size()).isEqualTo(6);
        // one summary per test type (the tiles' totals: a few groups at any fleet size) and one hourly time series per
        // refresh (it refreshes every 15 s, so a second pair may be under way)
        List<String> calls = List.copyOf(statisticsCalls);
        assertThat(calls.subList(0, 2)).as(calls.toString()).containsExactlyInAnyOrder(
                "/api/v1/statistics/summary?from=" + q(from) + "&to=" + q(to) + "&group_by=test_type",
                "/api/v1/statistics/timeseries?from=" + q(from) + "&to=" + q(to) + "&interval=1h&group_by=test_type");
        assertThat(calls).as(calls.toString()).allMatch(c -> c.startsWith("/api/v1/statistics/summary?")
                || c.startsWith("/api/v1/statistics/timeseries?")).hasSizeLessThanOrEqualTo(4);
        JsonNode series = api("/api/v1/statistics/timeseries?from=" + q(from) + "&to=" + q(to)
                + "&interval=1h&group_by=test_type");
        assertThat(series.get("series")).extracting(s -> s.get("test_type").asText()).contains("tcp");
        assertThat(page.getByTestId("latency-chart").textContent()).contains("p50 tcp").contains("p95 tcp");
        shot("dashboard-light");
        page.getByLabel("Theme").selectOption("dark");
        page.locator("[data-testid=latency-chart] canvas").waitFor();
        shot("dashboard-dark");
        page.getByLabel("Theme").selectOption("auto");

        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log out")).click();
        page.getByLabel("User name").waitFor();
        page.reload();
        page.getByLabel("User name").waitFor();
        assertThat(page.getByTestId("current-user").count()).isZero();
    }

    @Test
    void a_user_with_mfa_is_asked_for_the_code() {
        page.navigate(url("/"));
        page.getByLabel("User name").fill("mfa-admin");
        page.getByLabel("Password").fill(PASSWORD);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log in")).click();
        Locator code = page.getByLabel("Authentication code");
        code.waitFor();
        assertThat(page.locator("[role=alert]").count()).as("a missing code is no error").isZero();
        shot("login-mfa");
        // the code of the next step: the one of this step was used to verify the setup, and each code works once
        long step = Totp.step(Instant.now(), Totp.PERIOD) + 1;
        code.fill(Totp.code(Base32.decode(mfaSecret), step, Totp.Algorithm.SHA1, Totp.DIGITS));
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Verify and log in")).click();
        assertThat(page.getByTestId("current-user").textContent()).contains("mfa-admin").contains("ou_admin");
    }

    @Test
    void statistics_filter_by_type_and_device() {
        login("reporter", PASSWORD);
        page.navigate(url("/#/statistics?range=24h"));
        Locator stats = page.getByTestId("statistics");
        page.getByTestId("stats-table").waitFor();
        statisticsCalls.clear();
        page.getByLabel("Test type").selectOption("tcp");
        page.waitForCondition(() -> page.locator("[data-testid=stats-table] tbody tr").count() == 2
                && page.locator("[data-testid=stats-table] tbody tr[data-key^='tcp ']").count() == 2);
        String from = stats.getAttribute("data-from");
        String to = stats.getAttribute("data-to");
        JsonNode summary = api("/api/v1/statistics/summary?from=" + q(from) + "&to=" + q(to));
        for (JsonNode g : summary.get("groups")) {
            if (!g.get("test_type").asText().equals("tcp")) {
                continue;
            }
            Locator row = page.locator("[data-testid=stats-table] tbody tr[data-key='tcp " + g.get("target").asText() + "']");
            assertThat(row.locator("[data-field=count]").textContent()).isEqualTo(g.get("count").asText());
            assertThat(row.locator("[data-field=p50]").textContent())
                    .isEqualTo(String.format(Locale.ROOT, "%.1f ms", g.get("p50_latency_ms").asDouble()));
        }
        assertThat(page.getByTestId("stats-count").textContent()).isEqualTo("30");
        page.locator("[data-testid=stats-latency-chart] canvas").waitFor();
        // one type chosen: its percentiles over all its targets, hourly over 24 hours
        assertThat(page.getByTestId("stats-latency-chart").textContent()).contains("p50").contains("p95").contains("p99");
        // without a device: the busiest target × type groups (all of them here), ranked by the manager
        assertThat(statisticsCalls).containsExactlyInAnyOrder(
                "/api/v1/statistics/summary?from=" + q(from) + "&to=" + q(to) + "&limit=1000",
                "/api/v1/statistics/timeseries?from=" + q(from) + "&to=" + q(to) + "&interval=1h&group_by=test_type&test_type=tcp");
        JsonNode tcp = api("/api/v1/statistics/timeseries?from=" + q(from) + "&to=" + q(to)
                + "&interval=1h&group_by=test_type&test_type=tcp");
        long charted = 0;
        for (JsonNode p : tcp.get("series").get(0).get("points")) {
            charted += p.get("count").asLong();
        }
        assertThat(tcp.get("series").size()).isOne();
        assertThat(charted).isEqualTo(30);
        assertThat(page.getByTestId("export-json").getAttribute("href")).startsWith("/api/v1/statistics/summary?from=");
        shot("statistics-tcp");

        statisticsCalls.clear();
        page.getByLabel("Device").selectOption(DEVICE);
        page.getByTestId("stats-device-results").waitFor();
        String device = "/api/v1/statistics/device/" + DEVICE + "?from=" + q(from) + "&to=" + q(to) + "&test_type=tcp&limit=100";
        assertThat(statisticsCalls).containsExactlyInAnyOrder(device, "/api/v1/statistics/timeseries?from=" + q(from)
                + "&to=" + q(to) + "&interval=1h&group_by=test_type&device=" + DEVICE + "&test_type=tcp");
        JsonNode mine = api(device);
        assertThat(mine.get("recent").size()).isEqualTo(10);
        assertThat(page.locator("[data-testid=stats-device-results] tbody tr").count()).isEqualTo(mine.get("recent").size());
        long count = 0;
        for (JsonNode g : mine.get("groups")) {
            count += g.get("count").asLong();
        }
        assertThat(count).isEqualTo(10);
        assertThat(page.getByTestId("stats-count").textContent()).isEqualTo(String.valueOf(count));
        page.locator("[data-testid=stats-latency-chart] canvas").waitFor();
        assertThat(page.getByTestId("export-json").getAttribute("href"))
                .isEqualTo("/api/v1/statistics/summary?from=" + q(from) + "&to=" + q(to) + "&device=" + DEVICE);
        shot("statistics-device");
    }

    @Test
    void a_result_shows_its_hops_intervals_and_raw_json() throws IOException {
        login(Harness.ADMIN, Harness.ADMIN_PASSWORD);
        page.navigate(url("/#/results?test_type=mtr"));
        page.locator("[data-testid=results] a").first().click();
        page.getByTestId("result-detail").waitFor();
        JsonNode doc = api("/api/v1/results/" + mtrId);
        Locator hops = page.locator("[data-testid=hops] tbody tr");
        assertThat(hops.count()).isEqualTo(doc.get("hops").size()).isEqualTo(4);
        for (int i = 0; i < hops.count(); i++) {
            JsonNode hop = doc.get("hops").get(i);
            assertThat(hops.nth(i).locator("td").nth(1).textContent()).isEqualTo(hop.has("ip") ? hop.get("ip").asText() : "—");
        }
        assertThat(page.locator("[data-testid=result-fields] th", new Page.LocatorOptions().setHasText("target_ip")).count()).isOne();
        // the page shows the document indented (numbers as JavaScript writes them); the download is the API's text
        assertThat(Json.mapper().readTree(page.getByTestId("raw-json").textContent()).equals(
                (a, b) -> a.isNumber() && b.isNumber() ? Double.compare(a.asDouble(), b.asDouble()) : a.equals(b) ? 0 : 1, doc))
                .isTrue();
        shot("result-mtr");

        page.navigate(url("/#/result/" + iperfId));
        page.locator("[data-testid=intervals-chart] canvas").waitFor();
        assertThat(page.locator("[data-testid=intervals] tbody tr").count()).isEqualTo(3);
        var download = page.waitForDownload(() -> page.getByTestId("download-json").click());
        assertThat(download.suggestedFilename()).isEqualTo("result-" + iperfId + ".json");
        assertThat(Files.readString(download.path())).isEqualTo(manager.call("GET", "/api/v1/results/" + iperfId, admin, null).body());
        shot("result-iperf3");
    }

    @Test
    void an_admin_creates_a_user_and_sees_the_devices() {
        login(Harness.ADMIN, Harness.ADMIN_PASSWORD);
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Admin")).click();
        page.getByTestId("users").waitFor();
        page.getByLabel("User name").fill("new-viewer");
        page.getByLabel("Password (12 characters or more)").fill(PASSWORD);
        page.getByLabel("Role", new Page.GetByLabelOptions().setExact(true)).selectOption("ou_reporter");
        page.getByLabel("Organisation unit").selectOption(new com.microsoft.playwright.options.SelectOption().setLabel("lab"));
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create user")).click();
        page.locator("[data-testid=users] tr[data-user=new-viewer]").waitFor();
        JsonNode users = api("/api/v1/users");
        JsonNode made = null;
        for (JsonNode u : users) {
            if (u.get("username").asText().equals("new-viewer")) {
                made = u;
            }
        }
        assertThat(made).isNotNull();
        assertThat(made.get("role").asText()).isEqualTo("ou_reporter");
        shot("admin-users");

        page.navigate(url("/#/devices"));
        page.getByTestId("devices").waitFor();
        Locator row = page.locator("[data-testid=devices] tbody tr");
        assertThat(row.count()).isOne();
        assertThat(row.locator(".badge").first().textContent()).isEqualTo("online");
        shot("devices");
        page.navigate(url("/#/admin/audit"));
        page.getByTestId("audit").waitFor();
        assertThat(page.locator("[data-testid=audit] tbody tr", new Page.LocatorOptions().setHasText("user.create")).count())
                .isGreaterThanOrEqualTo(3);
    }

    @Test
    void a_reporter_is_refused_the_admin_screens() {
        login("reporter", PASSWORD);
        assertThat(page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Admin")).count()).isZero();
        page.navigate(url("/#/admin/users"));
        assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Not allowed")).count()).isOne();
        // and the manager itself refuses the reporter's browser session
        Object create = page.evaluate("async () => { const csrf = document.cookie.split('; ').find(c => c.startsWith('wp_csrf=')).slice(8);"
                + " const r = await fetch('/api/v1/users', {method: 'POST', headers: {'Content-Type': 'application/json', 'X-CSRF-Token': csrf},"
                + " body: JSON.stringify({username: 'sneaky', password: 'a long enough password', role: 'user'})}); return r.status; }");
        Object audit = page.evaluate("async () => (await fetch('/api/v1/audit')).status");
        assertThat(create).isEqualTo(403);
        assertThat(audit).isEqualTo(403);
        shot("reporter-refused");
    }

    @Test
    void every_field_has_a_label_focus_moves_in_reading_order_and_text_contrast_holds() {
        page.navigate(url("/"));
        page.getByLabel("User name").waitFor();
        assertThat(unlabelled()).as("fields without a label on the login page").isEmpty();
        // focus order on the login page: the name has the focus, then password, then the button
        assertThat(focused()).isEqualTo("username");
        page.keyboard().press("Tab");
        assertThat(focused()).isEqualTo("password");
        page.keyboard().press("Tab");
        assertThat(page.evaluate("document.activeElement.textContent")).isEqualTo("Log in");
        page.getByLabel("User name").fill(Harness.ADMIN);
        page.getByLabel("Password").fill(Harness.ADMIN_PASSWORD);
        page.keyboard().press("Enter");
        page.getByTestId("current-user").waitFor();

        for (String screen : List.of("/#/", "/#/devices", "/#/statistics", "/#/results", "/#/admin/users", "/#/admin/ous",
                "/#/admin/secrets", "/#/admin/config", "/#/admin/audit", "/#/profile", "/#/speedtest", "/#/result/" + mtrId)) {
            page.navigate(url(screen));
            page.waitForLoadState(LoadState.NETWORKIDLE);
            page.locator("main h1").first().waitFor();
            assertThat(unlabelled()).as("fields without a label on " + screen).isEmpty();
        }
        // keyboard: the skip link comes first, then the navigation in its visual order; focus is drawn
        page.navigate(url("/#/"));
        page.getByTestId("dashboard").waitFor();
        assertThat(page.evaluate("document.querySelector('a[href], button, input, select, textarea, [tabindex]:not([tabindex=\"-1\"])').textContent"))
                .as("first focusable element").isEqualTo("Skip to content");
        page.locator(".skip").focus();
        assertThat(page.evaluate("getComputedStyle(document.activeElement).outlineStyle")).isNotEqualTo("none");
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            page.keyboard().press("Tab");
            order.add((String) page.evaluate("document.activeElement.textContent"));
            Object outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle");
            assertThat(outline).as("focus outline of " + order.getLast()).isNotEqualTo("none");
        }
        assertThat(order).containsExactly("Dashboard", "Devices", "Statistics", "Results", "Map", "Speed test", "Alerts",
                "Admin", "Profile");

        for (String theme : List.of("light", "dark")) {
            page.evaluate("t => document.documentElement.dataset.theme = t", theme);
            for (String[] pair : CONTRAST_PAIRS) {
                double ratio = contrast(cssColor(pair[0]), cssColor(pair[1]));
                assertThat(ratio).as("%s theme: %s on %s", theme, pair[0], pair[1]).isGreaterThanOrEqualTo(4.5);
            }
        }
    }

    /** Text colour / background pairs the stylesheet uses. */
    static final String[][] CONTRAST_PAIRS = {
        {"--fg", "--bg"}, {"--fg", "--surface"}, {"--muted", "--bg"}, {"--muted", "--surface"}, {"--link", "--bg"},
        {"--link", "--surface"}, {"--accent-fg", "--accent"}, {"--ok-fg", "--ok-bg"}, {"--fail-fg", "--fail-bg"},
        {"--warn-fg", "--warn-bg"}, {"--idle-fg", "--idle-bg"},
    };

    private String focused() {
        return (String) page.evaluate("document.activeElement.id");
    }

    /** Ids (or tag names) of visible form fields that no label names. */
    @SuppressWarnings("unchecked")
    private List<String> unlabelled() {
        return (List<String>) page.evaluate("() => [...document.querySelectorAll('input, select, textarea')]"
                + ".filter(e => e.type !== 'hidden' && e.labels.length === 0 && !e.getAttribute('aria-label')"
                + " && !e.getAttribute('aria-labelledby')).map(e => e.id || e.outerHTML.slice(0, 80))");
    }

    private int[] cssColor(String variable) {
        String value = (String) page.evaluate("v => { const d = document.createElement('div'); d.style.color = 'var(' + v + ')';"
                + " document.body.appendChild(d); const c = getComputedStyle(d).color; d.remove(); return c; }", variable);
        String[] parts = value.replaceAll("[^0-9,.]", "").split(",");
        assertThat(parts.length).as(variable + " = " + value).isGreaterThanOrEqualTo(3);
        return new int[] {Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()), Integer.parseInt(parts[2].trim())};
    }

    /** WCAG 2 contrast ratio of two sRGB colours. */
    static double contrast(int[] a, int[] b) {
        double la = luminance(a);
        double lb = luminance(b);
        return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
    }

    private static double luminance(int[] rgb) {
        double[] c = new double[3];
        for (int i = 0; i < 3; i++) {
            double s = rgb[i] / 255.0;
            c[i] = s <= 0.04045 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
        }
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
    }
}
