package io.waddleperf.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.waddleperf.iperf3.JsonFrames;
import io.waddleperf.testkit.Requirements;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * iperf3's -C, -M and -Z honoured on our own sockets, each seen from outside the code that set it: {@code ss -ti}
 * (the kernel's view of every connection: algorithm name, {@code mss:}) while a test runs, and the open files of
 * this process for the zero-copy sender's block file.
 */
class Iperf3SocketOptionsIT {

    private static final Path IPERF3 = Path.of("/usr/bin/iperf3");
    private static final Path SS = Path.of("/usr/bin/ss");
    /** One connection in {@code ss -tin}: its two ends, then the indented line of its TCP figures. */
    private static final Pattern CONNECTION = Pattern.compile(
            "(?m)^ESTAB\\s+\\d+\\s+\\d+\\s+(\\S+)\\s+(\\S+)\\s*\\n\\s+(\\S+) (.*)$");

    /** One connection: its ends, its congestion control, and the rest of its figures. */
    private record Connection(String local, String peer, String algorithm, String figures) {
        long figure(String name) {
            Matcher m = Pattern.compile(" " + name + ":(\\d+)").matcher(" " + figures + " ");
            return m.find() ? Long.parseLong(m.group(1)) : 0;
        }

        long bytesSent() {
            return figure("bytes_sent");
        }

        long mss() {
            return figure("mss");
        }
    }

    private static void assumeTools() {
        Requirements.require(Files.isExecutable(IPERF3), "stock iperf3 at " + IPERF3);
        Requirements.require(Files.isExecutable(SS), "ss (iproute2) at " + SS);
    }

    private static String systemDefault() throws Exception {
        return Files.readString(Path.of("/proc/sys/net/ipv4/tcp_congestion_control")).strip();
    }

    /** The established TCP connections with {@code filter} (an ss filter such as {@code dport = :5201}). */
    private static List<Connection> connections(String filter) throws Exception {
        Process p = new ProcessBuilder(SS.toString(), "-tin", "state", "established", "( " + filter + " )")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        // ss leaves out the state column with a state filter: put it back so one pattern reads both forms
        out = out.replaceAll("(?m)^(\\d+\\s+\\d+\\s+\\S+:\\d+\\s)", "ESTAB $1");
        List<Connection> found = new ArrayList<>();
        Matcher m = CONNECTION.matcher(out);
        while (m.find()) {
            found.add(new Connection(m.group(1), m.group(2), m.group(3), m.group(4)));
        }
        return found;
    }

    /** The connection that has sent the most: a data stream, not the control connection. */
    private static Connection busiest(List<Connection> connections) {
        return connections.stream().max(java.util.Comparator.comparingLong(Connection::bytesSent)).orElseThrow();
    }

    /** Runs {@code waddleperf iperf3 args} on a thread, the result in {@code result} once it ends. */
    private static Thread ours(AtomicReference<TestCommandIT.Run> result, String... args) {
        List<String> all = new ArrayList<>(List.of("iperf3"));
        all.addAll(List.of(args));
        return Thread.ofPlatform().start(() -> result.set(TestCommandIT.run(all.toArray(String[]::new))));
    }


    @Test
    void client_C_and_M_set_the_algorithm_and_mss_of_its_data_streams() throws Exception {
        assumeTools();
        String dflt = systemDefault();
        String other = dflt.equals("reno") ? "cubic" : "reno";
        try (Iperf3CommandIT.StockServer server = Iperf3CommandIT.StockServer.start()) {
            int port = server.port();
            AtomicReference<TestCommandIT.Run> result = new AtomicReference<>();
            Thread client = ours(result, "-c", "127.0.0.1", "-p", String.valueOf(port), "-t", "3", "-C", other, "-M",
                    "1000", "-J");
            // while data flows, the kernel's own view of our sending stream
            Connection stream = Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> connections("dport = :" + port), c -> !c.isEmpty() && busiest(c).bytesSent() > 1_000_000)
                    .stream().max(java.util.Comparator.comparingLong(Connection::bytesSent)).orElseThrow();
            client.join(30_000);
            assertThat(result.get().exit()).as(result.get().out() + result.get().err()).isZero();
            assertThat(result.get().err()).doesNotContain("-C", "-M");
            assertThat(stream.algorithm()).as(stream.toString()).isEqualTo(other);
            // the SYN announced 1000 bytes; TCP timestamps take 12 of them
            assertThat(stream.mss()).as(stream.toString()).isBetween(900L, 1000L);
            JsonNode json = JsonFrames.mapper().readTree(result.get().out());
            // ours as we read it back, and the stock server's own socket, which took -C from the test's parameters
            assertThat(json.at("/end/sender_tcp_congestion").asText()).isEqualTo(other);
            assertThat(json.at("/end/receiver_tcp_congestion").asText()).isEqualTo(other);
        }
    }

    @Test
    void our_server_sends_with_the_algorithm_a_stock_client_asks_for() throws Exception {
        assumeTools();
        String other = systemDefault().equals("reno") ? "cubic" : "reno";
        int port = Iperf3CommandIT.freePort();
        AtomicReference<TestCommandIT.Run> result = new AtomicReference<>();
        Thread server = ours(result, "-s", "-1", "-B", "127.0.0.1", "-p", String.valueOf(port));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> Iperf3CommandIT.listening(port));
        Process client = new ProcessBuilder(IPERF3.toString(), "-c", "127.0.0.1", "-p", String.valueOf(port), "-t",
                "3", "-R", "-C", other, "-J").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        Connection stream = Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> connections("sport = :" + port), c -> !c.isEmpty() && busiest(c).bytesSent() > 1_000_000)
                .stream().max(java.util.Comparator.comparingLong(Connection::bytesSent)).orElseThrow();
        String out = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(client.waitFor(30, TimeUnit.SECONDS)).isTrue();
        server.join(30_000);
        assertThat(stream.algorithm()).as(stream.toString()).isEqualTo(other);
        // what our server reported as the sender's congestion_used
        assertThat(JsonFrames.mapper().readTree(out).at("/end/sender_tcp_congestion").asText()).isEqualTo(other);
    }

    @Test
    void an_algorithm_the_kernel_lacks_fails_as_stock_fails_naming_the_ones_it_has() throws Exception {
        assumeTools();
        try (Iperf3CommandIT.StockServer server = Iperf3CommandIT.StockServer.start()) {
            int port = server.port();
            TestCommandIT.Run r = TestCommandIT.run("iperf3", "-c", "127.0.0.1", "-p", String.valueOf(port), "-t", "1",
                    "-C", "no-such-cc");
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err().strip()).startsWith("iperf3: error - unable to set TCP_CONGESTION: Supplied congestion "
                    + "control algorithm not supported on this host").contains("'no-such-cc'")
                    .contains(systemDefault()).doesNotContain("Exception");
            TestCommandIT.Run big = TestCommandIT.run("iperf3", "-c", "127.0.0.1", "-p", String.valueOf(port), "-M",
                    "10000");
            assertThat(big.exit()).isEqualTo(2);
            assertThat(big.err()).contains("TCP MSS too large (maximum = 9216 bytes)");
            TestCommandIT.Run small = TestCommandIT.run("iperf3", "-c", "127.0.0.1", "-p", String.valueOf(port), "-t",
                    "1", "-M", "50");
            assertThat(small.exit()).isEqualTo(1);
            assertThat(small.err()).contains("iperf3: error - unable to set TCP/SCTP MSS");
        }
    }

    /**
     * -Z: the sender keeps its block in a file it sends from (sendfile), open while the test runs and gone after;
     * the server received what we sent, and no "not available" line is printed.
     */
    @Test
    void zerocopy_sends_from_a_block_file_and_the_server_gets_every_byte() throws Exception {
        assumeTools();
        try (Iperf3CommandIT.StockServer server = Iperf3CommandIT.StockServer.start()) {
            int port = server.port();
            AtomicReference<TestCommandIT.Run> result = new AtomicReference<>();
            Thread client = ours(result, "-c", "127.0.0.1", "-p", String.valueOf(port), "-t", "2", "-Z", "-J");
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !openBlockFiles().isEmpty());
            client.join(30_000);
            assertThat(result.get().exit()).as(result.get().err()).isZero();
            assertThat(result.get().err()).isEmpty();
            assertThat(openBlockFiles()).isEmpty();
            JsonNode json = JsonFrames.mapper().readTree(result.get().out());
            long sent = json.at("/end/sum_sent/bytes").asLong();
            assertThat(sent).isGreaterThan(10_000_000L);
            // the server stops counting at the end with the last few kilobytes still in flight, as without -Z
            assertThat(json.at("/end/sum_received/bytes").asLong()).isCloseTo(sent, org.assertj.core.data.Percentage.withPercentage(1));
            // -u has nothing to send from a file: one line says so and the test runs
            TestCommandIT.Run udp = TestCommandIT.run("iperf3", "-c", "127.0.0.1", "-p", String.valueOf(port), "-t",
                    "1", "-u", "-Z");
            assertThat(udp.exit()).as(udp.err()).isZero();
            assertThat(udp.err().lines()).hasSize(1).allSatisfy(l -> assertThat(l).contains("-Z", "UDP"));
        }
    }

    /** Files of this process named like the zero-copy sender's block file. */
    private static List<String> openBlockFiles() throws Exception {
        List<String> found = new ArrayList<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.contains("waddleperf-iperf3-zerocopy-") && target.contains(".block")) {
                        found.add(target);
                    }
                } catch (java.io.IOException e) {
                    // closed since the listing
                }
            }
        }
        return found;
    }
}
