package io.waddleperf.manager.ui;

import io.waddleperf.testkit.HeadlessChromium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

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
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The latency-and-loss (SmokePing-style) screen and the dashboard's AutoPerf escalations in Debian's Chromium against
 * a real manager on the embedded database. Results with known latencies and losses go in through the API; what the page
 * draws must be what the statistics API answers, and the loss colours SmokePing's. As in {@link ManagerUiIT}, every
 * test fails on a console error (a CSP violation is one) or a request leaving the manager's origin.
 */
class ManagerUi3IT {

    private static final String TCP_TARGET = "tcp://smoke.example:443";
    private static final String DNS_TARGET = "dns://192.0.2.53:53";
    /** The loss of each of the six 5-minute buckets of the tcp target: one per SmokePing colour step. */
    private static final double[] LOSSES = {0, 1.5, 4, 8, 15, 50};
    /** SmokePing's colours of the steps 0, ≤ 2, ≤ 5, ≤ 10, ≤ 20, > 20 % as the browser computes them. */
    private static final String[] STEP_COLOURS = {"rgb(38, 255, 0)", "rgb(0, 184, 255)", "rgb(0, 89, 255)",
        "rgb(94, 0, 255)", "rgb(221, 0, 255)", "rgb(255, 0, 0)"};

    private static HeadlessChromium chromium;
    private static Harness manager;
    private static String admin;
    /** The smoke range: whole 5-minute buckets, the last one holding now. */
    private static Instant from;
    private static Instant to;

    private GuardedPages.Session session;
    private Page page;

    @BeforeAll
    static void start() throws IOException {
        chromium = HeadlessChromium.launch();
        manager = Harness.start(TestDatabases.Kind.H2);
        admin = manager.adminLogin();
        Instant now = Instant.now();
        to = Instant.ofEpochSecond(now.getEpochSecond() / 300 * 300 + 300);
        from = to.minus(2, ChronoUnit.HOURS);
        List<Object> batch = new ArrayList<>();
        // tcp: buckets 0..5 of the range (the oldest ones), three results each at 10k+10, 10k+20, 10k+30 ms and the
        // bucket's loss
        for (int k = 0; k < LOSSES.length; k++) {
            Instant bucket = from.plus(5L * k, ChronoUnit.MINUTES);
            for (int j = 1; j <= 3; j++) {
                ObjectNode r = result("tcp", TCP_TARGET, bucket.plusSeconds(60L * j), true);
                r.put("latency_ms", 10.0 * k + 10.0 * j);
                r.put("packet_loss_percent", LOSSES[k]);
                batch.add(r);
            }
        }
        // dns, which reports no packet loss: bucket 0 has one failure in four (25 % lost), bucket 1 only failures
        Instant b0 = from;
        for (int j = 0; j < 4; j++) {
            ObjectNode r = result("dns", DNS_TARGET, b0.plusSeconds(30L + 30L * j), j != 0);
            if (j != 0) {
                r.put("latency_ms", 5.0 + j);
            }
            batch.add(r);
        }
        for (int j = 0; j < 2; j++) {
            batch.add(result("dns", DNS_TARGET, b0.plus(5, ChronoUnit.MINUTES).plusSeconds(30L + 30L * j), false));
        }
        created(manager.call("POST", "/api/v1/results", admin, batch));
        Files.createDirectories(ManagerUiIT.SCREENSHOTS);
    }

    private static ObjectNode result(String type, String target, Instant startedAt, boolean success) {
        ObjectNode r = Json.mapper().createObjectNode();
        r.put("id", UuidV7.next().toString());
        r.put("test_type", type);
        r.put("target", target);
        r.put("started_at", startedAt.toString());
        r.put("duration_ms", 20.0);
        r.put("success", success);
        r.put("source", "agent");
        if (!success) {
            r.put("error", "timeout: no answer");
        }
        return r;
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
    }

    @AfterEach
    void close() {
        session.close();
    }

    private String url(String path) {
        return manager.uri(path).toString();
    }

    private static String q(Object v) {
        return URLEncoder.encode(v.toString(), StandardCharsets.UTF_8);
    }

    private void shot(String name) {
        page.screenshot(new Page.ScreenshotOptions().setPath(ManagerUiIT.SCREENSHOTS.resolve(name + ".png"))
                .setFullPage(true));
    }

    private void login() {
        page.navigate(url("/"));
        page.getByLabel("User name").fill(Harness.ADMIN);
        page.getByLabel("Password").fill(Harness.ADMIN_PASSWORD);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log in")).click();
        page.getByTestId("current-user").waitFor();
    }

    private JsonNode api(String path) {
        Answer a = manager.call("GET", path, admin, null);
        assertThat(a.status()).as(a.toString()).isEqualTo(200);
        return a.json();
    }

    /** The API's points of one target and type over the smoke range, by bucket start. */
    private Map<Instant, JsonNode> points(String type, String target, String interval) {
        JsonNode answer = api("/api/v1/statistics/timeseries?from=" + q(from) + "&to=" + q(to) + "&interval=" + interval
                + "&group_by=test_type&target=" + q(target) + "&test_type=" + type);
        assertThat(answer.get("series")).hasSize(1);
        Map<Instant, JsonNode> out = new HashMap<>();
        answer.get("series").get(0).get("points").forEach(p -> out.put(Instant.parse(p.get("time").asText()), p));
        return out;
    }

    /** SmokePing's step of a loss in percent, independently of the page's table. */
    private static int step(double loss) {
        return loss == 0 ? 0 : loss <= 2 ? 1 : loss <= 5 ? 2 : loss <= 10 ? 3 : loss <= 20 ? 4 : 5;
    }

    @Test
    void the_smokeping_view_draws_the_apis_medians_coloured_by_loss_over_the_spread() {
        login();
        // from the statistics table of the range, the row's link opens the view for that target and type
        page.navigate(url("/#/statistics?from=" + q(from) + "&to=" + q(to)));
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Latency and loss of tcp to " + TCP_TARGET))
                .click();
        page.waitForURL("**/#/smokeping?**");
        Locator chart = page.getByTestId("smokeping-chart");
        chart.waitFor();
        String interval = page.locator("figure[data-interval]").getAttribute("data-interval");
        assertThat(interval).isEqualTo("5m");
        Map<Instant, JsonNode> api = points("tcp", TCP_TARGET, interval);
        assertThat(api).hasSize(LOSSES.length);

        Locator buckets = chart.locator("g.bucket");
        assertThat(buckets.count()).isEqualTo(LOSSES.length);
        assertThat(chart.getAttribute("data-buckets")).isEqualTo(String.valueOf(LOSSES.length));
        for (int k = 0; k < LOSSES.length; k++) {
            Instant t = from.plus(5L * k, ChronoUnit.MINUTES);
            JsonNode p = api.get(t);
            assertThat(p).as("API point at " + t).isNotNull();
            Locator g = chart.locator("g.bucket[data-time='" + t.toString().replace("Z", ".000Z") + "']");
            assertThat(g.count()).as("bucket " + t).isEqualTo(1);
            // the median drawn is the API's p50, which is the middle latency within the rollup histogram's 1 %
            double median = Double.parseDouble(g.getAttribute("data-median"));
            assertThat(median).isEqualTo(p.get("p50_latency_ms").asDouble());
            assertThat(median).isCloseTo(10.0 * k + 20.0, within((10.0 * k + 20.0) * 0.01));
            double loss = Double.parseDouble(g.getAttribute("data-loss"));
            assertThat(loss).isEqualTo(p.get("mean_packet_loss_percent").asDouble());
            assertThat(loss).isCloseTo(LOSSES[k], within(1e-9));
            assertThat(g.getAttribute("data-loss-from")).isEqualTo("packet_loss");
            assertThat(g.getAttribute("data-loss-step")).isEqualTo(String.valueOf(step(loss))).isEqualTo(String.valueOf(k));
            Locator line = g.locator("line.median");
            assertThat(line.evaluate("e => getComputedStyle(e).stroke")).isEqualTo(STEP_COLOURS[k]);
            // the line sits at the median on the chart's scale: y = bottom - median / y_max * plot height
            double yMax = Double.parseDouble(chart.getAttribute("data-y-max"));
            assertThat(yMax).isGreaterThanOrEqualTo(api.values().stream()
                    .mapToDouble(x -> x.get("max_latency_ms").asDouble()).max().orElseThrow());
            assertThat(Double.parseDouble(line.getAttribute("y1"))).isCloseTo(320 - 36 - median / yMax * (320 - 12 - 36),
                    within(1e-6));
            // three grey layers of the spread: min..max, min..p99, min..p95; the outer one from min to max
            assertThat(g.locator("rect.smoke").count()).isEqualTo(3);
            Locator outer = g.locator("rect.smoke-max");
            double top = Double.parseDouble(outer.getAttribute("y"));
            double bottom = top + Double.parseDouble(outer.getAttribute("height"));
            assertThat(top).isCloseTo(320 - 36 - p.get("max_latency_ms").asDouble() / yMax * 272, within(1e-6));
            assertThat(bottom).isCloseTo(320 - 36 - p.get("min_latency_ms").asDouble() / yMax * 272, within(1e-6));
            assertThat(g.locator("title").textContent()).contains("median ").contains("loss ").contains("3 results");
        }
        Locator legend = page.getByTestId("smokeping-legend");
        assertThat(legend.locator("li[data-loss-step]").allTextContents()).extracting(String::strip)
                .containsExactly("0 %", "≤ 2 %", "≤ 5 %", "≤ 10 %", "≤ 20 %", "> 20 %");
        for (int i = 0; i < STEP_COLOURS.length; i++) {
            assertThat(legend.locator("li[data-loss-step='" + i + "'] .swatch")
                    .evaluate("e => getComputedStyle(e).backgroundColor")).isEqualTo(STEP_COLOURS[i]);
        }
        assertThat(unlabelled()).as("fields without a label").isEmpty();
        shot("smokeping-light");
        page.getByLabel("Theme").selectOption("dark");
        shot("smokeping-dark");
        page.getByLabel("Theme").selectOption("auto");
    }

    @Test
    void without_packet_loss_the_share_of_failed_results_is_the_loss_and_all_failed_buckets_show_at_the_top() {
        login();
        page.navigate(url("/#/smokeping?target=" + q(DNS_TARGET) + "&type=dns&from=" + q(from) + "&to=" + q(to)));
        Locator chart = page.getByTestId("smokeping-chart");
        chart.waitFor();
        Map<Instant, JsonNode> api = points("dns", DNS_TARGET, "5m");
        assertThat(api).hasSize(2);

        JsonNode first = api.get(from);
        Locator g0 = chart.locator("g.bucket[data-time='" + from.toString().replace("Z", ".000Z") + "']");
        assertThat(g0.getAttribute("data-loss-from")).isEqualTo("failures");
        double expected = 100.0 * (first.get("count").asLong() - first.get("success_count").asLong())
                / first.get("count").asLong();
        assertThat(expected).isEqualTo(25.0);
        assertThat(Double.parseDouble(g0.getAttribute("data-loss"))).isEqualTo(expected);
        assertThat(g0.getAttribute("data-loss-step")).isEqualTo("5");
        assertThat(Double.parseDouble(g0.getAttribute("data-median"))).isEqualTo(first.get("p50_latency_ms").asDouble());
        assertThat(g0.locator("line.median").evaluate("e => getComputedStyle(e).stroke")).isEqualTo(STEP_COLOURS[5]);

        Instant second = from.plus(5, ChronoUnit.MINUTES);
        assertThat(api.get(second).has("p50_latency_ms")).as("no latency in an all-failed bucket").isFalse();
        Locator g1 = chart.locator("g.bucket[data-time='" + second.toString().replace("Z", ".000Z") + "']");
        assertThat(g1.getAttribute("data-median")).isEmpty();
        assertThat(g1.getAttribute("data-loss")).isEqualTo("100");
        assertThat(g1.locator("line.median").count()).isZero();
        assertThat(g1.locator("rect.lost").evaluate("e => getComputedStyle(e).fill")).isEqualTo(STEP_COLOURS[5]);

        // a target with nothing in the range says so; the form changes target and type
        page.getByLabel("Target", new Page.GetByLabelOptions().setExact(true)).fill("tcp://nothing.example:1");
        page.getByLabel("Test type", new Page.GetByLabelOptions().setExact(true)).fill("tcp");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Show")).click();
        page.getByTestId("smokeping-empty").waitFor();
        assertThat(page.getByTestId("smokeping-empty").textContent()).contains("tcp://nothing.example:1");
    }

    @Test
    void the_dashboard_lists_the_newest_autoperf_escalations_and_links_to_them() {
        Instant now = Instant.now();
        List<Object> batch = new ArrayList<>();
        String[] devices = {"SN-ESC-1", "SN-ESC-2", "SN-ESC-3"};
        int[] tiers = {1, 2, 3};
        for (int i = 0; i < 3; i++) {
            ObjectNode r = result("http", "https://app.example/health", now.minus(10L + i, ChronoUnit.MINUTES), i != 2);
            r.put("tier", tiers[i]);
            r.putObject("device").put("serial", devices[i]);
            if (i != 2) {
                r.put("latency_ms", 120.0);
            }
            batch.add(r);
        }
        created(manager.call("POST", "/api/v1/results", admin, batch));

        login();
        Locator dash = page.getByTestId("dashboard");
        dash.waitFor();
        Locator rows = page.locator("[data-testid=recent-escalations] tbody tr");
        rows.first().waitFor();
        JsonNode listed = api("/api/v1/results?tier=2,3&limit=10&from=" + q(dash.getAttribute("data-from")) + "&to="
                + q(dash.getAttribute("data-to")));
        assertThat(listed).hasSize(2);
        assertThat(rows.count()).isEqualTo(listed.size());
        for (int i = 0; i < listed.size(); i++) {
            JsonNode r = listed.get(i);
            Locator row = rows.nth(i);
            assertThat(row.getAttribute("data-id")).isEqualTo(r.get("id").asText());
            assertThat(row.getAttribute("data-tier")).isEqualTo(r.get("tier").asText());
            assertThat(row.textContent()).contains("tier " + r.get("tier").asInt()).contains(r.get("device").get("serial")
                    .asText()).contains("https://app.example/health");
        }
        // newest first: the tier 2 result of SN-ESC-2, then the failed tier 3 one; the tier 1 result is not an escalation
        assertThat(rows.nth(0).textContent()).contains("SN-ESC-2").contains("tier 2");
        assertThat(rows.nth(1).textContent()).contains("SN-ESC-3").contains("tier 3").contains("failed");
        assertThat(page.locator("[data-testid=recent-escalations]").textContent()).doesNotContain("SN-ESC-1");
        shot("dashboard-escalations");

        rows.nth(1).getByRole(AriaRole.LINK).click();
        page.waitForURL("**/#/result/" + listed.get(1).get("id").asText());
        page.getByText("SN-ESC-3").first().waitFor();
    }

    /** Ids (or tag names) of visible form fields that no label names (as in {@link ManagerUiIT}). */
    @SuppressWarnings("unchecked")
    private List<String> unlabelled() {
        return (List<String>) page.evaluate("() => [...document.querySelectorAll('input, select, textarea')]"
                + ".filter(e => e.type !== 'hidden' && e.labels.length === 0 && !e.getAttribute('aria-label')"
                + " && !e.getAttribute('aria-labelledby')).map(e => e.id || e.outerHTML.slice(0, 80))");
    }
}
