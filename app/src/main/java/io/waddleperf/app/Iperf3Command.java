package io.waddleperf.app;

import io.waddleperf.core.units.Units;
import io.waddleperf.iperf3.Iperf3Exception;
import io.waddleperf.iperf3.JsonFrames;
import io.waddleperf.iperf3.Protocol;
import io.waddleperf.iperf3.StreamResult;
import io.waddleperf.iperf3.TestParameters;
import io.waddleperf.iperf3.client.Iperf3Client;
import io.waddleperf.iperf3.client.Iperf3ClientConfig;
import io.waddleperf.iperf3.client.Iperf3ClientResult;
import io.waddleperf.iperf3.client.Iperf3Interval;
import io.waddleperf.iperf3.client.Iperf3Json;
import io.waddleperf.iperf3.server.Iperf3Server;
import io.waddleperf.iperf3.server.Iperf3ServerConfig;
import io.waddleperf.probes.iperf3.NetlinkTcpStats;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code waddleperf iperf3}: iperf3's common flags for people used to iperf3. {@code -c host} runs our client against
 * any iperf3 ≥ 3.12 server, printing iperf3-style intervals, or with {@code -J} stock iperf3's JSON layout;
 * {@code -s} runs our server.
 */
@Command(name = "iperf3", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"iperf3-compatible client (-c host) and server (-s), wire compatible with iperf3 >= 3.12."},
        footer = {"", "Examples:",
            "  waddleperf iperf3 -s -p 5201",
            "  waddleperf iperf3 -c 192.0.2.10 -t 10 -P 4 -R",
            "  waddleperf iperf3 -c 192.0.2.10 -u -b 100M -l 1400 -J"})
public final class Iperf3Command implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-c", "--client"}, paramLabel = "HOST", description = "Run as a client against HOST.")
    String host;

    @Option(names = {"-s", "--server"}, description = "Run as a server.")
    boolean server;

    @Option(names = {"-p", "--port"}, paramLabel = "PORT", description = "Server port (default 5201).")
    int port = Iperf3ClientConfig.DEFAULT_PORT;

    @Option(names = {"-B", "--bind"}, paramLabel = "ADDR", description = "Server: address to listen on (default all).")
    String bind;

    @Option(names = {"-t", "--time"}, paramLabel = "S", description = "Seconds to transmit (default 10).")
    int timeSeconds = 10;

    @Option(names = {"-P", "--parallel"}, paramLabel = "N", description = "Parallel streams (default 1).")
    int parallel = 1;

    @Option(names = {"-R", "--reverse"}, description = "Server sends, client receives.")
    boolean reverse;

    @Option(names = "--bidir", description = "Both directions at once.")
    boolean bidir;

    @Option(names = {"-u", "--udp"}, description = "UDP instead of TCP.")
    boolean udp;

    @Option(names = {"-b", "--bitrate"}, paramLabel = "R", description = "Target rate per stream, e.g. 100M (UDP default 1M).")
    String bitrate;

    @Option(names = {"-l", "--length"}, paramLabel = "B", description = "Block / datagram size, e.g. 128K, 1400.")
    String length;

    @Option(names = {"-w", "--window"}, paramLabel = "B", description = "Socket buffer size, e.g. 2M.")
    String window;

    @Option(names = {"-n", "--bytes"}, paramLabel = "B", description = "Bytes to send instead of a time limit, e.g. 20M.")
    String bytes;

    @Option(names = {"-k", "--blockcount"}, paramLabel = "N", description = "Blocks to send instead of a time limit.")
    long blocks;

    @Option(names = {"-O", "--omit"}, paramLabel = "S", description = "Seconds at the start not counted.")
    int omitSeconds;

    @Option(names = {"-i", "--interval"}, paramLabel = "S", description = "Seconds between interval reports (default 1).")
    double intervalSeconds = 1;

    @Option(names = {"-J", "--iperf3-json"}, description = "Print stock iperf3's JSON layout (start/intervals/end).")
    boolean json;

    @Option(names = "--get-server-output", description = "Fetch the server's report.")
    boolean getServerOutput;

    @Option(names = "--udp-counters-64bit", description = "64-bit UDP packet counters.")
    boolean counters64;

    @Option(names = "--repeating-payload", description = "Payload of repeating \"0123456789\" instead of random bytes.")
    boolean repeatingPayload;

    @Override
    public Integer call() throws Exception {
        if (server == (host != null)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give exactly one of -c HOST and -s");
        }
        return server ? serve() : runClient();
    }

    private int serve() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        try (Iperf3Server s = Iperf3Server.start(Iperf3ServerConfig.defaults()
                .withBind(InetAddress.getByName(bind == null ? "0.0.0.0" : bind), port)
                .withTcpStats(NetlinkTcpStats.INSTANCE))) {
            out.println("-----------------------------------------------------------");
            out.println("Server listening on " + s.port());
            out.println("-----------------------------------------------------------");
            out.flush();
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
            stop.await();
        }
        return ExitCode.OK.code();
    }

    private int runClient() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        TestParameters params = parameters();
        Iperf3ClientConfig config = Iperf3ClientConfig.of(host, port, params)
                .withReportInterval(Duration.ofNanos((long) (intervalSeconds * 1e9)))
                .withTcpStats(NetlinkTcpStats.INSTANCE);
        Iperf3Text text = new Iperf3Text(out, params);
        if (!json) {
            out.println("Connecting to host " + host + ", port " + port);
            out.flush();
        }
        Iperf3ClientResult result;
        try {
            result = Iperf3Client.run(config, json ? i -> { } : text::interval);
        } catch (Iperf3Exception | IOException e) {
            if (json) {
                out.println(JsonFrames.mapper().createObjectNode().put("error", e.getMessage()).toPrettyString());
            } else {
                spec.commandLine().getErr().println("iperf3: error - " + e.getMessage());
            }
            out.flush();
            return ExitCode.PROBE_FAILED.code();
        }
        if (json) {
            out.println(Iperf3Json.of(result).toPrettyString());
        } else {
            text.summary(result);
        }
        out.flush();
        return ExitCode.OK.code();
    }

    TestParameters parameters() {
        long rate = bitrate == null ? 0 : Units.parseBitRate(bitrate);
        long len = length == null ? 0 : Units.parseBytes(length);
        long win = window == null ? 0 : Units.parseBytes(window);
        long num = bytes == null ? 0 : Units.parseBytes(bytes);
        if (reverse && bidir) {
            throw new CommandLine.ParameterException(spec.commandLine(), "cannot be both reverse and bidirectional");
        }
        return TestParameters.tcpDefaults().toBuilder()
                .protocol(udp ? Protocol.UDP : Protocol.TCP)
                .timeSeconds(num > 0 || blocks > 0 ? 0 : timeSeconds)
                .numBytes(num).blockCount(blocks).omitSeconds(omitSeconds).parallel(parallel)
                .reverse(reverse).bidirectional(bidir).bandwidthBitsPerSecond(rate)
                .lenBytes((int) (len > 0 ? len : udp ? TestParameters.DEFAULT_UDP_BLOCK_BYTES
                        : TestParameters.DEFAULT_TCP_BLOCK_BYTES))
                .windowBytes((int) win).getServerOutput(getServerOutput).udpCounters64bit(counters64)
                .repeatingPayload(repeatingPayload).clientVersion("3.12")
                .build();
    }

    /**
     * A figure as iperf3's {@code unit_snprintf} prints it with its adaptive units: {@code value} bytes in steps of
     * 1024 or bits in steps of 1000, the number in 4 places; the callers append the "s" of "Bytes" and "bits/sec" as
     * iperf3's formats do.
     */
    static String unit(double value, boolean bytes) {
        String[] labels = bytes ? new String[] {"Byte", "KByte", "MByte", "GByte", "TByte"}
                : new String[] {"bit", "Kbit", "Mbit", "Gbit", "Tbit"};
        double step = bytes ? 1024 : 1000;
        double v = value;
        int u = 0;
        while (v >= step && u < labels.length - 1) {
            v /= step;
            u++;
        }
        String number = v < 9.995 ? "%4.2f" : v < 99.95 ? "%4.1f" : "%4.0f";
        return String.format(Locale.ROOT, number + " %s", v, labels[u]);
    }

    /** Formats like iperf3: binary byte units. */
    static String transfer(long bytes) {
        return unit(bytes, true) + "s";
    }

    /** Formats like iperf3: decimal bit units per second. */
    static String bitrate(double bitsPerSecond) {
        return unit(bitsPerSecond, false) + "s/sec";
    }

    /**
     * iperf3's text report ({@code print_interval_results}, {@code iperf_print_intermediate},
     * {@code iperf_print_results} and the formats of {@code src/iperf_locale.c} in 3.12): one line per stream and
     * interval (and a {@code [SUM]} line per direction with several streams), then sender and receiver summaries.
     * A TCP stream this client sends on shows its interval's retransmits and its congestion window ({@code Retr},
     * {@code Cwnd}) and its sender summary its retransmits, as iperf3 does where it can read {@code TCP_INFO}; where
     * the figures could not be read the columns are left out, as iperf3 leaves them out without {@code TCP_INFO}.
     * UDP keeps a layout of its own.
     */
    static final class Iperf3Text {
        private static final String SEPARATOR = "- - - - - - - - - - - - - - - - - - - - - - - - -";

        private final PrintWriter out;
        private final TestParameters params;
        private final boolean udp;
        private final boolean bidir;
        private boolean headerDone;
        /** Whether the interval lines have Retr and Cwnd columns: decided with the first interval's figures. */
        private boolean retrCwnd;

        Iperf3Text(PrintWriter out, TestParameters params) {
            this.out = out;
            this.params = params;
            this.udp = params.protocol() == Protocol.UDP;
            this.bidir = params.bidirectional();
        }

        private String roleColumn() {
            return bidir ? "[ ID][Role]" : "[ ID]";
        }

        private void intervalHeader(boolean withRetrCwnd) {
            out.println(udp ? "[ ID] Interval           Transfer     Bitrate         Jitter    Lost/Total Datagrams"
                    : roleColumn() + " Interval           Transfer     Bitrate" + (withRetrCwnd ? "         Retr  Cwnd" : ""));
        }

        private static boolean hasFigures(Iperf3Interval.Stream s) {
            return s.sender() && s.tcp() != null && s.retransmits() >= 0;
        }

        void interval(Iperf3Interval i) {
            if (!headerDone) {
                headerDone = true;
                retrCwnd = !udp && i.streams().stream().anyMatch(Iperf3Text::hasFigures);
                intervalHeader(retrCwnd);
            } else if (params.parallel() > 1) {
                out.println(SEPARATOR);
            }
            if (udp) {
                udpInterval(i);
            } else {
                // --bidir: the streams this client sends on first, then those it receives on, each with its sum
                for (boolean sender : bidir ? List.of(true, false) : List.of(!params.reverse())) {
                    tcpInterval(i, sender);
                }
            }
            out.flush();
        }

        private void tcpInterval(Iperf3Interval i, boolean sender) {
            String omitted = i.omitted() ? "(omitted)" : "";
            String role = role(sender);
            for (Iperf3Interval.Stream s : i.streams()) {
                if (s.sender() != sender) {
                    continue;
                }
                String head = head(String.format(Locale.ROOT, "%3d", s.id()), role, i.startSeconds(), i.endSeconds(),
                        s.bytes());
                if (retrCwnd && hasFigures(s)) {
                    out.println(head + String.format(Locale.ROOT, "  %3d   %ss       %s", s.retransmits(),
                            unit(s.tcp().sndCwndBytes(), true), omitted));
                } else {
                    out.println(head + "                  " + omitted);
                }
            }
            if (params.parallel() > 1) {
                String head = head("SUM", role, i.startSeconds(), i.endSeconds(), i.bytes(sender));
                long retransmits = i.retransmits(true);
                if (retrCwnd && sender && retransmits >= 0) {
                    out.println(head + String.format(Locale.ROOT, "  %3d             %s", retransmits, omitted));
                } else {
                    out.println(head + "                  " + omitted);
                }
            }
        }

        private String role(boolean clientSends) {
            return bidir ? (clientSends ? "[TX-C]" : "[RX-C]") : "";
        }

        /** iperf3's line start: {@code [ID][Role] from-to sec  transfer  bitrate}. */
        private static String head(String id, String role, double from, double to, long bytes) {
            double seconds = to - from;
            return String.format(Locale.ROOT, "[%s]%s %6.2f-%-6.2f sec  %s  %s", id, role, from, to, transfer(bytes),
                    bitrate(seconds > 0 ? bytes * 8 / seconds : 0));
        }

        private void udpInterval(Iperf3Interval i) {
            for (Iperf3Interval.Stream s : i.streams()) {
                StringBuilder line = new StringBuilder(line(s.id(), i.startSeconds(), i.endSeconds(), s.bytes()));
                if (!s.sender()) {
                    line.append(String.format(Locale.ROOT, "  %.3f ms  %d/%d", s.jitterSeconds() * 1000, s.lost(),
                            s.packets() + s.lost()));
                } else {
                    line.append("  ").append(s.packets());
                }
                if (bidir) {
                    line.append(s.sender() ? "  TX-C" : "  RX-C");
                }
                if (i.omitted()) {
                    line.append("  (omitted)");
                }
                out.println(line);
            }
        }

        private static String line(Object id, double from, double to, long bytes) {
            double seconds = to - from;
            return String.format(Locale.ROOT, "[%3s] %6.2f-%-6.2f sec  %10s  %14s", id, from, to, transfer(bytes),
                    bitrate(seconds > 0 ? bytes * 8 / seconds : 0));
        }

        void summary(Iperf3ClientResult r) {
            if (!headerDone) {
                // no interval was reported (a test shorter than one interval): iperf3 has printed its header anyway
                intervalHeader(false);
            }
            out.println(SEPARATOR);
            if (udp) {
                out.println("[ ID] Interval           Transfer     Bitrate         Jitter    Lost/Total Datagrams");
                r.upstream().ifPresent(d -> udpDirection(d, bidir ? "TX-C " : ""));
                r.downstream().ifPresent(d -> udpDirection(d, bidir ? "RX-C " : ""));
            } else {
                boolean retr = r.upstream().map(d -> d.retransmits() >= 0).orElse(false)
                        || r.downstream().map(d -> d.retransmits() >= 0).orElse(false);
                out.println(roleColumn() + " Interval           Transfer     Bitrate" + (retr ? "         Retr" : ""));
                r.upstream().ifPresent(d -> tcpDirection(r, d, true));
                r.downstream().ifPresent(d -> tcpDirection(r, d, false));
            }
            out.printf(Locale.ROOT, "CPU Utilization: local %.1f%% (%.1f%%u/%.1f%%s), remote %.1f%% (%.1f%%u/%.1f%%s)%n",
                    r.localCpu().totalPercent(), r.localCpu().userPercent(), r.localCpu().systemPercent(),
                    r.remote().cpuUtilTotal(), r.remote().cpuUtilUser(), r.remote().cpuUtilSystem());
            if (r.remote().serverOutputText() != null) {
                out.println();
                out.println("Server output:");
                out.print(r.remote().serverOutputText());
            }
            r.serverOutputJson().ifPresent(j -> {
                out.println();
                out.println("Server output:");
                out.println(j.toPrettyString());
            });
            out.println();
            out.println("iperf Done.");
        }

        /**
         * One direction's summary: each stream's sender and receiver lines, then with several streams their sums;
         * sender lines show retransmits when the sending side could read them.
         */
        private void tcpDirection(Iperf3ClientResult r, Iperf3ClientResult.Direction d, boolean clientSends) {
            String role = role(clientSends);
            for (Iperf3ClientResult.StreamInfo info : r.streams()) {
                if (info.sender() != clientSends) {
                    continue;
                }
                StreamResult mine = Iperf3ClientResult.find(r.local(), info.id());
                StreamResult theirs = Iperf3ClientResult.find(r.remote(), info.id());
                StreamResult sender = clientSends ? mine : theirs;
                StreamResult receiver = clientSends ? theirs : mine;
                String id = String.format(Locale.ROOT, "%3d", info.id());
                summaryLine(head(id, role, 0, sender.endTimeSeconds(), sender.bytes()), sender.retransmits(),
                        "sender");
                summaryLine(head(id, role, 0, receiver.endTimeSeconds(), receiver.bytes()), -1, "receiver");
            }
            if (params.parallel() > 1) {
                summaryLine(head("SUM", role, 0, d.senderSeconds(), d.senderBytes()), d.retransmits(), "sender");
                summaryLine(head("SUM", role, 0, d.receiverSeconds(), d.receiverBytes()), -1, "receiver");
            }
        }

        private void summaryLine(String head, long retransmits, String side) {
            out.println(retransmits >= 0 ? head + String.format(Locale.ROOT, "  %3d             %s", retransmits, side)
                    : head + "                  " + side);
        }

        private void udpDirection(Iperf3ClientResult.Direction d, String tag) {
            String sum = params.parallel() > 1 ? "SUM" : "  5";
            String udpTail = String.format(Locale.ROOT, "  %.3f ms  %d/%d (%.2g%%)",
                    d.jitterSeconds() * 1000, d.lostPackets(), d.packets(), d.lostPercent());
            out.println(line(sum, 0, d.senderSeconds(), d.senderBytes()) + "  " + tag + "sender");
            out.println(line(sum, 0, d.receiverSeconds(), d.receiverBytes()) + udpTail + "  " + tag + "receiver");
        }
    }
}
