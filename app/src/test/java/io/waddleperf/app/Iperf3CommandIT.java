package io.waddleperf.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.waddleperf.core.result.Json;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.iperf3.JsonFrames;
import io.waddleperf.iperf3.server.Iperf3Server;
import io.waddleperf.iperf3.server.Iperf3ServerConfig;
import io.waddleperf.probes.iperf3.NetlinkTcpStats;
import io.waddleperf.testkit.Requirements;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** {@code waddleperf test iperf3://…} and {@code waddleperf iperf3} against our server and stock iperf3 3.12. */
class Iperf3CommandIT {

    private static final Path IPERF3 = Path.of("/usr/bin/iperf3");
    /** An interval line: id, [role], times, transfer, bitrate, then what follows. */
    private static final Pattern LINE = Pattern.compile(
            "^\\[(?<id>SUM|\\s*\\d+)](?<role>\\[[TR]X-C])? +\\d+\\.\\d\\d-\\d+\\.\\d\\d +sec +[\\d.]+ [KMGT]?Bytes +"
                    + "[\\d.]+ [KMGT]?bits/sec(?<rest>.*)$");
    /** What follows a sending TCP stream's interval figures: Retr, then Cwnd with its unit. */
    private static final Pattern RETR_CWND = Pattern.compile("^ +(?<retr>\\d+) +(?<cwnd>[\\d.]+) [KMGT]?Bytes *$");
    private static final Pattern RETR = Pattern.compile("^ +(?<retr>\\d+) +(?<side>sender|receiver)?$");
    private static final String TCP_HEADER = "[ ID] Interval           Transfer     Bitrate";

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
                    .containsPattern("bits/sec +\\d+ +sender").containsPattern("bits/sec +receiver")
                    .contains("iperf Done.");
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
                assertThat(missing).as("stock iperf3 -J fields missing from ours, mode " + mode).isEmpty();
            } finally {
                server.destroy();
                server.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * The lines before the interval header, as stock iperf3 3.12's client prints them: the same lines in the same
     * order, ports, stream numbers (stock numbers streams by file descriptor, we by stream id), cookie and clock
     * masked; against a stock server on both address families, for one and two streams, each direction, UDP, IPv6
     * and {@code -V}.
     */
    @Test
    void lines_before_the_intervals_are_stock_iperf3s_connecting_and_connected_lines() throws Exception {
        assumeStock();
        int port = freePort();
        Process server = new ProcessBuilder(IPERF3.toString(), "-s", "-p", String.valueOf(port))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> listening(port));
            for (List<String> variant : List.of(List.of("127.0.0.1"), List.of("127.0.0.1", "-P", "2"),
                    List.of("127.0.0.1", "-R"), List.of("127.0.0.1", "--bidir", "-P", "2"), List.of("127.0.0.1", "-u"),
                    List.of("::1"), List.of("::1", "-R", "-P", "2"), List.of("127.0.0.1", "-V"),
                    List.of("127.0.0.1", "-V", "-R", "-M", "1000", "-b", "1G"))) {
                // Byte-bounded where the rate is not set (4 MB: milliseconds on loopback; both print the bytes in the
                // -V "Starting Test" line); UDP and a set rate keep the 1 s test.
                boolean paced = variant.contains("-u") || variant.contains("-b");
                List<String> args = new ArrayList<>(List.of("-c", variant.getFirst(), "-p", String.valueOf(port)));
                args.addAll(paced ? List.of("-t", "1") : List.of("-n", "4M"));
                args.addAll(variant.subList(1, variant.size()));
                List<String> stockLines = preamble(stockText(args), variant.contains("-V"));
                List<String> ourArgs = new ArrayList<>(List.of("iperf3"));
                ourArgs.addAll(args);
                TestCommandIT.Run ours = retried(ourArgs);
                List<String> ourLines = preamble(ours.out(), variant.contains("-V"));
                assertThat(ourLines).as(variant + "\nstock:\n" + String.join("\n", stockLines))
                        .isEqualTo(stockLines);
                assertThat(ourLines).as(variant.toString()).anyMatch(l -> l.contains(" connected to "));
            }
        } finally {
            server.destroy();
            server.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /**
     * The lines up to the first interval header (from "Connecting" on with {@code -V}, whose program and system lines
     * are each program's own), masked where two runs differ anyway.
     */
    private static List<String> preamble(String out, boolean verbose) {
        List<String> lines = new ArrayList<>();
        boolean started = !verbose;
        for (String line : out.lines().toList()) {
            if (line.startsWith("[ ID]")) {
                break;
            }
            started |= line.startsWith("Connecting to host");
            if (started) {
                lines.add(line.replaceAll("port \\d+", "port N").replaceAll("^\\[ *\\d+]", "[ID]")
                        .replaceAll("Cookie: \\w+", "Cookie: C"));
            }
        }
        return lines;
    }

    /** Stock's client text, retried while the server is still busy with the previous test. */
    private static String stockText(List<String> args) throws Exception {
        for (int attempt = 0; ; attempt++) {
            List<String> cmd = new ArrayList<>(List.of(IPERF3.toString()));
            cmd.addAll(args);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            if (p.exitValue() == 0 || attempt == 30) {
                assertThat(p.exitValue()).as(out).isZero();
                return out;
            }
            Thread.sleep(100);
        }
    }

    private static TestCommandIT.Run retried(List<String> args) throws Exception {
        TestCommandIT.Run r = null;
        for (int attempt = 0; attempt < 30 && (r == null || r.exit() != 0); attempt++) {
            if (r != null) {
                Thread.sleep(100); // the stock server returns to idle a moment after its previous client left
            }
            r = TestCommandIT.run(args.toArray(String[]::new));
        }
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        return r;
    }

    /** A stock iperf3 server on a free loopback port, stopped when closed. */
    record StockServer(Process process, int port) implements AutoCloseable {
        static StockServer start() throws Exception {
            assumeStock();
            int port = freePort();
            Process p = new ProcessBuilder(IPERF3.toString(), "-s", "-B", "127.0.0.1", "-p", String.valueOf(port))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> listening(port));
            return new StockServer(p, port);
        }

        @Override
        public void close() throws Exception {
            process.destroy();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** Our client's text run, retried while a stock server is still busy with the previous test. */
    private static TestCommandIT.Run client(int port, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("iperf3", "-c", "127.0.0.1", "-p", String.valueOf(port), "-t", "2"));
        args.addAll(List.of(extra));
        return retried(args);
    }

    /** The lines between the interval header and the summary separator, and those after it. */
    private record Text(List<String> lines, int separator) {
        static Text of(String out) {
            List<String> lines = out.lines().toList();
            int separator = -1;
            for (int k = 0; k < lines.size(); k++) {
                if (lines.get(k).startsWith("- - -") && k + 1 < lines.size() && lines.get(k + 1).startsWith("[ ID]")) {
                    separator = k;
                }
            }
            assertThat(separator).as(out).isPositive();
            return new Text(lines, separator);
        }

        List<Matcher> intervals() {
            return lines.subList(0, separator).stream().map(LINE::matcher).filter(Matcher::matches).toList();
        }

        String summaryHeader() {
            return lines.get(separator + 1);
        }

        List<Matcher> summary() {
            return lines.subList(separator + 1, lines.size()).stream().map(LINE::matcher).filter(Matcher::matches)
                    .toList();
        }
    }

    /**
     * A TCP upload: stock iperf3's header with Retr and Cwnd, each interval line with both as numbers (the
     * retransmits an integer, the window a positive size), the summary header with Retr and the sender line with
     * the retransmit count; the receiver line without.
     */
    private static void assertUploadText(String out, int streams) {
        assertThat(out.lines()).contains(TCP_HEADER + "         Retr  Cwnd");
        Text text = Text.of(out);
        List<Matcher> intervals = text.intervals();
        assertThat(intervals).as(out).hasSizeGreaterThanOrEqualTo(2 * streams);
        int sums = 0;
        for (Matcher m : intervals) {
            String rest = m.group("rest");
            if (m.group("id").equals("SUM")) {
                sums++;
                assertThat(RETR.matcher(rest).matches()).as(m.group()).isTrue();
                continue;
            }
            Matcher figures = RETR_CWND.matcher(rest);
            assertThat(figures.matches()).as(m.group()).isTrue();
            assertThat(Long.parseLong(figures.group("retr"))).isNotNegative();
            assertThat(Double.parseDouble(figures.group("cwnd"))).isPositive();
        }
        assertThat(sums).as(out).isEqualTo(streams > 1 ? intervals.size() / (streams + 1) : 0);
        assertThat(text.summaryHeader()).isEqualTo(TCP_HEADER + "         Retr");
        List<Matcher> summary = text.summary();
        assertThat(summary).as(out).hasSize(streams > 1 ? 2 * streams + 2 : 2);
        for (Matcher m : summary) {
            Matcher retr = RETR.matcher(m.group("rest"));
            if (m.group("rest").endsWith("sender")) {
                assertThat(retr.matches()).as(m.group()).isTrue();
                assertThat(Long.parseLong(retr.group("retr"))).isNotNegative();
            } else {
                assertThat(m.group("rest")).as(m.group()).matches(" +receiver");
            }
        }
    }

    @Test
    void text_output_has_retr_and_cwnd_for_a_tcp_upload_against_our_server() throws Exception {
        try (Iperf3Server server = ourServer()) {
            assertUploadText(client(server.port()).out(), 1);
            assertUploadText(client(server.port(), "-P", "2").out(), 2);
        }
    }

    @Test
    void text_output_has_retr_and_cwnd_for_a_tcp_upload_against_stock_iperf3() throws Exception {
        try (StockServer server = StockServer.start()) {
            assertUploadText(client(server.port()).out(), 1);
            assertUploadText(client(server.port(), "-P", "2").out(), 2);
        }
    }

    @Test
    void text_output_of_a_download_has_no_interval_figures_but_the_senders_retransmits() throws Exception {
        try (StockServer server = StockServer.start()) {
            String out = client(server.port(), "-R").out();
            assertThat(out.lines()).contains(TCP_HEADER);
            Text text = Text.of(out);
            assertThat(text.intervals()).isNotEmpty().allSatisfy(m -> assertThat(m.group("rest")).isBlank());
            // the stock server read its retransmits (sender_has_retransmits 1): iperf3 shows them on the sender line
            assertThat(text.summaryHeader()).isEqualTo(TCP_HEADER + "         Retr");
            assertThat(text.summary()).anySatisfy(m -> assertThat(m.group("rest")).matches(" +\\d+ +sender"));
        }
    }

    @Test
    void text_output_of_bidir_names_the_roles_and_shows_figures_only_for_what_we_send() throws Exception {
        try (Iperf3Server server = ourServer()) {
            String out = client(server.port(), "--bidir").out();
            assertThat(out.lines()).contains("[ ID][Role] Interval           Transfer     Bitrate         Retr  Cwnd");
            Text text = Text.of(out);
            assertThat(text.intervals()).isNotEmpty().allSatisfy(m -> {
                if (m.group("role").equals("[TX-C]")) {
                    assertThat(RETR_CWND.matcher(m.group("rest")).matches()).as(m.group()).isTrue();
                } else {
                    assertThat(m.group("rest")).as(m.group()).isBlank();
                }
            });
            assertThat(text.summaryHeader()).isEqualTo("[ ID][Role] Interval           Transfer     Bitrate         Retr");
            // both senders read their retransmits: our client and our server
            assertThat(text.summary()).filteredOn(m -> m.group("rest").endsWith("sender")).hasSize(2)
                    .allSatisfy(m -> assertThat(m.group("rest")).matches(" +\\d+ +sender"));
        }
    }

    @Test
    void text_output_of_udp_has_no_retr_or_cwnd() throws Exception {
        try (Iperf3Server server = ourServer()) {
            String out = client(server.port(), "-u", "-b", "10M").out();
            assertThat(out).doesNotContain("Retr").doesNotContain("Cwnd")
                    .contains("[ ID] Interval           Transfer     Bitrate         Jitter    Lost/Total Datagrams");
        }
    }

    /** The congestion control new sockets of this network namespace get. */
    private static String defaultCongestion() throws Exception {
        return Files.readString(Path.of("/proc/sys/net/ipv4/tcp_congestion_control")).strip();
    }

    @Test
    void congestion_names_and_the_default_mss_go_both_ways_with_stock_iperf3() throws Exception {
        String cc = defaultCongestion();
        long stockMss;
        try (StockServer server = StockServer.start()) {
            JsonNode stockClient = stock("-c", "127.0.0.1", "-p", String.valueOf(server.port()), "-n", "8M", "-J");
            stockMss = stockClient.at("/start/tcp_mss_default").asLong(-1);
            assertThat(stockMss).isPositive();
            for (List<String> mode : List.<List<String>>of(List.of(), List.of("-R"), List.of("--bidir"))) {
                List<String> extra = new ArrayList<>(List.of("-J"));
                extra.addAll(mode);
                List<String> args = new ArrayList<>(List.of("iperf3", "-c", "127.0.0.1", "-p", String.valueOf(server.port()),
                        "-n", "8M"));
                args.addAll(extra);
                JsonNode ours = JsonFrames.mapper().readTree(retried(args).out());
                // our side read through sock_diag, the stock server's from its congestion_used
                assertThat(ours.at("/end/sender_tcp_congestion").asText()).as("mode " + mode).isEqualTo(cc);
                assertThat(ours.at("/end/receiver_tcp_congestion").asText()).as("mode " + mode).isEqualTo(cc);
                // tcpi_snd_mss of the control connection is what TCP_MAXSEG gives stock iperf3 on the same path
                assertThat(ours.at("/start/tcp_mss_default").asLong(-1)).isEqualTo(stockMss);
            }
        }
        try (Iperf3Server server = ourServer()) {
            for (List<String> mode : List.<List<String>>of(List.of(), List.of("-R"))) {
                List<String> args = new ArrayList<>(List.of("-c", "127.0.0.1", "-p", String.valueOf(server.port()),
                        "-n", "8M", "-J"));
                args.addAll(mode);
                JsonNode stockClient = stock(args.toArray(String[]::new));
                // the stock client names our server's congestion control from the congestion_used we sent
                String ourSide = mode.isEmpty() ? "/end/receiver_tcp_congestion" : "/end/sender_tcp_congestion";
                assertThat(stockClient.at(ourSide).asText()).as("mode " + mode).isEqualTo(cc);
            }
            // and our server's own report names the stock client's from the congestion_used it received
            JsonNode withOutput = stock("-c", "127.0.0.1", "-p", String.valueOf(server.port()), "-n", "8M", "-J",
                    "--get-server-output");
            assertThat(withOutput.at("/server_output_json/end/sender_tcp_congestion").asText()).isEqualTo(cc);
            assertThat(withOutput.at("/server_output_json/end/receiver_tcp_congestion").asText()).isEqualTo(cc);
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
        Requirements.require(Files.isExecutable(IPERF3), IPERF3 + " is not installed (apt-get install iperf3)");
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

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /**
     * Whether a TCP listener is on the port, IPv4 or dual-stack IPv6 socket (from /proc, since a probe connection
     * would count as a client).
     */
    static boolean listening(int port) throws Exception {
        String hex = String.format(":%04X ", port);
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            if (Files.readAllLines(Path.of(table)).stream().anyMatch(l -> l.contains(hex) && l.contains(" 0A "))) {
                return true;
            }
        }
        return false;
    }
}
