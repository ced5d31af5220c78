package io.waddleperf.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.waddleperf.core.result.Json;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.iperf3.JsonFrames;
import io.waddleperf.iperf3.server.Iperf3Server;
import io.waddleperf.iperf3.server.Iperf3ServerConfig;
import io.waddleperf.probes.net.NetlinkTcpStats;
import io.waddleperf.testkit.ResultSchema;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** {@code waddleperf test iperf3://…} and {@code waddleperf iperf3} against our server and stock iperf3 3.12. */
class Iperf3CommandIT {

    private static final Path IPERF3 = Path.of("/usr/bin/iperf3");
    /**
     * Keys stock iperf3 fills from TCP_MAXSEG / TCP_CONGESTION, which our client does not read (the TCP_INFO figures,
     * retransmits, cwnd and RTT, it reads through sock_diag).
     */
    private static final Set<String> NOT_READ = Set.of("tcp_mss_default", "sender_tcp_congestion",
            "receiver_tcp_congestion");

    private static Iperf3Server ourServer() throws Exception {
        return Iperf3Server.start(Iperf3ServerConfig.defaults().withBind(InetAddress.getLoopbackAddress(), 0)
                .withTcpStats(NetlinkTcpStats.INSTANCE));
    }

    @Test
    void test_command_maps_bandwidth_flags_onto_the_iperf3_probe() throws Exception {
        try (Iperf3Server server = ourServer()) {
            TestCommandIT.Run r = TestCommandIT.run("test", "iperf3://127.0.0.1:" + server.port(), "--time", "1",
                    "--parallel", "2", "--reverse", "--length", "64K", "--json");
            assertThat(r.exit()).as(r.err()).isZero();
            ResultSchema.assertValidJson(r.out());
            ProbeResult result = Json.readResult(r.out());
            assertThat(result.success()).as(result.error()).isTrue();
            assertThat(result.downloadMbps()).isPositive();
            assertThat(result.rawResults()).containsEntry("streams", 2).containsEntry("direction", "reverse");
            // our server sent and read its sockets' retransmits (sender_has_retransmits 1)
            assertThat(result.retransmits()).isNotNull().isGreaterThanOrEqualTo(0);
        }
    }

    @Test
    void json_output_carries_the_kernels_tcp_figures_of_the_streams_we_send() throws Exception {
        try (Iperf3Server server = ourServer()) {
            TestCommandIT.Run r = TestCommandIT.run("iperf3", "-c", "127.0.0.1", "-p", String.valueOf(server.port()),
                    "-t", "2", "-P", "2", "-J");
            assertThat(r.exit()).as(r.err()).isZero();
            JsonNode json = JsonFrames.mapper().readTree(r.out());
            long intervalRetransmits = 0;
            for (JsonNode interval : json.path("intervals")) {
                long sum = 0;
                for (JsonNode s : interval.path("streams")) {
                    assertThat(s.path("retransmits").isIntegralNumber()).as(s.toString()).isTrue();
                    assertThat(s.path("retransmits").asLong()).isNotNegative();
                    assertThat(s.path("snd_cwnd").asLong()).as(s.toString()).isPositive();
                    assertThat(s.path("rtt").asLong()).as(s.toString()).isPositive();
                    assertThat(s.path("pmtu").asLong()).as(s.toString()).isPositive();
                    assertThat(s.has("rttvar")).isTrue();
                    sum += s.path("retransmits").asLong();
                }
                assertThat(interval.at("/sum/retransmits").asLong()).isEqualTo(sum);
                intervalRetransmits += sum;
            }
            long total = 0;
            for (JsonNode stream : json.at("/end/streams")) {
                JsonNode sender = stream.path("sender");
                assertThat(sender.path("max_snd_cwnd").asLong()).as(sender.toString()).isPositive();
                assertThat(sender.path("min_rtt").asLong()).isPositive()
                        .isLessThanOrEqualTo(sender.path("mean_rtt").asLong());
                assertThat(sender.path("mean_rtt").asLong()).isLessThanOrEqualTo(sender.path("max_rtt").asLong());
                total += sender.path("retransmits").asLong(-1);
            }
            // without -O the intervals add up to the whole test's count, which the end sums repeat
            assertThat(json.at("/end/sum_sent/retransmits").asLong(-1)).isEqualTo(total).isEqualTo(intervalRetransmits);
            assertThat(json.at("/end/sum_received").has("retransmits")).isFalse();
        }
    }

    @Test
    void bandwidth_flags_are_refused_for_other_probe_types() throws Exception {
        TestCommandIT.Run r = TestCommandIT.run("test", "tcp://127.0.0.1:" + TestCommandIT.closedPort(), "--udp");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--udp applies to iperf3:// targets only");
    }

    @Test
    void client_prints_iperf3_style_intervals_and_summary() throws Exception {
        try (Iperf3Server server = ourServer()) {
            TestCommandIT.Run r = TestCommandIT.run("iperf3", "-c", "127.0.0.1", "-p", String.valueOf(server.port()),
                    "-t", "2");
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).contains("Connecting to host 127.0.0.1").contains("[  1]   0.00-1.00   sec")
                    .containsPattern("bits/sec  sender").containsPattern("bits/sec  receiver").contains("iperf Done.");
        }
    }

    @Test
    void server_mode_serves_a_stock_client_until_interrupted() throws Exception {
        assumeStock();
        int port = freePort();
        Thread server = Thread.ofPlatform().start(() -> TestCommandIT.run("iperf3", "-s", "-B", "127.0.0.1",
                "-p", String.valueOf(port)));
        try {
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> listening(port));
            JsonNode json = stock("-c", "127.0.0.1", "-p", String.valueOf(port), "-t", "1", "-J");
            assertThat(json.at("/end/sum_received/bytes").asLong()).isPositive();
        } finally {
            server.interrupt();
            server.join(10_000);
        }
        assertThat(server.isAlive()).isFalse();
    }

    @Test
    void json_output_has_every_field_of_stock_iperf3_json_in_tcp_udp_and_bidir() throws Exception {
        assumeStock();
        for (List<String> mode : List.<List<String>>of(List.of(), List.of("-u", "-b", "10M", "-l", "1400"),
                List.of("--bidir"))) {
            int port = freePort();
            Process server = new ProcessBuilder(IPERF3.toString(), "-s", "-B", "127.0.0.1", "-p", String.valueOf(port))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try {
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> listening(port));
                List<String> args = new ArrayList<>(List.of("-c", "127.0.0.1", "-p", String.valueOf(port), "-t", "1",
                        "-J"));
                args.addAll(mode);
                JsonNode stock = stock(args.toArray(String[]::new));
                TestCommandIT.Run ours = null;
                for (int attempt = 0; attempt < 30 && (ours == null || ours.exit() != 0); attempt++) {
                    Thread.sleep(100); // the stock server returns to idle a moment after its previous client left
                    List<String> ourArgs = new ArrayList<>(List.of("iperf3"));
                    ourArgs.addAll(args);
                    ours = TestCommandIT.run(ourArgs.toArray(String[]::new));
                }
                assertThat(ours.exit()).as(ours.out() + ours.err()).isZero();
                Set<String> missing = paths(stock);
                missing.removeAll(paths(JsonFrames.mapper().readTree(ours.out())));
                missing.removeIf(p -> NOT_READ.contains(p.substring(p.lastIndexOf('/') + 1)));
                assertThat(missing).as("stock iperf3 -J fields missing from ours, mode " + mode).isEmpty();
            } finally {
                server.destroy();
                server.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    /** Every key path of a JSON document, array elements folded into {@code []}. */
    private static Set<String> paths(JsonNode node) {
        Set<String> out = new TreeSet<>();
        collect(node, "", out);
        return out;
    }

    private static void collect(JsonNode node, String prefix, Set<String> out) {
        if (node.isObject()) {
            node.properties().forEach(e -> {
                out.add(prefix + "/" + e.getKey());
                collect(e.getValue(), prefix + "/" + e.getKey(), out);
            });
        } else if (node.isArray()) {
            node.forEach(e -> collect(e, prefix + "[]", out));
        }
    }

    private static void assumeStock() {
        boolean present = Files.isExecutable(IPERF3);
        if (!present && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("iperf3 is not installed (apt-get install iperf3) and CI=true");
        }
        Assumptions.assumeTrue(present, "iperf3 not installed; apt-get install iperf3 to run");
    }

    private static JsonNode stock(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(IPERF3.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        JsonNode json = JsonFrames.mapper().readTree(out);
        assertThat(json.has("error")).as(out).isFalse();
        return json;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /**
     * Whether a TCP listener is on the port, IPv4 or dual-stack IPv6 socket (from /proc, since a probe connection
     * would count as a client).
     */
    private static boolean listening(int port) throws Exception {
        String hex = String.format(":%04X ", port);
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            if (Files.readAllLines(Path.of(table)).stream().anyMatch(l -> l.contains(hex) && l.contains(" 0A "))) {
                return true;
            }
        }
        return false;
    }
}
