package io.waddleperf.agent.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.waddleperf.agent.Agent;
import io.waddleperf.agent.AgentConfig;
import io.waddleperf.core.result.Json;
import io.waddleperf.testkit.RequiresCommand;
import io.waddleperf.testkit.RequiresRoot;
import io.waddleperf.testserver.dns.DnsResponder;
import io.waddleperf.testserver.dns.DnsZone;
import io.waddleperf.testserver.echo.UdpEchoResponder;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status port of a real agent probing real peers on loopback (UDP echo, TCP, HTTP, ICMP, DNS): the AutoPerf
 * status and triggers, Prometheus metrics under blackbox_exporter's names (checked by Debian's {@code promtool}),
 * and blackbox-style {@code /probe}.
 */
@RequiresRoot
@RequiresCommand(value = "promtool", apt = "prometheus")
class StatusServerIT {

    @TempDir
    Path dir;

    private final HttpClient client = HttpClient.newHttpClient();
    private UdpEchoResponder echo;
    private ServerSocket tcp;
    private HttpServer web;
    private DnsResponder dns;
    private Agent agent;

    @BeforeEach
    void peers() throws IOException {
        InetAddress lo = InetAddress.getLoopbackAddress();
        echo = UdpEchoResponder.start(new InetSocketAddress(lo, 0), Set.of());
        tcp = new ServerSocket(0, 50, lo);
        Thread.ofVirtual().start(() -> {
            while (!tcp.isClosed()) {
                try {
                    tcp.accept().close();
                } catch (IOException e) {
                    return;
                }
            }
        });
        web = HttpServer.create(new InetSocketAddress(lo, 0), 16);
        web.createContext("/", ex -> {
            byte[] body = "ok\n".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(body);
            }
        });
        web.start();
        dns = DnsResponder.start(new InetSocketAddress(lo, 0), new DnsZone("waddleperf.test", lo, null));
    }

    @AfterEach
    void stop() throws Exception {
        if (agent != null) {
            agent.close();
        }
        dns.close();
        web.stop(0);
        tcp.close();
        echo.close();
    }

    private Agent startAgent() throws IOException {
        Path f = dir.resolve("autoperf.yml");
        Files.writeString(f, """
                target_server: 127.0.0.1
                data_dir: %s
                autoperf:
                  interval: 500ms
                  backoff: {initial: 1h, max: 1h}
                  tier1:
                    probes:
                      - {name: ping, target: "icmp://{target_server}", options: {count: 2, interval: 10ms}}
                      - {name: echo, target: "udp://{target_server}:%d", options: {count: 3, interval: 10ms}}
                      - {name: web, target: "http://{target_server}:%d/health"}
                      - {name: dns, target: "dns://{target_server}:%d/www.waddleperf.test"}
                    thresholds: {ping_latency: 1us}
                  tier2:
                    probes:
                      - {name: port, target: "tcp://{target_server}:%d"}
                  tier3: {enabled: false}
                sinks:
                  file: {enabled: true}
                status: {bind: 127.0.0.1, port: 0}
                """.formatted(dir.resolve("data"), echo.port(), web.getAddress().getPort(), dns.port(),
                tcp.getLocalPort()));
        agent = Agent.start(AgentConfig.loader().load(f, Map.of(), Map.of()));
        return agent;
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.statusPort() + path))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) throws IOException {
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        return Json.mapper().readTree(r.body());
    }

    /** Runs Debian's promtool on an exposition: its complaints, empty when the text is well-formed. */
    static String promtool(String exposition) throws Exception {
        Process p = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(exposition.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return p.exitValue() == 0 ? "" : "exit " + p.exitValue() + ": " + out;
    }

    @Test
    void reports_status_triggers_and_metrics_of_a_running_schedule() throws Exception {
        startAgent();
        await().atMost(Duration.ofSeconds(30)).until(() -> agent.status().triggers().size() >= 1
                && agent.status().snapshot().testCount() >= 9);

        JsonNode status = json(get("/api/autoperf/status"));
        assertThat(status.get("enabled").asBoolean()).isTrue();
        assertThat(status.get("current_tier").asInt()).isEqualTo(2);
        assertThat(status.get("last_run").asText()).endsWith("Z");
        assertThat(status.get("next_run").asText()).endsWith("Z");
        assertThat(status.get("test_count").asLong()).isGreaterThanOrEqualTo(9);
        assertThat(status.get("triggers")).hasSize(1);
        assertThat(status.get("outbox").get("sinks").get(0).get("name").asText()).isEqualTo("file");

        JsonNode triggers = json(get("/api/autoperf/triggers")).get("triggers");
        assertThat(triggers.get(0).get("from_tier").asInt()).isEqualTo(1);
        assertThat(triggers.get(0).get("to_tier").asInt()).isEqualTo(2);
        assertThat(triggers.get(0).get("reason").asText()).startsWith("ping_latency exceeded: ");
        assertThat(triggers.get(0).get("timestamp").asText()).endsWith("Z");
        await().atMost(Duration.ofSeconds(10)).until(() -> !json(get("/api/autoperf/triggers")).get("triggers").get(0)
                .get("duration").isNull());

        HttpResponse<String> metrics = get("/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        String text = metrics.body();
        assertThat(text).contains(
                "probe_success{probe=\"web\",target=\"http://127.0.0.1:" + web.getAddress().getPort()
                        + "/health\",test_type=\"http\",tier=\"1\"} 1",
                "probe_duration_seconds{probe=\"echo\"",
                "probe_http_duration_seconds{phase=\"connect\",probe=\"web\"",
                "probe_http_duration_seconds{phase=\"processing\",probe=\"web\"",
                "probe_http_status_code{probe=\"web\"",
                "probe_icmp_duration_seconds{phase=\"rtt\",probe=\"ping\"",
                "probe_dns_lookup_time_seconds{probe=\"dns\"",
                "waddleperf_probe_latency_seconds{probe=\"echo\"",
                "waddleperf_probe_packet_loss_ratio{probe=\"echo\"",
                "waddleperf_tier_escalations_total{from_tier=\"1\",to_tier=\"2\"} 1.0",
                "waddleperf_probe_runs_total{probe=\"port\",result=\"success\",test_type=\"tcp\",tier=\"2\"}",
                "waddleperf_outbox_pending_results{sink=\"file\"}",
                "waddleperf_outbox_bytes ",
                "# TYPE probe_success gauge",
                "# TYPE waddleperf_tier_escalations_total counter");
        assertThat(promtool(text)).isEmpty();
    }

    @Test
    void probes_on_demand_like_blackbox_exporter() throws Exception {
        startAgent();
        agent.pause();

        HttpResponse<String> tcpProbe = get("/probe?target=127.0.0.1:" + tcp.getLocalPort() + "&module=tcp");
        HttpResponse<String> httpProbe = get("/probe?target=http://127.0.0.1:" + web.getAddress().getPort() + "/");
        HttpResponse<String> dnsProbe = get("/probe?module=dns&target=" + java.net.URLEncoder.encode(
                "dns://127.0.0.1:" + dns.port() + "/www.waddleperf.test", StandardCharsets.UTF_8));
        HttpResponse<String> refused = get("/probe?target=127.0.0.1:1&module=tcp");

        assertThat(tcpProbe.body()).contains("probe_success 1.0", "probe_duration_seconds ")
                .doesNotContain("probe_http_status_code");
        assertThat(httpProbe.body()).contains("probe_success 1.0", "probe_http_status_code 200.0",
                "probe_http_duration_seconds{phase=\"connect\"}", "probe_http_duration_seconds{phase=\"transfer\"}");
        assertThat(dnsProbe.body()).contains("probe_success 1.0", "probe_dns_lookup_time_seconds ");
        assertThat(refused.statusCode()).isEqualTo(200);
        assertThat(refused.body()).contains("probe_success 0.0");
        for (HttpResponse<String> r : java.util.List.of(tcpProbe, httpProbe, dnsProbe, refused)) {
            assertThat(promtool(r.body())).isEmpty();
        }
        assertThat(get("/probe?target=127.0.0.1&module=iperf3").statusCode()).isEqualTo(400);
        assertThat(get("/probe?module=tcp").statusCode()).isEqualTo(400);
        assertThat(get("/probe?target=127.0.0.1:80&module=smoke").body()).startsWith("invalid probe: ");
        assertThat(get("/nothing").statusCode()).isEqualTo(404);
        assertThat(json(get("/health")).get("status").asText()).isEqualTo("healthy");
    }
}
