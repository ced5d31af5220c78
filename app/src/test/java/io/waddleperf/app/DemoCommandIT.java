package io.waddleperf.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.waddleperf.core.result.Json;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code waddleperf demo} as a person meets it: the whole platform on 127.0.0.1, a manager whose API (and so its
 * dashboard) shows the enrolled agent's results within a minute, and a stop that leaves no thread, port or folder
 * behind.
 */
class DemoCommandIT {

    private static final InetAddress LOOPBACK = InetAddress.ofLiteral("127.0.0.1");

    @Test
    void once_runs_every_probe_and_confirms_the_agents_results_are_in_the_manager() {
        TestCommandIT.Run r = TestCommandIT.run("demo", "--once");
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        var rows = r.out().lines().filter(l -> l.matches("\\s+(tcp|udp|http|dns|iperf3|speedtest)\\s+.*")).toList();
        assertThat(rows).as(r.out()).hasSize(6).allSatisfy(row -> assertThat(row).contains(" ok "));
        assertThat(rows).anySatisfy(row -> assertThat(row).matches("\\s+iperf3\\s+iperf3://127\\.0\\.0\\.1:\\d+.*upload [\\d.]+ [GM]bit/s.*"));
        assertThat(rows).anySatisfy(row -> assertThat(row).matches("\\s+speedtest\\s+.*download [\\d.]+ [GM]bit/s, upload [\\d.]+ [GM]bit/s.*"));
        assertThat(r.out()).containsPattern("agent results stored in the manager: \\d+ \\(.*dns.*http.*tcp.*udp.*\\) from device "
                + DemoPlatform.DEVICE_SERIAL);
        assertThat(r.out()).contains("web UI        http://127.0.0.1:").contains("listening on 127.0.0.1").contains("test API key")
                .contains("all probes succeeded");
        assertThat(r.out()).doesNotContain("FAILED");
    }

    @Test
    void probes_only_is_the_test_server_and_four_probes() {
        TestCommandIT.Run r = TestCommandIT.run("demo", "--probes-only");
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        var rows = r.out().lines().filter(l -> l.matches("\\s+(tcp|udp|http|dns)\\s+.*")).toList();
        assertThat(rows).hasSize(4).allSatisfy(row -> assertThat(row).contains(" ok "));
        assertThat(r.out()).doesNotContain("web UI");
    }

    @Test
    void runs_until_stopped_shows_agent_results_through_the_manager_api_and_stops_cleanly() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        DemoCommand demo = new DemoCommand();
        CommandLine cl = new CommandLine(demo);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int[] exit = {-1};
        Thread run = Thread.ofPlatform().name("demo-under-test").start(() -> exit[0] = cl.execute("--interval", "2s"));
        try {
            // the header: where the UI is and the password, printed once
            await().atMost(Duration.ofSeconds(90)).until(() -> out.toString().contains("data  ") || !run.isAlive());
            String header = out.toString();
            Matcher ui = find(header, "web UI\\s+(http://127\\.0\\.0\\.1:(\\d+)/)\\s+log in as demo / (\\S+)");
            URI manager = URI.create(ui.group(1));
            String password = ui.group(3);
            int agentPort = Integer.parseInt(find(header, "agent status\\s+http://127\\.0\\.0\\.1:(\\d+)/").group(1));
            int httpPort = Integer.parseInt(find(header, "listening on 127\\.0\\.0\\.1: http (\\d+)").group(1));
            int udpPort = Integer.parseInt(find(header, "udp echo (\\d+)").group(1));
            int iperf3Port = Integer.parseInt(find(header, "iperf3 (\\d+)").group(1));
            Path data = Path.of(find(header, "data\\s+(\\S+)").group(1));
            assertThat(data).isDirectory();

            // the UI is served, and the printed password logs in through the API
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(manager).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).containsIgnoringCase("<html");
            HttpResponse<String> login = http.send(HttpRequest.newBuilder(manager.resolve("/api/v1/auth/login"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(Json.write(Map.of("username", "demo", "password", password))))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
            String token = Json.mapper().readTree(login.body()).get("token").asText();

            // within a minute the statistics (the dashboard's source) and the results hold the agent's measurements
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                JsonNode summary = get(http, manager, "/api/v1/statistics/summary", token);
                Set<String> types = new java.util.TreeSet<>();
                summary.get("groups").forEach(g -> {
                    if (g.get("count").asLong() > 0) {
                        types.add(g.get("test_type").asText());
                    }
                });
                assertThat(types).contains("tcp", "udp", "http", "dns");
                JsonNode results = get(http, manager, "/api/v1/results?device_serial=" + DemoPlatform.DEVICE_SERIAL, token);
                assertThat(results.size()).isPositive();
                assertThat(results.get(0).get("source").asText()).isEqualTo("agent");
            });
            // the device is listed as the demo OU's, and the table goes on with the manager's figures
            JsonNode devices = get(http, manager, "/api/v1/devices", token);
            assertThat(devices.get("devices").findValuesAsText("device_serial")).contains(DemoPlatform.DEVICE_SERIAL);
            await().atMost(Duration.ofSeconds(30)).until(() -> out.toString().contains("round 2"));
            assertThat(out.toString()).containsPattern("manager   \\d+ results stored in the last 24 h");

            demo.stop();
            run.join(Duration.ofSeconds(60));
            assertThat(run.isAlive()).isFalse();
            assertThat(exit[0]).as(err.toString()).isZero();
            assertThat(data).doesNotExist();
            // every port can be bound again at once
            for (int port : new int[] {ui.group(2).isEmpty() ? 0 : Integer.parseInt(ui.group(2)), agentPort, httpPort, iperf3Port}) {
                try (ServerSocket s = new ServerSocket()) {
                    s.bind(new InetSocketAddress(LOOPBACK, port));
                }
            }
            try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(LOOPBACK, udpPort))) {
                assertThat(s.getLocalPort()).isEqualTo(udpPort);
            }
            // and no thread of the demo is left running (this test's own client is done too)
            http.close();
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(leftovers(before)).isEmpty());
        } finally {
            if (run.isAlive()) {
                demo.stop();
            }
            http.close();
        }
    }

    /**
     * Threads started since {@code before} that are still alive, less shared pools that live as long as the JVM: the
     * JDK's (the carriers of virtual threads among them), awaitility's own, and the metrics library's one scheduler (a static daemon the agent's metrics start once
     * per JVM, not per agent).
     */
    private static Set<String> leftovers(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !before.contains(t) && t.isAlive()
                        && !t.getClass().getName().equals("jdk.internal.misc.CarrierThread"))
                .map(Thread::getName)
                .filter(n -> !n.startsWith("ForkJoinPool.commonPool") && !n.equals("process reaper")
                        && !n.startsWith("Attach Listener")
                        && !n.equals("awaitility-thread") && !n.startsWith("prometheus-metrics-scheduler"))
                .collect(Collectors.toCollection(java.util.TreeSet::new));
    }

    private static Matcher find(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as("'%s' in:%n%s", regex, text).isTrue();
        return m;
    }

    private static JsonNode get(HttpClient http, URI manager, String path, String token) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(manager.resolve(path)).header("Authorization", "Bearer " + token)
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Json.mapper().readTree(r.body());
    }
}
