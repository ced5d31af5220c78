package io.waddleperf.iperf3.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.waddleperf.iperf3.Iperf3Error;
import io.waddleperf.iperf3.Iperf3Exception;
import io.waddleperf.iperf3.JsonFrames;
import io.waddleperf.iperf3.Protocol;
import io.waddleperf.iperf3.TestParameters;
import io.waddleperf.iperf3.server.Iperf3Server;
import io.waddleperf.iperf3.server.Iperf3ServerConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The interoperability matrix of issue 4: {our client, iperf3 client} × {our server, iperf3 server} × {TCP, UDP at
 * 100 Mbit/s per stream} × {normal, -R, --bidir, -P 4} against Debian's iperf3 3.12 on loopback.
 *
 * <p>Every run must complete and both sides' byte counts must agree. UDP must reach its target within 2 % with no
 * loss; a (mode, pair) that misses is run up to twice more and fails only if all three miss, since on a shared
 * 2-core machine a descheduled receiver drops datagrams whoever wrote it (a repeated miss is a real one).
 *
 * <p>TCP throughput of each pair is compared with iperf3↔iperf3 measured in the same rounds, but only against a
 * floor that catches a defect, not a shortfall: a pair's median round must reach {@value #TCP_FLOOR_RATIO} of
 * iperf3↔iperf3's median. Loopback TCP here varies 4× from run to run with the same peers (5.5 to 21 Gbit/s
 * iperf3↔iperf3 in one test run), and a CI run on a loaded 2-core machine once saw stock→ours with -P 4 at 0.8 of
 * the baseline's median over eight rounds while the same pair measured 1.0 on the quiet machine. Whether we keep up
 * with iperf3 is a performance claim and lives in {@code bench/iperf3-loopback.sh} (docs/BENCHMARKS.md §4), which
 * interleaves many more rounds; what this test guards is what a bug would break: a run that does not complete, byte
 * counts that disagree, or a pair several times slower than the stock pair (a lost window, a per-block flush, a
 * pacer left on). The per-round table is printed either way.
  */
class Iperf3InteropMatrixIT {

    private static final int SECONDS = 2;
    private static final int TCP_SECONDS = 1;
    /*
     * Three rounds (of four pairs, rotated), as many again when a pair's median misses: the check is a floor at 0.3 of
     * the stock pair's median that a defect (a lost window, a per-block flush, a pacer left on) misses in every round.
     * The median of three rounds stands one spoiled round per pair, as the median of four did (the mean of its middle
     * two); two spoiled rounds of one pair bring the extra rounds, as they could before.
     */
    private static final int TCP_ROUNDS = 3;
    private static final long UDP_RATE = 100_000_000;
    private static final int UDP_LEN = 1400;
    /*
     * Three, not two: ours→ours runs both ends in this JVM (four busy stream threads on two cores), and fresh-clone CI
     * runs saw it miss twice in a row after the TCP rounds, each time one direction only and a different one per
     * try (92.6 and 97.8 Mbit/s; 97.5 and 94.3), with no loss and sender and receiver agreeing: a sender descheduled
     * late in a 2 s test has no time left to catch up at the pacer's 10 % overspeed. The same pair ran 8 of 8 clean
     * on its own. A pacing or accounting error repeats in every try.
     */
    private static final int UDP_TRIES = 3;
    private static final int UDP_WINDOW = 2 * 1024 * 1024;
    private static final double TCP_FLOOR_RATIO = 0.3;
    private static final long TCP_BUFFER_MAX_BYTES = tcpBufferMaxBytes();

    enum Client { OURS, STOCK }

    enum Server { OURS, STOCK }

    enum Mode { NORMAL, REVERSE, BIDIR, PARALLEL4 }

    record Pair(Client client, Server server) {
        @Override
        public String toString() {
            return client.name().toLowerCase() + "→" + server.name().toLowerCase();
        }
    }

    /** One direction of a run: what its sender counted, what its receiver counted, receiver goodput and UDP loss. */
    record Flow(long senderBytes, long receiverBytes, double receiverBitsPerSecond, long lostPackets) {
    }

    private static Iperf3Server ours;
    private static StockServer stock;
    private static final List<String> TABLE = new ArrayList<>();

    @BeforeAll
    static void startServers() throws Exception {
        StockServer.assumeInstalled();
        stock = StockServer.start();
        ours = Iperf3Server.start(Iperf3ServerConfig.defaults().withBind(InetAddress.getLoopbackAddress(), 0)
                .withIdleTimeout(Duration.ofSeconds(5)));
    }

    @AfterAll
    static void stopServers() throws Exception {
        if (ours != null) {
            ours.close();
        }
        if (stock != null) {
            stock.close();
        }
        TABLE.forEach(System.out::println);
    }

    private static List<Pair> pairs() {
        List<Pair> pairs = new ArrayList<>();
        for (Client c : Client.values()) {
            for (Server s : Server.values()) {
                pairs.add(new Pair(c, s));
            }
        }
        return pairs;
    }

    @Test
    void udp_at_100_mbits_per_stream_keeps_the_rate_without_loss_in_every_pair_and_mode() throws Exception {
        List<String> failures = new ArrayList<>();
        for (Mode mode : Mode.values()) {
            for (Pair pair : pairs()) {
                long target = UDP_RATE * (mode == Mode.PARALLEL4 ? 4 : 1);
                List<String> misses = new ArrayList<>();
                for (int attempt = 1; attempt <= UDP_TRIES; attempt++) {
                    List<String> missed = new ArrayList<>();
                    for (Flow f : run(pair, Protocol.UDP, mode, SECONDS)) {
                        TABLE.add(String.format("UDP %-9s %-11s try %d %8.2f Mbit/s lost %d sent %d received %d",
                                mode, pair, attempt, f.receiverBitsPerSecond() / 1e6, f.lostPackets(),
                                f.senderBytes(), f.receiverBytes()));
                        if (f.lostPackets() != 0 || Math.abs(f.receiverBitsPerSecond() - target) > 0.02 * target
                                || !agree(f, Protocol.UDP, mode)) {
                            missed.add(mode + " " + pair + " try " + attempt + " " + f);
                        }
                    }
                    misses.addAll(missed);
                    if (missed.isEmpty()) {
                        misses.clear();
                        break;
                    }
                }
                failures.addAll(misses);
            }
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void tcp_pairs_complete_agree_on_bytes_and_stay_near_iperf3_to_iperf3_throughput() throws Exception {
        List<String> failures = new ArrayList<>();
        for (Mode mode : Mode.values()) {
            Map<Client, Map<Server, List<Double>>> rounds = new EnumMap<>(Client.class);
            List<Pair> order = pairs();
            // A mode whose ratios miss after TCP_ROUNDS gets as many rounds again (all rounds count): on a loaded
            // 2-core machine one busy stretch can spoil several rounds of one pair; a real shortfall persists.
            for (int round = 1; round <= TCP_ROUNDS || round <= 2 * TCP_ROUNDS && !shortPairs(rounds).isEmpty(); round++) {
                for (Pair pair : order) {
                    List<Flow> flows = run(pair, Protocol.TCP, mode, TCP_SECONDS);
                    double bps = flows.stream().mapToDouble(Flow::receiverBitsPerSecond).sum();
                    rounds.computeIfAbsent(pair.client(), k -> new EnumMap<>(Server.class))
                            .computeIfAbsent(pair.server(), k -> new ArrayList<>()).add(bps);
                    for (Flow f : flows) {
                        if (!agree(f, Protocol.TCP, mode)) {
                            failures.add(mode + " " + pair + " bytes disagree: " + f);
                        }
                    }
                    TABLE.add(String.format("TCP %-9s %-11s round %d %9.0f Mbit/s", mode, pair, round, bps / 1e6));
                }
                // Rotate so no pair always runs first (after an idle gap) or last.
                order.add(order.removeFirst());
            }
            double baseline = median(rounds, new Pair(Client.STOCK, Server.STOCK));
            for (Pair pair : pairs()) {
                double ratio = median(rounds, pair) / baseline;
                TABLE.add(String.format("TCP %-9s %-11s median/iperf3↔iperf3 = %.2f", mode, pair, ratio));
            }
            shortPairs(rounds).forEach(p -> failures.add(mode + " " + p + " below " + TCP_FLOOR_RATIO
                    + " of iperf3↔iperf3"));
        }
        assertThat(failures).isEmpty();
    }

    private static List<Pair> shortPairs(Map<Client, Map<Server, List<Double>>> rounds) {
        double baseline = median(rounds, new Pair(Client.STOCK, Server.STOCK));
        return pairs().stream().filter(p -> median(rounds, p) < TCP_FLOOR_RATIO * baseline).toList();
    }

    /** The median of a pair's rounds (the mean of the middle two for an even count). */
    static double median(Map<Client, Map<Server, List<Double>>> rounds, Pair pair) {
        List<Double> sorted = rounds.get(pair.client()).get(pair.server()).stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /**
     * Sender and receiver agree: the receiver never counts more than was sent (plus one block per stream, which a
     * sender cut short by the end of the test cannot count), and misses at most what is in flight when the test ends.
     * iperf3's receivers stop counting at TEST_END while the sender stops only when it has read TEST_END (iperf3 FAQ
     * "My receiver didn't get all the bytes"), so in flight is what fits in the socket buffers plus what the sender
     * writes while it reacts: for TCP the larger of the buffers (tcp_rmem + tcp_wmem maxima per stream) and 3 % of
     * the bytes sent (a 20 Gbit/s sender delayed 10 ms by the scheduler writes 25 MB); for UDP 10 ms at the target
     * rate plus 4 datagrams per stream.
     */
    private static boolean agree(Flow f, Protocol protocol, Mode mode) {
        int streams = mode == Mode.PARALLEL4 ? 4 : 1;
        long block = protocol == Protocol.UDP ? UDP_LEN : TestParameters.DEFAULT_TCP_BLOCK_BYTES;
        long inFlight = protocol == Protocol.UDP
                ? streams * (UDP_RATE / 8 / 100 + 4L * UDP_LEN)
                : Math.max(streams * TCP_BUFFER_MAX_BYTES, (long) (0.03 * f.senderBytes()));
        return f.receiverBytes() <= f.senderBytes() + streams * block
                && f.receiverBytes() >= f.senderBytes() - inFlight
                && f.receiverBytes() > 0;
    }

    /** Largest receive plus send buffer one TCP socket may autotune to ({@code net.ipv4.tcp_rmem}/{@code tcp_wmem}). */
    private static long tcpBufferMaxBytes() {
        try {
            long sum = 0;
            for (String f : List.of("/proc/sys/net/ipv4/tcp_rmem", "/proc/sys/net/ipv4/tcp_wmem")) {
                // readAllLines, not readString: procfs reports size 0 and readString then returns a truncated value.
                String[] v = java.nio.file.Files.readAllLines(java.nio.file.Path.of(f)).getFirst().trim().split("\\s+");
                sum += Long.parseLong(v[2]);
            }
            return sum;
        } catch (IOException | RuntimeException e) {
            return 16L * 1024 * 1024;
        }
    }

    private static List<Flow> run(Pair pair, Protocol protocol, Mode mode, int seconds) throws Exception {
        int port = pair.server() == Server.OURS ? ours.port() : stock.port();
        if (pair.server() == Server.OURS) {
            // no poll delay: the server is idle at once nearly always, and Awaitility's default first wait (100 ms)
            // was paid by each of the ~50 runs against it
            Awaitility.await().pollDelay(Duration.ZERO).atMost(Duration.ofSeconds(10))
                    .until(() -> ours.activeTests() == 0);
        }
        return pair.client() == Client.OURS ? runOurs(port, protocol, mode, seconds)
                : runStock(port, protocol, mode, seconds);
    }

    private static List<Flow> runOurs(int port, Protocol protocol, Mode mode, int seconds) throws Exception {
        var b = TestParameters.tcpDefaults().toBuilder().protocol(protocol).timeSeconds(seconds)
                .reverse(mode == Mode.REVERSE).bidirectional(mode == Mode.BIDIR)
                .parallel(mode == Mode.PARALLEL4 ? 4 : 1);
        if (protocol == Protocol.UDP) {
            b.bandwidthBitsPerSecond(UDP_RATE).lenBytes(UDP_LEN).windowBytes(UDP_WINDOW);
        }
        Iperf3ClientResult r = null;
        for (int attempt = 1; r == null; attempt++) {
            try {
                r = Iperf3Client.run(Iperf3ClientConfig.of("127.0.0.1", port, b.build()), i -> { });
            } catch (Iperf3Exception e) {
                // A stock server returns to idle a moment after its previous client left; a stock client meets it too.
                if (e.error() != Iperf3Error.IEACCESSDENIED || attempt == 30) {
                    throw e;
                }
                Thread.sleep(100);
            } catch (java.net.SocketException e) {
                // ... and 3.12 re-creates its listening socket between tests: refused, or reset while queued on it.
                boolean listenerGap = e instanceof java.net.ConnectException
                        || String.valueOf(e.getMessage()).contains("Connection reset");
                if (!listenerGap || attempt == 30) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
        List<Flow> flows = new ArrayList<>();
        for (var d : List.of(r.upstream(), r.downstream())) {
            d.ifPresent(x -> flows.add(new Flow(x.senderBytes(), x.receiverBytes(), x.receiverBitsPerSecond(),
                    x.lostPackets())));
        }
        return flows;
    }

    private static List<Flow> runStock(int port, Protocol protocol, Mode mode, int seconds) throws Exception {
        List<String> args = new ArrayList<>(List.of(StockServer.BINARY.toString(), "-c", "127.0.0.1", "-p",
                String.valueOf(port), "-t", String.valueOf(seconds), "-J"));
        switch (mode) {
            case REVERSE -> args.add("-R");
            case BIDIR -> args.add("--bidir");
            case PARALLEL4 -> args.addAll(List.of("-P", "4"));
            case NORMAL -> { }
        }
        if (protocol == Protocol.UDP) {
            args.addAll(List.of("-u", "-b", String.valueOf(UDP_RATE), "-l", String.valueOf(UDP_LEN), "-w",
                    String.valueOf(UDP_WINDOW)));
        }
        for (int attempt = 1; ; attempt++) {
            Process p = new ProcessBuilder(args).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(seconds + 30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("iperf3 " + args + " did not finish");
            }
            JsonNode json = parse(out);
            if (json.has("error")) {
                // A stock server returns to idle, and 3.12 re-creates its listening socket, a moment after its
                // previous client left; a stock client meets the same window.
                String error = json.get("error").asText();
                if ((error.contains("busy") || error.contains("Connection refused") || error.contains("Connection reset"))
                        && attempt < 30) {
                    Thread.sleep(100);
                    continue;
                }
                fail("iperf3 " + args + ": " + json.get("error").asText());
            }
            JsonNode end = json.get("end");
            List<Flow> flows = new ArrayList<>();
            flows.add(flow(end.get("sum_sent"), end.get("sum_received")));
            if (mode == Mode.BIDIR) {
                flows.add(flow(end.get("sum_sent_bidir_reverse"), end.get("sum_received_bidir_reverse")));
            }
            return flows;
        }
    }

    private static Flow flow(JsonNode sent, JsonNode received) {
        return new Flow(sent.get("bytes").asLong(), received.get("bytes").asLong(),
                received.get("bits_per_second").asDouble(),
                received.has("lost_packets") ? received.get("lost_packets").asLong() : 0);
    }

    private static JsonNode parse(String out) {
        try {
            return JsonFrames.mapper().readTree(out);
        } catch (IOException e) {
            throw new AssertionError("iperf3 printed no JSON: " + out, e);
        }
    }
}
