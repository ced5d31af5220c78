package io.waddleperf.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.waddleperf.iperf3.JsonFrames;
import io.waddleperf.testkit.Requirements;
import io.waddleperf.testkit.lab.Lab;
import io.waddleperf.testkit.lab.LabNode;
import io.waddleperf.testkit.lab.LabSupport;
import io.waddleperf.testkit.lab.LinkConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code waddleperf iperf3} client and server across a lab link shaped by {@code tc tbf} to 10, 100 and 1000 Mbit/s,
 * next to stock iperf3 on the same link: TCP goodput within 3 % of what the link carries and no further from it than
 * iperf3's (docs/ACCURACY.md); UDP offered at 90 % of the link shows no loss, at 120 % the excess shows as loss, and
 * the loss our receiver reports is what the kernels dropped. The UDP checks hold our figures against the kernels'
 * counts, not against stock iperf3's, so stock iperf3 runs only the TCP comparison (its UDP figures, printed but never
 * checked, were two of the six runs per rate; docs/ACCURACY.md keeps a run of them).
 *
 * <p>Client – r1 – server, the r1–server link shaped on both ends, so data queues at the router. Our client and server
 * each run in a child JVM started inside their namespace ({@code ip netns exec}): a namespace belongs to a thread, and
 * the iperf3 code opens sockets on threads that never joined it. Ports are fixed: each lab's namespaces are fresh.
 */
class Iperf3LabAccuracyIT {

    private static final Path IPERF3 = Path.of("/usr/bin/iperf3");
    private static final int MTU_BYTES = 1500;
    private static final int UDP_PAYLOAD_BYTES = 1400;
    private static final int OUR_PORT = 5201;
    private static final int STOCK_PORT = 5202;
    /** How much closer to the expected goodput stock iperf3 may be before ours counts as worse (run-to-run noise). */
    private static final double NOISE_FRACTION = 0.005;

    @TempDir
    Path dir;

    /**
     * The TCP payload rate a tbf-shaped Ethernet link carries: tbf counts the 14-byte Ethernet header plus the IP
     * packet (tc-tbf(8)); a full segment is an MTU-sized IPv4 packet with 20 bytes IPv4 (RFC 791), 20 bytes TCP
     * (RFC 9293) and 12 bytes timestamp option (RFC 7323) headers. 100 Mbit/s × 1448 / 1514 = 95.64 Mbit/s.
     */
    static double expectedTcpGoodputBitsPerSecond(long rateBitsPerSecond) {
        return rateBitsPerSecond * (double) (MTU_BYTES - 20 - 20 - 12) / (MTU_BYTES + 14);
    }

    /** Bytes tbf counts per UDP datagram: payload, UDP (RFC 768), IPv4 and Ethernet headers. */
    static int udpFrameBytes() {
        return UDP_PAYLOAD_BYTES + 8 + 20 + 14;
    }

    /** iperf3's {@code -b} (payload bits per second) that puts {@code fraction} of the link rate on the wire. */
    static long udpPayloadRateFor(long rateBitsPerSecond, double fraction) {
        return Math.round(rateBitsPerSecond * fraction * UDP_PAYLOAD_BYTES / udpFrameBytes());
    }

    @ParameterizedTest(name = "{0} Mbit/s")
    @ValueSource(longs = {10, 100, 1000})
    void tcp_goodput_and_udp_loss_match_the_shaped_link(long mbps) throws Exception {
        LabSupport.assumeAvailable();
        assumeStock();
        // Up to three rounds, each on a fresh lab: on this shared 2-core machine a round can meet a load spike (CI
        // at load 16 saw our sender burst to 158 Mbit/s into a 100 Mbit/s link after a stall, and a TCP run 6 %
        // short at 1 Gbit/s). A real error in our pacing or accounting repeats in every round; a stall does not.
        AssertionError last = null;
        for (int round = 1; round <= 3; round++) {
            try {
                measureOnce(mbps);
                return;
            } catch (AssertionError e) {
                System.out.printf(Locale.ROOT, "[iperf3 lab] round %d at %d Mbit/s failed: %s%n", round, mbps,
                        e.getMessage().strip().replace('\n', ' '));
                last = e;
            }
        }
        throw last;
    }

    private void measureOnce(long mbps) throws Exception {
        long rate = mbps * 1_000_000;
        try (Lab lab = Lab.builder().routers(1).ipv6(false)
                .link(1, LinkConfig.DEFAULT.withMtu(MTU_BYTES).withRate(rate)).build()) {
            LabNode server = lab.server();
            String address = server.addressV4().getHostAddress();
            Process ours = lab.register(new Child(ourCommand(server, "iperf3", "-s", "-B", address, "-p",
                    String.valueOf(OUR_PORT)), dir.resolve("our-server-" + mbps + ".log"))).process;
            Process stock = lab.register(new Child(List.of("ip", "netns", "exec", server.namespace(), IPERF3.toString(),
                    "-s", "-B", address, "-p", String.valueOf(STOCK_PORT)), dir.resolve("stock-server-" + mbps + ".log")))
                    .process;
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> listening(server, OUR_PORT)
                    && listening(server, STOCK_PORT));
            assertThat(ours.isAlive() && stock.isAlive()).isTrue();

            double expected = expectedTcpGoodputBitsPerSecond(rate);
            double ourTcp = client(lab, true, "tcp-" + mbps, "-t", "3", "-O", "1")
                    .at("/end/sum_received/bits_per_second").asDouble();
            double stockTcp = client(lab, false, "tcp-" + mbps, "-t", "3", "-O", "1")
                    .at("/end/sum_received/bits_per_second").asDouble();
            Udp ourUdp90 = udp(lab, rate, 0.9);
            Udp ourUdp120 = udp(lab, rate, 1.2);
            System.out.printf(Locale.ROOT, "[iperf3 lab] tbf %d Mbit/s, MTU %d: TCP expected %.2f, ours %.2f (%+.2f %%),"
                            + " iperf3 %.2f (%+.2f %%) Mbit/s; UDP 90 %%: ours %s; UDP 120 %%: ours %s%n", mbps,
                    MTU_BYTES, expected / 1e6, ourTcp / 1e6, 100 * (ourTcp / expected - 1), stockTcp / 1e6,
                    100 * (stockTcp / expected - 1), ourUdp90, ourUdp120);

            assertThat(ourTcp).as("our TCP goodput, bit/s").isCloseTo(expected, within(expected * 0.03));
            assertThat(Math.abs(ourTcp - expected)).as("our TCP error vs stock iperf3's (%.0f bit/s)", stockTcp)
                    .isLessThanOrEqualTo(Math.abs(stockTcp - expected) + expected * NOISE_FRACTION);
            // At 90 % the link itself must lose nothing (the sender's pacing never overflows tbf's bucket and
            // queue); at 120 % it loses the excess. Either way the loss the receiver reports must be the datagrams
            // the kernels dropped, whether on the link or in the receiving host's full socket buffer — on this
            // loaded 2-core machine the receiver is sometimes descheduled long enough for the latter, at 1 Gbit/s.
            assertThat(ourUdp90.linkDrops()).as("link drops at 90 %% of the link: %s", ourUdp90).isZero();
            assertThat(ourUdp90.lost()).as("reported loss against kernel drops at 90 %%: %s", ourUdp90)
                    .isCloseTo(ourUdp90.kernelDrops(), within(ourUdp90.accountingSlack()));
            assertThat(ourUdp120.linkDropPercent()).as("link drops at 120 %% of the link: %s", ourUdp120)
                    .isCloseTo(ourUdp120.excessPercent(rate), within(3.0));
            assertThat(ourUdp120.lost()).as("reported loss against kernel drops at 120 %%: %s", ourUdp120)
                    .isCloseTo(ourUdp120.kernelDrops(), within(ourUdp120.accountingSlack()));
        }
    }

    /**
     * One UDP run's figures: the sender's average over the test, its fastest one-second interval (the rate it offered
     * once running: a child JVM's sender starts up to ~0.2 s late on this loaded machine, which lowers the average but
     * not the rate the link sees), what the receiver reported lost, and the ground truth from the kernels: packets
     * tbf dropped on the link, and datagrams the server's kernel dropped for a full receive buffer.
     */
    record Udp(double sentPayloadBitsPerSecond, double offeredPayloadBitsPerSecond, long packets, long lost,
            double lostPercent, long linkDrops, long hostDrops) {

        /** The share of the sent datagrams a link of {@code rate} cannot carry: 1 − rate / offered wire rate. */
        double excessPercent(long rate) {
            double wire = offeredPayloadBitsPerSecond * udpFrameBytes() / UDP_PAYLOAD_BYTES;
            return Math.max(0, 100 * (1 - rate / wire));
        }

        long kernelDrops() {
            return linkDrops + hostDrops;
        }

        double linkDropPercent() {
            return packets == 0 ? 0 : 100.0 * linkDrops / packets;
        }

        /**
         * How far the reported loss may be from the kernels' count: iperf3 counts a gap in the sequence numbers as
         * lost, so a datagram dropped after the last one that arrived is not reported (stock iperf3 was 2 short
         * of 4604 here once). A tenth of a percent, at least 2.
         */
        long accountingSlack() {
            return Math.max(2, packets / 1000);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "sent %.2f Mbit/s payload (fastest second %.2f), %d/%d lost (%.2f %%);"
                            + " kernel dropped %d on the link, %d in the receiver's buffer",
                    sentPayloadBitsPerSecond / 1e6, offeredPayloadBitsPerSecond / 1e6, lost, packets, lostPercent,
                    linkDrops, hostDrops);
        }
    }

    /** One UDP run of our client against our server. */
    private Udp udp(Lab lab, long rate, double fraction) throws Exception {
        long linkBefore = lab.qdiscDrops();
        long hostBefore = lab.server().snmpCounter("Udp", "RcvbufErrors");
        JsonNode json = client(lab, true, "udp-" + rate / 1_000_000 + "-" + Math.round(fraction * 100), "-u",
                "-t", "3", "-l", String.valueOf(UDP_PAYLOAD_BYTES), "-b",
                String.valueOf(udpPayloadRateFor(rate, fraction)));
        long linkDrops = lab.qdiscDrops() - linkBefore;
        long hostDrops = lab.server().snmpCounter("Udp", "RcvbufErrors") - hostBefore;
        JsonNode sum = json.at("/end/sum");
        double fastest = 0;
        for (JsonNode interval : json.path("intervals")) {
            fastest = Math.max(fastest, interval.at("/sum/bits_per_second").asDouble());
        }
        return new Udp(json.at("/end/sum_sent/bits_per_second").asDouble(sum.path("bits_per_second").asDouble()),
                fastest, sum.path("packets").asLong(), sum.path("lost_packets").asLong(), sum.path("lost_percent").asDouble(),
                linkDrops, hostDrops);
    }

    /** Runs one client in the client namespace against our server or stock iperf3's, and returns its {@code -J}. */
    private JsonNode client(Lab lab, boolean ours, String label, String... flags) throws Exception {
        String address = lab.server().addressV4().getHostAddress();
        List<String> args = new ArrayList<>(List.of("-c", address, "-p", String.valueOf(ours ? OUR_PORT : STOCK_PORT),
                "-J"));
        args.addAll(List.of(flags));
        List<String> command;
        if (ours) {
            List<String> withSub = new ArrayList<>(List.of("iperf3"));
            withSub.addAll(args);
            command = ourCommand(lab.client(), withSub.toArray(String[]::new));
        } else {
            command = new ArrayList<>(List.of("ip", "netns", "exec", lab.client().namespace(), IPERF3.toString()));
            command.addAll(args);
        }
        Path out = dir.resolve((ours ? "ours-" : "stock-") + label + ".json");
        Path err = dir.resolve((ours ? "ours-" : "stock-") + label + ".err");
        JsonNode json = null;
        // a server takes a moment to return to idle after its previous client; stock answers "busy" meanwhile
        for (int attempt = 0; attempt < 20; attempt++) {
            Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
            }
            String text = Files.readString(out);
            json = text.contains("{") ? JsonFrames.mapper().readTree(text.substring(text.indexOf('{'))) : null;
            if (p.exitValue() == 0 && json != null && !json.has("error")) {
                return json;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("client " + command + " failed: " + (json == null ? Files.readString(out) : json)
                + "\n" + Files.readString(err));
    }

    /** Our program in a child JVM inside {@code node}, on the test's class path (the reactor's classes). */
    static List<String> ourCommand(LabNode node, String... args) {
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", node.namespace(), java,
                "--enable-native-access=ALL-UNNAMED", "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                WaddlePerf.class.getName()));
        command.addAll(List.of(args));
        return command;
    }

    static boolean listening(LabNode node, int port) {
        return node.exec("ss", "-Hltn", "sport = :" + port).output().contains(":" + port);
    }

    static void assumeStock() {
        Requirements.require(Files.isExecutable(IPERF3), "stock iperf3 not installed (apt-get install iperf3)");
    }

    /** A server process that the lab stops when it closes. */
    record Child(Process process) implements AutoCloseable {
        Child(List<String> command, Path log) throws IOException {
            this(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start());
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }
}
