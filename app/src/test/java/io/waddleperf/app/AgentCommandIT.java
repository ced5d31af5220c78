package io.waddleperf.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.core.result.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code waddleperf agent}: configuration errors, and a real run in a child JVM stopped by SIGTERM. */
class AgentCommandIT {

    @TempDir
    Path dir;

    @Test
    void a_configuration_error_names_the_key_path_and_the_agent_does_not_start() throws IOException {
        Path f = dir.resolve("autoperf.yml");
        Files.writeString(f, "target_server: 127.0.0.1\nautoperf:\n  intervl: 30s\n");

        TestCommandIT.Run r = TestCommandIT.run("agent", "--config", f.toString(), "--set", "status.port=99999");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("waddleperf agent: invalid configuration:",
                "unknown key 'autoperf.intervl' in " + f + ":3 (did you mean 'interval'?)",
                "'status.port' from flag 'status.port': must be between 0 (any free port) and 65535, got 99999");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void config_lists_the_agents_keys_and_the_original_variables_work() {
        TestCommandIT.Run keys = TestCommandIT.run("config", "agent", "--keys");

        assertThat(keys.exit()).isZero();
        assertThat(keys.out()).contains("autoperf.interval", "WADDLEPERF_AGENT_AUTOPERF__INTERVAL", "manager.api_key_file",
                "status.port");
    }

    @Test
    void runs_until_terminated_and_answers_on_its_status_port() throws Exception {
        int peer;
        try (ServerSocket tcp = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            peer = tcp.getLocalPort();
            Thread.ofVirtual().start(() -> {
                while (!tcp.isClosed()) {
                    try {
                        tcp.accept().close();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            Path f = dir.resolve("autoperf.yml");
            Files.writeString(f, """
                    autoperf:
                      interval: 1s
                      tier1:
                        probes: [{name: port, target: "tcp://{target_server}:%d"}]
                    sinks:
                      file: {enabled: true}
                    status: {bind: 127.0.0.1, port: 0}
                    """.formatted(peer));
            String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
            ProcessBuilder pb = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                    System.getProperty("java.class.path"), WaddlePerf.class.getName(), "agent", "--config", f.toString(),
                    "--set", "data_dir=" + dir.resolve("data")).redirectError(dir.resolve("agent.log").toFile());
            pb.environment().put("TARGET_SERVER", "127.0.0.1");
            Process p = pb.start();
            try {
                String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
                assertThat(line).as("first line; log %s", dir.resolve("agent.log"))
                        .startsWith("waddleperf agent ").contains("running: AutoPerf every 1s against 127.0.0.1");
                Matcher m = Pattern.compile("status http://127\\.0\\.0\\.1:(\\d+)/").matcher(line);
                assertThat(m.find()).isTrue();
                URI status = URI.create("http://127.0.0.1:" + m.group(1) + "/api/autoperf/status");
                HttpClient http = HttpClient.newHttpClient();
                long count = 0;
                for (int i = 0; i < 50 && count < 2; i++) {
                    Thread.sleep(200);
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(status).timeout(Duration.ofSeconds(5)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    count = Json.mapper().readTree(r.body()).get("test_count").asLong();
                }
                assertThat(count).isGreaterThanOrEqualTo(2);
            } finally {
                p.destroy(); // SIGTERM: the shutdown hook closes the agent
                assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(p.exitValue()).as(Files.readString(dir.resolve("agent.log"))).isIn(0, 143);
            List<String> lines = Files.readAllLines(dir.resolve("data/results.jsonl"));
            assertThat(lines).hasSizeGreaterThanOrEqualTo(2);
            assertThat(Json.readResult(lines.getFirst()).targetPort()).isEqualTo(peer);
        }
    }
}
