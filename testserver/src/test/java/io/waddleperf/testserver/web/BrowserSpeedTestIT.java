package io.waddleperf.testserver.web;

import io.waddleperf.testkit.HeadlessChromium;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import io.waddleperf.core.result.Json;
import io.waddleperf.testserver.TestServer;
import io.waddleperf.testserver.LoopbackConfig;
import io.waddleperf.testserver.speed.BrowserResultFile;
import java.io.IOException;
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
 * The browser speed test end to end: headless Chromium runs the page's own measurement against the real test
 * server's speed endpoints on loopback (shortened with URL parameters), shows non-zero rates and posts the result,
 * which the server keeps. A screenshot of the finished page is kept in {@code target/browser-tests/}.
 */
class BrowserSpeedTestIT {

    static final Path ARTEFACTS = Path.of("target", "browser-tests");

    private static HeadlessChromium chromium;

    @TempDir
    Path dataDir;

    private TestServer server;
    private BrowserContext context;
    private final List<String> consoleErrors = new CopyOnWriteArrayList<>();
    private final List<String> foreignRequests = new CopyOnWriteArrayList<>();

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
        server = TestServer.start(LoopbackConfig.of(dataDir));
        context = chromium.browser().newContext(new com.microsoft.playwright.Browser.NewContextOptions()
                .setViewportSize(1100, 1000));
    }

    @AfterEach
    void stop() {
        context.close();
        server.close();
    }

    private Page open(String pathAndQuery) {
        Page page = context.newPage();
        page.onConsoleMessage(m -> {
            if (m.type().equals("error")) {
                consoleErrors.add(m.text());
            }
        });
        page.onPageError(e -> consoleErrors.add("uncaught: " + e));
        // observed, not routed: intercepting every chunk would slow the transfers being measured
        page.onRequest(r -> {
            URI uri = URI.create(r.url());
            if (!"127.0.0.1".equals(uri.getHost()) || uri.getPort() != server.httpPort()) {
                foreignRequests.add(r.url());
            }
        });
        page.navigate("http://127.0.0.1:" + server.httpPort() + pathAndQuery);
        return page;
    }

    private static double shown(Page page, String testId) {
        String value = page.getAttribute("[data-testid=" + testId + "]", "data-value");
        assertThat(value).as(testId).isNotBlank();
        return Double.parseDouble(value);
    }

    @Test
    void speed_test_runs_to_completion_shows_nonzero_rates_and_the_server_keeps_the_posted_result() throws Exception {
        // 3 s per direction with 1 s warm-up each: about 8 s in all
        Page page = open("/?duration=3&dl_grace=1&ul_grace=1&pings=5&streams=2");
        page.click("[data-testid=speed-start]");
        page.waitForSelector("[data-testid=speed-phase][data-phase=done], [data-testid=speed-phase][data-phase=error]",
                new Page.WaitForSelectorOptions().setTimeout(60_000));
        Files.createDirectories(ARTEFACTS);
        page.screenshot(new Page.ScreenshotOptions().setPath(ARTEFACTS.resolve("speedtest.png")).setFullPage(true));
        assertThat(page.getAttribute("[data-testid=speed-phase]", "data-phase"))
                .as(() -> page.textContent("[data-testid=speed-phase]")).isEqualTo("done");

        double downloadMbps = shown(page, "result-download");
        double uploadMbps = shown(page, "result-upload");
        double latencyMs = shown(page, "result-latency");
        assertThat(downloadMbps).isPositive();
        assertThat(uploadMbps).isPositive();
        assertThat(latencyMs).isPositive();
        String savedAs = page.textContent("[data-testid=result-posted]");

        Path file = dataDir.resolve(BrowserResultFile.FILE_NAME);
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(1);
        JsonNode stored = Json.mapper().readTree(lines.getFirst());
        JsonNode result = stored.get("result");
        assertThat(stored.get("client_ip").asText()).isEqualTo("127.0.0.1");
        assertThat(result.get("test_type").asText()).isEqualTo("speedtest");
        assertThat(result.get("source").asText()).isEqualTo("browser");
        String id = result.get("id").asText();
        assertThat(savedAs).contains(id).contains(BrowserResultFile.FILE_NAME).contains("127.0.0.1:" + server.httpPort());
        // where to find it again: a link and a command, and the link does fetch it
        String url = "http://127.0.0.1:" + server.httpPort() + "/speedtest/result/" + id;
        assertThat(page.getAttribute("[data-testid=result-url]", "href")).isEqualTo(url);
        assertThat(page.textContent("[data-testid=result-command]")).isEqualTo("curl " + url);
        java.net.http.HttpResponse<String> again = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(URI.create(url)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(Json.mapper().readTree(again.body()).get("download_mbps").asDouble()).isEqualTo(downloadMbps);

        // the rate axis starts at zero, though every rate drawn is well above it
        assertThat(page.getAttribute(".chart .uplot", "data-y-min")).isEqualTo("0");
        assertThat(Math.min(downloadMbps, uploadMbps)).isGreaterThan(1);
        // the figures the page showed are the ones it posted
        assertThat(result.get("download_mbps").asDouble()).isEqualTo(downloadMbps);
        assertThat(result.get("upload_mbps").asDouble()).isEqualTo(uploadMbps);
        assertThat(result.get("min_latency_ms").asDouble()).isEqualTo(latencyMs);
        assertThat(result.get("raw_results").get("download_streams").asInt()).isEqualTo(2);
        assertThat(result.get("received_bytes").asLong()).isPositive();
        assertThat(result.get("sent_bytes").asLong()).isPositive();

        // the chart is redrawn in the dark theme's colours (uPlot's canvas is rebuilt), without errors
        page.selectOption("[data-testid=theme]", "dark");
        page.waitForFunction("document.documentElement.dataset.theme === 'dark'");
        page.screenshot(new Page.ScreenshotOptions().setPath(ARTEFACTS.resolve("speedtest-dark.png")).setFullPage(true));
        assertThat(page.querySelectorAll(".chart canvas")).hasSize(1);

        assertThat(consoleErrors).isEmpty();
        assertThat(foreignRequests).isEmpty();
    }

    @Test
    void download_test_fetches_the_chosen_size_and_shows_its_average_rate() throws IOException {
        Page page = open("/#download");
        page.selectOption("#size", "25");
        page.click("[data-testid=download-start]");
        page.waitForSelector("[data-testid=download-result], .error", new Page.WaitForSelectorOptions().setTimeout(60_000));
        Files.createDirectories(ARTEFACTS);
        page.screenshot(new Page.ScreenshotOptions().setPath(ARTEFACTS.resolve("download.png")).setFullPage(true));
        assertThat(page.querySelector(".error")).as(() -> page.textContent("main")).isNull();
        assertThat(shown(page, "download-average")).isPositive();
        assertThat(page.textContent("[data-testid=download-result]")).contains("25.0 MiB");
        assertThat(consoleErrors).isEmpty();
    }
}
