package io.waddleperf.manager.bench;

import io.waddleperf.testkit.HeadlessChromium;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import io.waddleperf.core.result.Device;
import io.waddleperf.core.result.Json;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.Source;
import io.waddleperf.core.result.TestType;
import io.waddleperf.core.result.UuidV7;
import io.waddleperf.manager.Harness;
import io.waddleperf.manager.store.ResultRepository;
import io.waddleperf.manager.store.TestDatabases;
import io.waddleperf.manager.store.Uuids;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * How long the web UI takes to draw over many stored results (bench/manager-ui.sh, docs/BENCHMARKS.md). Fills a
 * manager's database with N results spread evenly over the last D days (the manager's store path, batches of 1,000;
 * 200 targets, every 20th result failed), then in Debian's Chromium measures with the page's own clock ({@code performance.now()}, from the
 * navigation's start) the time until the dashboard's latency chart and the 30-day statistics view's latency chart are
 * drawn with their data; the median of R loads each. The baseline, measured in the same run, is the same two views over
 * a database of 1,000 results.
 *
 * <p>usage: UiBench h2|mariadb [rows=1000000] [days=30] [repeats=5]
 */
public final class UiBench {

    private static final int BASELINE_ROWS = 1000;
    private static final int BATCH = 1000;

    private UiBench() {
    }

    public static void main(String[] args) throws Exception {
        TestDatabases.Kind kind = TestDatabases.Kind.valueOf(args[0].toUpperCase(Locale.ROOT));
        int rows = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        int days = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        int repeats = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        try (HeadlessChromium chromium = HeadlessChromium.launch()) {
            double[] base = measure(chromium.browser(), kind, BASELINE_ROWS, days, repeats);
            double[] big = measure(chromium.browser(), kind, rows, days, repeats);
            System.out.printf(Locale.ROOT, "%s: dashboard (24 h) drawn in %.0f ms with %,d results vs %.0f ms with %,d (ratio %.2f); "
                            + "statistics (30 d) drawn in %.0f ms vs %.0f ms (ratio %.2f); median of %d loads each%n",
                    kind, big[0], rows, base[0], BASELINE_ROWS, big[0] / base[0], big[1], base[1], big[1] / base[1], repeats);
        }
    }

    /** Median milliseconds until {dashboard, 30-day statistics} are drawn, over a database of {@code rows} results. */
    static double[] measure(Browser browser, TestDatabases.Kind kind, int rows, int days, int repeats) throws Exception {
        try (Harness m = Harness.start(kind, Map.of("http.idle_timeout", "600s"), java.time.InstantSource.system())) {
            long t0 = System.nanoTime();
            fill(m, rows, days);
            System.err.printf(Locale.ROOT, "filled %,d rows in %.1f s%n", rows, (System.nanoTime() - t0) / 1e9);
            try (BrowserContext context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 900))) {
                Page page = context.newPage();
                page.setDefaultTimeout(600_000);
                page.navigate(m.uri("/").toString());
                page.getByLabel("User name").fill(Harness.ADMIN);
                page.getByLabel("Password").fill(Harness.ADMIN_PASSWORD);
                page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON,
                        new Page.GetByRoleOptions().setName("Log in")).click();
                page.getByTestId("current-user").waitFor();
                double[] dashboard = new double[repeats];
                double[] statistics = new double[repeats];
                for (int i = 0; i < repeats; i++) {
                    dashboard[i] = drawn(page, m.uri("/?load=" + i + "#/").toString(), "latency-chart");
                    statistics[i] = drawn(page, m.uri("/?view=statistics&load=" + i + "#/statistics?range=30d").toString(), "stats-latency-chart");
                }
                return new double[] {median(dashboard), median(statistics)};
            }
        }
    }

    /** Loads the page afresh and answers when (ms after navigation start) the chart was drawn with its data. */
    private static double drawn(Page page, String url, String chart) {
        page.navigate(url);
        String selector = "[data-testid=" + chart + "]";
        page.locator(selector + " canvas").waitFor();
        double drawn = Double.parseDouble(page.locator(selector).getAttribute("data-drawn"));
        // where the time went: the page's modules, then its API calls (start and end after navigation start)
        System.err.println(chart + " drawn at " + Math.round(drawn) + " ms; " + page.evaluate("() => { const r = performance"
                + ".getEntriesByType('resource'); const api = r.filter(e => e.name.includes('/api/'));"
                + " const files = r.filter(e => !e.name.includes('/api/'));"
                + " const end = (l) => Math.round(Math.max(0, ...l.map(e => e.responseEnd)));"
                + " return files.length + ' files loaded by ' + end(files) + ' ms, ' + api.length + ' API calls from '"
                + " + Math.round(Math.min(...api.map(e => e.startTime))) + ' to ' + end(api) + ' ms, slowest '"
                + " + Math.round(Math.max(...api.map(e => e.duration))) + ' ms'; }"));
        return drawn;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /**
     * N tcp results evenly over the last D days, stored through the manager's own store path (results and their rollups
     * in one transaction per batch, as an upload stores them), since the statistics the UI draws are read from the
     * rollups.
     */
    static void fill(Harness m, int rows, int days) {
        Instant end = Instant.now();
        long spanMicros = days * 86_400_000_000L;
        UUID admin = m.db().read(h -> h.createQuery("SELECT id FROM users WHERE username = :u").bind("u", Harness.ADMIN)
                .map((rs, ctx) -> Uuids.fromBytes(rs.getBytes(1))).one());
        ResultRepository store = new ResultRepository(m.db());
        for (int start = 0; start < rows; start += BATCH) {
            List<ResultRepository.Incoming> batch = new ArrayList<>(BATCH);
            for (int i = start; i < Math.min(rows, start + BATCH); i++) {
                int n = i % 200;
                boolean ok = i % 20 != 0;
                Instant at = end.minusNanos((long) ((double) (rows - i) / rows * spanMicros) * 1000);
                ProbeResult r = ProbeResult.builder().id(UuidV7.next()).testType(TestType.TCP)
                        .target("tcp://192.0.2." + n + ":443").startedAt(at).durationMs(48.2).success(ok)
                        .error(ok ? null : "timeout: no answer").source(Source.AGENT)
                        .device(new Device("SN-" + (i % 50), "agent-" + (i % 50), null, null, null, null))
                        .latencyMs(ok ? 5 + (i * 7919L % 1000) / 20.0 : null).packetLossPercent(0.0).build();
                batch.add(new ResultRepository.Incoming(r, Json.write(r)));
            }
            store.store(batch, null, admin, end);
        }
        // as a manager that caught up with its uploads: every delta folded into the rollup rows
        new io.waddleperf.manager.store.RollupRepository(m.db()).foldAll();
    }
}
