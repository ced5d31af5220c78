package io.waddleperf.app;

import io.waddleperf.core.units.Units;
import io.waddleperf.iperf3.Iperf3Exception;
import io.waddleperf.iperf3.JsonFrames;
import io.waddleperf.iperf3.Protocol;
import io.waddleperf.iperf3.TestParameters;
import io.waddleperf.iperf3.client.Iperf3Client;
import io.waddleperf.iperf3.client.Iperf3ClientConfig;
import io.waddleperf.iperf3.client.Iperf3ClientResult;
import io.waddleperf.iperf3.client.Iperf3Interval;
import io.waddleperf.iperf3.client.Iperf3Json;
import io.waddleperf.iperf3.server.Iperf3Server;
import io.waddleperf.iperf3.server.Iperf3ServerConfig;
import io.waddleperf.probes.net.NetlinkTcpStats;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.time.Duration;
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
            text.header();
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

    /** Formats like iperf3: binary byte units, decimal bit units. */
    static String transfer(long bytes) {
        String[] units = {"Bytes", "KBytes", "MBytes", "GBytes", "TBytes"};
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, v < 10 ? "%.2f %s" : v < 100 ? "%.1f %s" : "%.0f %s", v, units[u]);
    }

    static String bitrate(double bitsPerSecond) {
        String[] units = {"bits/sec", "Kbits/sec", "Mbits/sec", "Gbits/sec", "Tbits/sec"};
        double v = bitsPerSecond;
        int u = 0;
        while (v >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return String.format(Locale.ROOT, v < 10 ? "%.2f %s" : v < 100 ? "%.1f %s" : "%.0f %s", v, units[u]);
    }

    /** iperf3's text report: one line per stream and interval, then sender and receiver summaries. */
    static final class Iperf3Text {
        private final PrintWriter out;
        private final TestParameters params;

        Iperf3Text(PrintWriter out, TestParameters params) {
            this.out = out;
            this.params = params;
        }

        void header() {
            out.println(params.protocol() == Protocol.UDP
                    ? "[ ID] Interval           Transfer     Bitrate         Jitter    Lost/Total Datagrams"
                    : "[ ID] Interval           Transfer     Bitrate");
            out.flush();
        }

        void interval(Iperf3Interval i) {
            for (Iperf3Interval.Stream s : i.streams()) {
                StringBuilder line = new StringBuilder(line(s.id(), i.startSeconds(), i.endSeconds(), s.bytes()));
                if (params.protocol() == Protocol.UDP && !s.sender()) {
                    line.append(String.format(Locale.ROOT, "  %.3f ms  %d/%d", s.jitterSeconds() * 1000, s.lost(),
                            s.packets() + s.lost()));
                } else if (params.protocol() == Protocol.UDP) {
                    line.append("  ").append(s.packets());
                }
                if (params.bidirectional()) {
                    line.append(s.sender() ? "  TX-C" : "  RX-C");
                }
                if (i.omitted()) {
                    line.append("  (omitted)");
                }
                out.println(line);
            }
            out.flush();
        }

        private static String line(Object id, double from, double to, long bytes) {
            double seconds = to - from;
            return String.format(Locale.ROOT, "[%3s] %6.2f-%-6.2f sec  %10s  %14s", id, from, to, transfer(bytes),
                    bitrate(seconds > 0 ? bytes * 8 / seconds : 0));
        }

        void summary(Iperf3ClientResult r) {
            out.println("- - - - - - - - - - - - - - - - - - - - - - - - -");
            header();
            r.upstream().ifPresent(d -> direction(d, params.bidirectional() ? "TX-C " : ""));
            r.downstream().ifPresent(d -> direction(d, params.bidirectional() ? "RX-C " : ""));
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

        private void direction(Iperf3ClientResult.Direction d, String tag) {
            String sum = params.parallel() > 1 ? "SUM" : "  5";
            String udpTail = params.protocol() == Protocol.UDP ? String.format(Locale.ROOT, "  %.3f ms  %d/%d (%.2g%%)",
                    d.jitterSeconds() * 1000, d.lostPackets(), d.packets(), d.lostPercent()) : "";
            out.println(line(sum, 0, d.senderSeconds(), d.senderBytes()) + "  " + tag + "sender");
            out.println(line(sum, 0, d.receiverSeconds(), d.receiverBytes()) + udpTail + "  " + tag + "receiver");
        }
    }
}
