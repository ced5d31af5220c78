package io.waddleperf.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.waddleperf.core.result.Json;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.testserver.echo.UdpEchoResponder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outbox's promise end to end: an agent (a child JVM, probing real peers on loopback) runs while its manager is
 * down, is killed with SIGKILL mid-run and started again, the manager comes up, the agent is killed once more while
 * delivering and started again, and in the end every result it made is in the manager exactly once and in the
 * results file exactly once — hundreds of results, compared by id.
 */
class AgentCrashIT {

    @TempDir
    Path dir;

    private final List<Process> children = new ArrayList<>();

    private Process startAgent(Path config, String apiKey, int n) throws IOException {
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
        ProcessBuilder pb = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-Xmx256m", "-cp",
                System.getProperty("java.class.path"), AgentChild.class.getName(), config.toString())
                .redirectError(log(n).toFile());
        pb.environment().put("MANAGER_API_KEY", apiKey);
        Process p = pb.start();
        children.add(p);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        assertThat(line).as("agent %d's first line (log: %s)", n, log(n)).startsWith("READY");
        return p;
    }

    /** Each child's log, kept under target/ for when the test fails. */
    private static Path log(int n) throws IOException {
        Path logs = Files.createDirectories(Path.of("target", "agent-crash-logs"));
        return logs.resolve("agent-" + n + ".log");
    }

    private static void kill9(Process p) throws InterruptedException {
        p.destroyForcibly(); // SIGKILL: no shutdown hook, no flush, no goodbye
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(137);
    }

    private List<String> fileIds() throws IOException {
        Path f = dir.resolve("data/results.jsonl");
        if (!Files.exists(f)) {
            return List.of();
        }
        List<String> ids = new ArrayList<>();
        for (String line : Files.readAllLines(f)) {
            if (line.endsWith("}")) {
                ids.add(Json.readResult(line).id().toString());
            }
        }
        return ids;
    }

    @Test
    void every_result_reaches_the_manager_and_the_file_exactly_once_through_a_manager_outage_and_two_kills()
            throws Exception {
        InetAddress lo = InetAddress.getLoopbackAddress();
        try (ManagerPeer manager = new ManagerPeer(dir.resolve("manager"));
             UdpEchoResponder echo = UdpEchoResponder.start(new InetSocketAddress(lo, 0), Set.of());
             ServerSocket tcp = new ServerSocket(0, 200, lo)) {
            Thread.ofVirtual().start(() -> {
                while (!tcp.isClosed()) {
                    try {
                        tcp.accept().close();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            manager.start();
            String apiKey = manager.apiKey();
            manager.stop(); // down for the first part of the run
            Path config = dir.resolve("autoperf.yml");
            Files.writeString(config, """
                    target_server: 127.0.0.1
                    data_dir: %s
                    autoperf:
                      interval: 100ms
                      tier1:
                        probes:
                          - {name: echo, target: "udp://{target_server}:%d", options: {count: 2, interval: 5ms}}
                          - {name: port_a, target: "tcp://{target_server}:%d"}
                          - {name: port_b, target: "tcp://{target_server}:%d"}
                          - {name: port_c, target: "tcp://{target_server}:%d"}
                      tier2: {enabled: false}
                      tier3: {enabled: false}
                    manager:
                      url: %s
                      batch_size: 25
                    outbox:
                      retry_initial: 50ms
                      retry_max: 500ms
                    sinks:
                      file: {enabled: true, batch_size: 25}
                    status:
                      bind: 127.0.0.1
                      port: 0
                    """.formatted(dir.resolve("data"), echo.port(), tcp.getLocalPort(), tcp.getLocalPort(),
                    tcp.getLocalPort(), manager.url()));

            Process first = startAgent(config, apiKey, 1);
            await().atMost(Duration.ofSeconds(60)).until(() -> fileIds().size() >= 150);
            kill9(first);
            int afterFirstKill = fileIds().size();

            Process second = startAgent(config, apiKey, 2);
            await().atMost(Duration.ofSeconds(60)).until(() -> fileIds().size() >= afterFirstKill + 100);
            manager.start(); // back
            await().atMost(Duration.ofSeconds(60)).until(() -> manager.storedRows() >= 100);
            kill9(second); // this time in the middle of delivering to the manager
            long storedAtSecondKill = manager.storedRows();

            Process third = startAgent(config, apiKey, 3);
            await().atMost(Duration.ofSeconds(60)).until(() -> fileIds().size() >= afterFirstKill + 250);
            Writer in = new OutputStreamWriter(third.getOutputStream(), StandardCharsets.UTF_8);
            in.write("pause\n");
            in.flush();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
                List<String> ids = fileIds();
                return !ids.isEmpty() && manager.storedRows() == ids.size() && fileIds().size() == ids.size();
            });
            in.close();
            assertThat(third.waitFor(30, TimeUnit.SECONDS)).isTrue();

            List<String> inFile = fileIds();
            Set<String> inManager = manager.storedIds();
            System.out.printf("AgentCrashIT: %d results; %d in the file at the first kill, %d in the manager at the "
                    + "second%n", inFile.size(), afterFirstKill, storedAtSecondKill);
            assertThat(inFile).as("the results file has each result once").doesNotHaveDuplicates();
            assertThat(inFile.size()).as("hundreds of results").isGreaterThanOrEqualTo(400);
            assertThat(inManager).as("the manager has exactly the results the agent made")
                    .containsExactlyInAnyOrderElementsOf(inFile);
            assertThat(manager.storedRows()).isEqualTo(inFile.size());
            assertThat(storedAtSecondKill).isLessThan(inFile.size());
            try (Stream<Path> segs = Files.list(dir.resolve("data/outbox/segments"))) {
                assertThat(segs.count()).as("delivered segments are gone").isLessThanOrEqualTo(1);
            }
            Set<Integer> ports = new HashSet<>();
            for (String line : Files.readAllLines(dir.resolve("data/results.jsonl"))) {
                ProbeResult r = Json.readResult(line);
                assertThat(r.tier()).isEqualTo(1);
                ports.add(r.targetPort());
            }
            assertThat(ports).contains(echo.port(), tcp.getLocalPort());
        } finally {
            for (Process p : children) {
                p.destroyForcibly();
            }
        }
    }
}
