package io.waddleperf.testserver.web;

import io.waddleperf.testkit.HeadlessChromium;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Download;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.WaitForSelectorState;
import io.waddleperf.core.result.Json;
import io.waddleperf.testkit.Requirements;
import io.waddleperf.testserver.TestServer;
import io.waddleperf.testserver.LoopbackConfig;
import io.waddleperf.testserver.dns.DnsResponder;
import io.waddleperf.testserver.dns.DnsZone;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The browser client end to end: the real test server on 127.0.0.1:0 serving {@code /}, opened in headless
 * Chromium. Checks the page loads cleanly and offline (every request to this server), and that the test API tabs
 * show a probe the server really ran.
 */
class BrowserClientIT {

    static final String KEY = "browser-test-key";

    private static HeadlessChromium chromium;

    @TempDir
    Path dataDir;

    private TestServer server;
    private BrowserContext context;
    private final List<String> consoleErrors = new CopyOnWriteArrayList<>();
    private final List<String> foreignRequests = new CopyOnWriteArrayList<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void launch() {
        chromium = HeadlessChromium.launch();
    }

    @AfterAll
    static void quit() {
        if (chromium != null) {
            chromium.close();
        }
    }

    @BeforeEach
    void start() throws IOException {
        server = TestServer.start(LoopbackConfig.of(dataDir, "api_keys", KEY,
                "allow_private_targets", "true"));
        context = chromium.browser().newContext();
        // anything not for this server is recorded and refused, so the test also proves the page works offline
        context.route("**/*", route -> {
            String url = route.request().url();
            if (isThisServer(url)) {
                route.resume();
            } else {
                foreignRequests.add(url);
                route.abort();
            }
        });
    }

    @AfterEach
    void stop() {
        context.close();
        server.close();
    }

    private boolean isThisServer(String url) {
        URI uri = URI.create(url);
        return "127.0.0.1".equals(uri.getHost()) && uri.getPort() == server.httpPort();
    }

    private Page open(String pathAndQuery) {
        Page page = context.newPage();
        page.onConsoleMessage(m -> {
            if (m.type().equals("error") || m.type().equals("warning")) {
                consoleErrors.add(m.type() + ": " + m.text());
            }
        });
        page.onPageError(e -> consoleErrors.add("uncaught: " + e));
        page.onRequest(r -> requests.add(r.url()));
        page.navigate("http://127.0.0.1:" + server.httpPort() + pathAndQuery);
        page.waitForSelector("[data-testid=tab-speed]");
        return page;
    }

    @Test
    void page_loads_every_tab_with_no_console_errors_and_no_requests_beyond_this_server() {
        Page page = open("/");
        for (String tab : List.of("download", "network", "trace", "speed")) {
            page.click("[data-testid=tab-" + tab + "]");
            page.waitForSelector("[data-testid=tab-" + tab + "][aria-selected=true]");
        }
        page.waitForSelector("[data-testid=speed-start]");
        page.selectOption("[data-testid=theme]", "dark");
        // Preact applies the theme in an effect after rendering: wait for it rather than race it.
        page.waitForFunction("document.documentElement.dataset.theme === 'dark'");
        assertThat(page.evaluate("document.documentElement.dataset.theme")).isEqualTo("dark");

        assertThat(consoleErrors).isEmpty();
        assertThat(foreignRequests).isEmpty();
        // the import map resolved the vendored modules from this server's /vendor/ mounts
        assertThat(requests).anyMatch(u -> u.endsWith("/vendor/preact/dist/preact.module.js"))
                .anyMatch(u -> u.endsWith("/vendor/htm/dist/htm.module.js"))
                .anyMatch(u -> u.endsWith("/vendor/uplot/dist/uPlot.esm.js"));
    }

    @Test
    void network_tests_tab_shows_the_result_of_a_tcp_probe_the_server_ran() throws IOException {
        try (ServerSocket target = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Page page = open("/#network");
            page.fill("[data-testid=api-key]", KEY);
            page.selectOption("[data-testid=api-type]", "tcp");
            page.fill("[data-testid=api-target]", "127.0.0.1:" + target.getLocalPort());
            page.click("[data-testid=api-run]");
            // wait for either outcome, so a refusal fails with the page's reason instead of a timeout
            page.waitForSelector("[data-testid=api-result] h2, [data-testid=api-error]");
            assertThat(page.querySelector("[data-testid=api-error]")).as(() -> page.textContent("main") + consoleErrors).isNull();
            String heading = page.textContent("[data-testid=api-result] h2");
            assertThat(heading).contains("tcp").contains("success");
            // the terminal report's lines: tcping's tally and connect statistics
            assertThat(page.textContent("[data-testid=api-summary]"))
                    .contains("--- 127.0.0.1:" + target.getLocalPort() + " tcp connect statistics ---")
                    .containsPattern("1 connection attempt, 1 established, 0% failed, time \\d+ms")
                    .containsPattern("connect avg = \\d+\\.\\d{3} ms|connect min/avg/max/mdev = ");
            String figures = page.textContent("[data-testid=api-figures]");
            assertThat(figures).contains("TCP connect", "Latency, mean", "Took", "Port",
                    String.valueOf(target.getLocalPort())).containsPattern("TCP connect\\d+(\\.\\d+)? ms");
            assertReadsAsAReport(page);
            // the JSON download is the result object the API answered, as it came
            Download download = page.waitForDownload(() -> page.click("[data-testid=api-result] button"));
            JsonNode saved = Json.mapper().readTree(Files.readString(download.path()));
            assertThat(saved.get("test_type").asText()).isEqualTo("tcp");
            assertThat(saved.get("target_port").asInt()).isEqualTo(target.getLocalPort());
            assertThat(download.suggestedFilename()).isEqualTo("waddleperf-tcp-" + saved.get("id").asText() + ".json");
        }
        assertThat(consoleErrors).isEmpty();
    }

    @Test
    void trace_tests_tab_shows_the_hops_of_a_traceroute_the_server_ran() {
        Page page = open("/#trace");
        page.fill("[data-testid=api-key]", KEY);
        page.selectOption("[data-testid=api-type]", "traceroute");
        page.fill("[data-testid=api-target]", "127.0.0.1");
        page.click("[data-testid=api-run]");
        page.waitForSelector("[data-testid=api-result] h2, [data-testid=api-error]");
        assertThat(page.querySelector("[data-testid=api-error]")).as(() -> page.textContent("main")).isNull();
        String heading = page.textContent("[data-testid=api-result] h2");
        // without raw or ICMP sockets the server reports why; the page must show that result, not hops
        Requirements.require(heading.contains("success"), "traceroute needs raw or ICMP datagram sockets here: " + heading);
        assertThat(heading).contains("traceroute").contains("success");
        // loopback is one hop away: the destination itself, in the hops table
        assertThat(page.textContent("[data-testid=hops] tbody tr")).contains("127.0.0.1");
        assertThat(page.textContent("[data-testid=hops] thead")).contains("Hop", "Host", "Loss", "Avg (ms)",
                "StDev (ms)");
        assertThat(page.textContent("[data-testid=hops] tbody tr td:nth-child(3)")).isEqualTo("0%");
        assertThat(page.textContent("[data-testid=hops] tbody tr td:nth-child(6)")).matches("\\d+\\.\\d{3}");
        assertThat(page.textContent("[data-testid=api-summary]")).startsWith("traceroute to 127.0.0.1");
        screenshot(page, "trace-result.png");
        assertReadsAsAReport(page);
        assertThat(consoleErrors).isEmpty();
    }

    /** dig's answer section for a dns query the server ran against a DNS responder on loopback. */
    @Test
    void network_tests_tab_shows_a_dns_answer_as_dig_does() throws IOException {
        try (DnsResponder dns = DnsResponder.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                new DnsZone("waddleperf.test", InetAddress.getByName("127.0.0.1"), InetAddress.getByName("::1")))) {
            Page page = open("/#network");
            page.fill("[data-testid=api-key]", KEY);
            page.selectOption("[data-testid=api-type]", "dns");
            page.fill("[data-testid=api-target]", "127.0.0.1");
            page.fill("[data-testid=api-port]", String.valueOf(dns.port()));
            page.fill("[data-testid=api-query]", "www.waddleperf.test");
            page.click("[data-testid=api-run]");
            page.waitForSelector("[data-testid=api-result] h2, [data-testid=api-error]");
            assertThat(page.querySelector("[data-testid=api-error]")).as(() -> page.textContent("main")).isNull();
            assertThat(page.textContent("[data-testid=api-result] h2")).contains("success");
            assertThat(page.textContent("[data-testid=answers] tbody tr")).contains("www.waddleperf.test", "IN", "A",
                    "127.0.0.1");
            assertThat(page.textContent("[data-testid=api-summary]")).contains(";; status: NOERROR", ";; Query time: ",
                    ";; SERVER: 127.0.0.1#" + dns.port());
            screenshot(page, "dns-result.png");
            assertReadsAsAReport(page);
        }
        assertThat(consoleErrors).isEmpty();
    }

    /**
     * The page's own chart component, fed rates far from zero (900–1000 Mbit/s, where an axis fitted to the data
     * would start near 890): its rate axis starts at zero, and grows to fit the highest rate.
     */
    @Test
    void speed_chart_rate_axis_starts_at_zero_for_rates_far_above_it() {
        Page page = open("/");
        Object yRange = page.evaluate("async () => {"
                + " const { render } = await import('preact');"
                + " const { html } = await import('/js/html.js');"
                + " const { ThroughputChart } = await import('/js/views/chart.js');"
                + " const box = document.createElement('div'); document.body.append(box);"
                + " const data = [[0, 1, 2, 3], [900, 950, 1000, null], [null, null, null, 980]];"
                + " render(html`<${ThroughputChart} data=${data} version=${1} />`, box);"
                + " await new Promise(r => setTimeout(r, 200));"
                + " const plot = box.querySelector('.uplot');"
                + " return [plot.dataset.yMin, plot.dataset.yMax]; }");
        assertThat(yRange).asList().first().isEqualTo("0");
        assertThat(Double.parseDouble((String) ((java.util.List<?>) yRange).get(1))).isGreaterThanOrEqualTo(1000);
        assertThat(consoleErrors).isEmpty();
    }

    @Test
    void the_api_key_field_says_where_keys_come_from() {
        Page page = open("/#network");
        String help = page.textContent("[data-testid=api-key-help]");
        assertThat(help).contains("--api-key-file", "WADDLEPERF_TESTSERVER_API_KEYS", "session storage");
        page.click("[data-testid=tab-trace]");
        assertThat(page.textContent("[data-testid=api-key-help]")).isEqualTo(help);
    }

    /** Keeps what the page showed in {@code target/browser-tests/}, for a person to look at. */
    private static void screenshot(Page page, String name) {
        try {
            Files.createDirectories(BrowserSpeedTestIT.ARTEFACTS);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        page.screenshot(new Page.ScreenshotOptions().setPath(BrowserSpeedTestIT.ARTEFACTS.resolve(name)).setFullPage(true));
    }

    /**
     * What the result shows outside its collapsed raw JSON reads as a report: no field names of the result object,
     * no long decimals, every millisecond figure with its unit.
     */
    private static void assertReadsAsAReport(Page page) {
        // each text node apart (table cells run together in textContent)
        String shown = (String) page.evaluate("() => { const s = document.querySelector('[data-testid=api-result]')"
                + ".cloneNode(true); s.querySelectorAll('details').forEach(d => d.remove());"
                + " const w = document.createTreeWalker(s, NodeFilter.SHOW_TEXT); const parts = [];"
                + " while (w.nextNode()) parts.push(w.currentNode.nodeValue); return parts.join(' | '); }");
        assertThat(shown).doesNotContainPattern("[a-z]+_(ms|mbps|bytes|percent|seconds|latency|sent|received)\\b")
                .doesNotContain("duration_ms", "p95_latency_ms", "connect_ms", "target_ip", "test_type")
                .doesNotContainPattern("\\d\\.\\d{4,}");
    }

    @Test
    void network_tests_tab_shows_the_servers_reason_for_a_wrong_api_key() {
        Page page = open("/#network");
        page.fill("[data-testid=api-key]", "not-the-key");
        page.fill("[data-testid=api-target]", "127.0.0.1:9");
        page.click("[data-testid=api-run]");
        String error = page.waitForSelector("[data-testid=api-error]",
                new Page.WaitForSelectorOptions().setState(WaitForSelectorState.VISIBLE)).textContent();
        assertThat(error).startsWith("HTTP 401");
        assertThat(page.querySelector("[data-testid=api-result]")).isNull();
    }
}
