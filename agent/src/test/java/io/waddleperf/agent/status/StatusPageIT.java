package io.waddleperf.agent.status;

import io.waddleperf.testkit.HeadlessChromium;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import io.waddleperf.agent.Agent;
import io.waddleperf.agent.AgentConfig;
import io.waddleperf.testserver.echo.UdpEchoResponder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status page of a real agent (UDP echo and TCP peers on loopback, a custom probe that reports hostile text) in
 * headless Chromium: it shows the current tier, each probe's newest result with its figures, the escalation and its
 * reason, the spool per sink and the next run, renders remote text as text, and runs under the page's content
 * security policy without a violation.
 */
class StatusPageIT {

    /** What the custom probe reports as its error: markup that would run if the page put it in as HTML. */
    private static final String HOSTILE = "<img src=x onerror=\"window.__pwned=1\"><b>bold</b>";

    @TempDir
    Path dir;

    private UdpEchoResponder echo;
    private ServerSocket tcp;
    private Agent agent;
    private HeadlessChromium chromium;

    @BeforeEach
    void start() throws Exception {
        InetAddress lo = InetAddress.getLoopbackAddress();
        echo = UdpEchoResponder.start(new InetSocketAddress(lo, 0), Set.of());
        tcp = new ServerSocket(0, 50, lo);
        Thread.ofVirtual().start(() -> {
            while (!tcp.isClosed()) {
                try {
                    tcp.accept().close();
                } catch (Exception e) {
                    return;
                }
            }
        });
        Path script = dir.resolve("hostile.sh");
        Files.writeString(script, "#!/bin/sh\ncat <<'JSON'\n{\"success\": false, \"error\": \""
                + HOSTILE.replace("\"", "\\\"") + "\"}\nJSON\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        Path f = dir.resolve("autoperf.yml");
        Files.writeString(f, """
                target_server: 127.0.0.1
                data_dir: %s
                autoperf:
                  interval: 1s
                  backoff: {initial: 1h, max: 1h}
                  tier1:
                    escalate_on_failure: false
                    probes:
                      - {name: echo, target: "udp://{target_server}:%d", options: {count: 3, interval: 10ms}}
                      - {name: port, target: "tcp://{target_server}:%d"}
                      - {name: remote_text, command: ["%s"], test_type: http}
                    thresholds: {ping_latency: 1us}
                  tier2:
                    probes:
                      - {name: port_again, target: "tcp://{target_server}:%d"}
                  tier3: {enabled: false}
                sinks:
                  file: {enabled: true}
                status: {bind: 127.0.0.1, port: 0}
                """.formatted(dir.resolve("data"), echo.port(), tcp.getLocalPort(), script, tcp.getLocalPort()));
        agent = Agent.start(AgentConfig.loader().load(f, Map.of(), Map.of()));
        chromium = HeadlessChromium.launch();
    }

    @AfterEach
    void stop() throws Exception {
        if (chromium != null) {
            chromium.close();
        }
        agent.close();
        tcp.close();
        echo.close();
    }

    @Test
    void shows_tier_probes_escalations_spool_and_next_run_with_remote_text_as_text() throws Exception {
        String base = "http://127.0.0.1:" + agent.statusPort();
        HttpResponse<String> index = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(
                p -> assertThat(p).contains("script-src 'self' 'sha256-").doesNotContain("unsafe-inline"));

        List<String> problems = new CopyOnWriteArrayList<>();
        try (BrowserContext context = chromium.browser().newContext()) {
            Page page = context.newPage();
            page.onConsoleMessage(m -> {
                if (m.type().equals("error")) {
                    problems.add(m.text());
                }
            });
            page.onPageError(problems::add);
            page.navigate(base + "/");

            // the escalation shows once tier 2 has run (its row has a duration then)
            Locator escalation = page.locator("[data-test=triggers] tbody tr").first();
            escalation.waitFor();
            assertThat(escalation.innerText()).contains("tier 1 → tier 2", "ping_latency exceeded");
            page.locator("[data-test=probes] tr[data-probe=port_again]").waitFor();

            assertThat(page.locator("[data-test=current-tier]").innerText()).containsPattern("Tier [12]");
            assertThat(page.locator("[data-test=next-run]").innerText()).containsPattern("Tier [12]")
                    .containsPattern("\\(in \\d+ s\\)|ago\\)");
            String echoRow = page.locator("[data-test=probes] tr[data-probe=echo]").innerText();
            assertThat(echoRow).contains("udp", "ok").containsPattern("latency \\d+\\.\\d\\d ms")
                    .containsPattern("loss \\d+\\.\\d %");
            Locator sink = page.locator("[data-test=sinks] tr[data-sink=file]");
            assertThat(sink.locator("[data-test=pending]").innerText()).matches("\\d+");

            // the probe's error is shown as the characters it is, and nothing of it ran or became an element
            Locator remote = page.locator("[data-test=probes] tr[data-probe=remote_text]");
            assertThat(remote.innerText()).contains("failed", HOSTILE);
            assertThat(remote.locator("img, b").count()).isZero();
            assertThat(page.evaluate("() => window.__pwned === undefined")).isEqualTo(true);
        }
        assertThat(problems).isEmpty();
    }
}
