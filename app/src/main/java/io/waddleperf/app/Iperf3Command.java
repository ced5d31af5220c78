package io.waddleperf.app;

import io.waddleperf.core.text.SafeText;
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
import io.waddleperf.iperf3.server.Iperf3AuthConfig;
import io.waddleperf.iperf3.server.Iperf3ServerConfig;
import io.waddleperf.iperf3.server.Iperf3ServerEvents;
import io.waddleperf.net.AddressText;
import io.waddleperf.probes.iperf3.NativeTcpTuning;
import io.waddleperf.probes.iperf3.NetlinkTcpStats;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code waddleperf iperf3}: stock iperf3 3.12's command line, for people used to iperf3. {@code -c host} runs our
 * client against any iperf3 >= 3.12 server, printing iperf3's text report or with {@code -J} its JSON layout;
 * {@code -s} runs our server, logging each test as stock's server does. Every flag of 3.12's {@code --help} is
 * accepted; one this program cannot honour prints one line saying so, and the run goes on when that changes
 * nothing the user measures, else stops with exit code 2 ({@link Iperf3Flags}).
 */
@Command(name = "iperf3", usageHelpAutoWidth = true, sortOptions = false,
        description = {"iperf3-compatible client (-c host) and server (-s), wire compatible with iperf3 >= 3.12.",
            "Takes iperf3 3.12's flags; those it cannot honour are named when used."},
        footer = {"", "Examples:",
            "  waddleperf iperf3 -s -p 5201",
            "  waddleperf iperf3 -c 192.0.2.10 -t 10 -P 4 -R",
            "  waddleperf iperf3 -c 192.0.2.10 -u -b 100M -l 1400 -J"})
public final class Iperf3Command implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    Iperf3Flags f = new Iperf3Flags();

    /** The largest {@code -M} iperf3 takes ({@code MAX_MSS}, 9 KiB). */
    static final int MAX_MSS = 9 * 1024;

    /** Where the report goes: stdout, or the --logfile; lines prefixed with -T and --timestamps. */
    private PrintWriter out;
    private PrintWriter err;

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        if (f.help) {
            cl.usage(cl.getOut());
            return ExitCode.OK.code();
        }
        if (f.version) {
            cl.getOut().println("waddleperf-iperf3 " + VersionProvider.version() + " (iperf 3.12 compatible)");
            cl.getOut().println(System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                    + System.getProperty("os.arch") + ", Java " + Runtime.version());
            cl.getOut().flush();
            return ExitCode.OK.code();
        }
        if (f.server == (f.host != null)) {
            throw new CommandLine.ParameterException(cl, "give exactly one of -c HOST and -s");
        }
        Iperf3Flags.refuseOtherRole(cl, f.server);
        PrintWriter logfile = null;
        try {
            if (f.logfile != null) {
                logfile = new PrintWriter(Files.newBufferedWriter(f.logfile, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND), true);
            }
        } catch (IOException e) {
            throw new CommandLine.ParameterException(cl, "--logfile: cannot write " + f.logfile + ": "
                    + e.getMessage());
        }
        LinePrefix prefix = new LinePrefix(f.title, f.timestamps);
        out = prefix.wrap(logfile != null ? logfile : cl.getOut());
        err = prefix.wrap(logfile != null ? logfile : cl.getErr());
        try {
            Integer refused = f.checkUnsupported(err);
            err.flush();
            if (refused != null) {
                return refused;
            }
            if (f.debug != null) {
                ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                        org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(ch.qos.logback.classic.Level.DEBUG);
            }
            if (f.pidfile != null) {
                writePidFile(f.pidfile);
            }
            return f.server ? serve() : runClient();
        } finally {
            out.flush();
            err.flush();
            if (f.pidfile != null) {
                Files.deleteIfExists(f.pidfile);
            }
            if (logfile != null) {
                logfile.close();
            }
        }
    }

    private static void writePidFile(Path file) throws IOException {
        Files.writeString(file, ProcessHandle.current().pid() + "\n");
    }

    private int serve() throws IOException, InterruptedException {
        Iperf3ServerConfig config = Iperf3ServerConfig.defaults()
                .withBind(InetAddress.getByName(f.serverBind()), f.port)
                .withTcpStats(NetlinkTcpStats.INSTANCE).withTcpTuning(NativeTcpTuning.INSTANCE);
        if (f.rcvTimeoutMs != null) {
            config = config.withIdleTimeout(Duration.ofMillis(f.rcvTimeoutMs));
        }
        if (f.serverBitrateLimit != null) {
            Iperf3Flags.RateAndWindow limit = Iperf3Flags.rateAndWindow("--server-bitrate-limit", f.serverBitrateLimit);
            config = config.withTotalRateLimit(limit.bitsPerSecond(),
                    limit.seconds() > 0 ? Duration.ofSeconds(limit.seconds()) : Duration.ofSeconds(5));
        }
        if (f.rsaPrivateKeyPath != null || f.authorizedUsersPath != null) {
            if (f.rsaPrivateKeyPath == null || f.authorizedUsersPath == null) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "authentication needs both --rsa-private-key-path and --authorized-users-path");
            }
            Iperf3AuthConfig auth = Iperf3AuthConfig.of(f.rsaPrivateKeyPath, f.authorizedUsersPath);
            if (f.timeSkewThreshold != null) {
                auth = auth.withTimeSkewThreshold(Duration.ofSeconds(f.timeSkewThreshold));
            }
            config = config.withAuth(auth);
        }
        CountDownLatch stop = new CountDownLatch(1);
        Iperf3ServerLog log = new Iperf3ServerLog(out, f.format, f.oneOff, stop::countDown);
        Iperf3Server s;
        try {
            s = Iperf3Server.start(config, log);
        } catch (java.net.BindException e) {
            // EADDRINUSE is the usual case; another cause (an address this host does not have) is told as it is
            boolean inUse = e.getMessage() != null && e.getMessage().contains("in use");
            err.println("iperf3: error - unable to start listener for connections: " + (inUse ? "port " + f.port
                    + " is in use (choose another with -p)" : e.getMessage() + " (" + f.serverBind() + ")"));
            return ExitCode.USAGE.code();
        }
        try (s) {
            log.listening(s.port());
            Thread hook = new Thread(stop::countDown);
            Runtime.getRuntime().addShutdownHook(hook);
            stop.await();
        }
        return ExitCode.OK.code();
    }

    private int runClient() throws InterruptedException {
        TestParameters params = parameters();
        String target = f.resolveHost(spec.commandLine());
        Iperf3ClientConfig config = Iperf3ClientConfig.of(target, f.port, params)
                .withReportInterval(f.intervalSeconds > 0 ? Duration.ofNanos((long) (f.intervalSeconds * 1e9))
                        : Duration.ofSeconds(60))
                .withTcpStats(NetlinkTcpStats.INSTANCE).withTcpTuning(NativeTcpTuning.INSTANCE);
        if (f.connectTimeoutMs != null) {
            config = config.withConnectTimeout(Duration.ofMillis(f.connectTimeoutMs));
        }
        if (f.rcvTimeoutMs != null) {
            config = config.withIdleTimeout(Duration.ofMillis(f.rcvTimeoutMs));
        }
        if (f.bind != null || f.cport > 0) {
            try {
                config = config.withLocal(f.bind == null ? null : InetAddress.getByName(f.bindAddress()), f.cport);
            } catch (java.net.UnknownHostException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "-B: unknown address " + f.bind);
            }
        }
        Iperf3Text text = new Iperf3Text(out, params, f.format, f.verbose);
        boolean intervals = f.intervalSeconds > 0;
        if (!f.json && f.verbose) {
            out.println("waddleperf-iperf3 " + VersionProvider.version() + " (iperf 3.12 compatible)");
            out.println(System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                    + System.getProperty("os.arch"));
            out.println("Time: " + java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME
                    .format(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC)));
            out.flush();
        }
        Iperf3Client.Listener listener = new Iperf3Client.Listener() {
            @Override
            public void controlConnected(String cookie, long controlMss) {
                if (!f.json) {
                    text.connecting(f.host, f.port, cookie, controlMss);
                }
            }

            @Override
            public void streamsConnected(List<Iperf3ClientResult.StreamInfo> streams) {
                if (!f.json) {
                    text.streamsConnected(streams);
                }
            }

            @Override
            public void interval(Iperf3Interval interval) {
                if (!f.json && intervals) {
                    text.interval(interval);
                }
            }
        };
        Iperf3ClientResult result;
        try {
            result = Iperf3Client.runWithListener(config, listener);
        } catch (Iperf3Exception | IOException e) {
            String message = e instanceof java.net.UnknownHostException ? "unknown host " + f.host
                    : e instanceof java.net.ConnectException ? "unable to connect to server: " + e.getMessage()
                    : e.getMessage();
            if (f.json) {
                out.println(JsonFrames.mapper().createObjectNode().put("error", message).toPrettyString());
            } else {
                err.println("iperf3: error - " + SafeText.line(message)); // may carry the peer's words
            }
            return ExitCode.PROBE_FAILED.code();
        }
        if (f.json) {
            com.fasterxml.jackson.databind.node.ObjectNode json = Iperf3Json.of(result);
            if (f.extraData != null) {
                json.put("extra_data", f.extraData);
            }
            if (f.title != null) {
                json.put("title", f.title);
            }
            out.println(json.toPrettyString());
        } else {
            text.summary(result);
        }
        return ExitCode.OK.code();
    }

    TestParameters parameters() {
        if (f.format != null && "kmgtKMGT".indexOf(f.format) < 0) {
            throw new IllegalArgumentException("-f/--format takes one of k, m, g, t, K, M, G, T, got " + f.format);
        }
        if (f.reverse && f.bidir) {
            throw new CommandLine.ParameterException(spec.commandLine(), "cannot be both reverse and bidirectional");
        }
        Iperf3Flags.RateAndWindow rate = f.bitrate == null ? new Iperf3Flags.RateAndWindow(0, 0)
                : Iperf3Flags.rateAndWindow("-b/--bitrate", f.bitrate);
        if (f.mss != null && f.mss > MAX_MSS) {
            throw new CommandLine.ParameterException(spec.commandLine(), "-M/--set-mss: TCP MSS too large (maximum = "
                    + MAX_MSS + " bytes)");
        }
        long len = f.length == null ? 0 : Units.parseBytes(f.length);
        long win = f.window == null ? 0 : Units.parseBytes(f.window);
        long num = f.bytes == null ? 0 : Units.parseBytes(f.bytes);
        long blocks = f.blocks == null ? 0 : Units.parseBytes(f.blocks);
        String authToken = null;
        if (f.username != null || f.rsaPublicKeyPath != null) {
            authToken = authToken();
        }
        return TestParameters.tcpDefaults().toBuilder()
                .protocol(f.udp ? Protocol.UDP : Protocol.TCP)
                .timeSeconds(num > 0 || blocks > 0 ? 0 : f.timeSeconds)
                .numBytes(num).blockCount(blocks).omitSeconds(f.omitSeconds).parallel(f.parallel)
                .reverse(f.reverse).bidirectional(f.bidir).bandwidthBitsPerSecond(rate.bitsPerSecond())
                .burst(rate.seconds())
                .lenBytes((int) (len > 0 ? len : f.udp ? TestParameters.DEFAULT_UDP_BLOCK_BYTES
                        : TestParameters.DEFAULT_TCP_BLOCK_BYTES))
                .windowBytes((int) win).getServerOutput(f.getServerOutput).udpCounters64bit(f.counters64)
                .repeatingPayload(f.repeatingPayload)
                .pacingTimerMicros(f.pacingTimerMicros == null ? 1000 : f.pacingTimerMicros)
                .fqRateBitsPerSecond(f.fqRate == null ? 0 : Units.parseBitRate(f.fqRate))
                .mss(f.mss == null ? 0 : f.mss).noDelay(f.noDelay).tos(f.tosByte())
                .flowLabel(f.flowLabel == null ? 0 : f.flowLabel).title(f.title).extraData(f.extraData)
                .congestion(f.congestion).zeroCopy(f.zeroCopy).dontFragment(f.dontFragment)
                .authToken(authToken).clientVersion("3.12")
                .build();
    }

    /**
     * iperf3's client authentication: the user name, the password from {@code IPERF3_PASSWORD} (stock asks on the
     * terminal when it is unset; here it must be set), encrypted with the server's public key.
     */
    private String authToken() {
        if (f.username == null || f.rsaPublicKeyPath == null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "authentication needs both --username and --rsa-public-key-path");
        }
        String password = System.getenv("IPERF3_PASSWORD");
        if (password == null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "set the password in the IPERF3_PASSWORD environment variable");
        }
        try {
            return new io.waddleperf.iperf3.AuthToken(f.username, password, java.time.Instant.now().getEpochSecond())
                    .encrypt(io.waddleperf.iperf3.RsaKeys.readPublicKey(f.rsaPublicKeyPath),
                            io.waddleperf.iperf3.RsaPadding.PKCS1_V1_5);
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--rsa-public-key-path: " + e.getMessage());
        }
    }

    /**
     * iperf3's {@code report_connected} line for a stream, {@code [  5] local 127.0.0.1 port 40312 connected to
     * 127.0.0.1 port 5201}, addresses as {@code inet_ntop} writes them ({@code ::1}, IPv4 never v4-mapped).
     */
    static String connectedLine(int id, InetSocketAddress local, InetSocketAddress remote) {
        return String.format(Locale.ROOT, "[%3d] local %s port %d connected to %s port %d", id,
                AddressText.of(plain(local.getAddress())), local.getPort(), AddressText.of(plain(remote.getAddress())),
                remote.getPort());
    }

    /** An IPv4-mapped IPv6 address as the IPv4 address it maps, as iperf3's {@code mapped_v4_to_regular_v4} does. */
    private static InetAddress plain(InetAddress a) {
        byte[] b = a.getAddress();
        if (b.length == 16 && java.util.Arrays.equals(b, 0, 10, new byte[10], 0, 10) && b[10] == -1 && b[11] == -1) {
            try {
                return InetAddress.getByAddress(java.util.Arrays.copyOfRange(b, 12, 16));
            } catch (java.net.UnknownHostException e) {
                throw new IllegalStateException("4 bytes are an IPv4 address", e);
            }
        }
        return a;
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
     * A rate as iperf3's {@code -f} asks for it: lower case k, m, g, t in Kbits..Tbits/sec (steps of 1000), upper case
     * in KBytes..TBytes/sec (steps of 1024); null is the adaptive bit rate.
     */
    static String bitrate(double bitsPerSecond, Character format) {
        if (format == null) {
            return bitrate(bitsPerSecond);
        }
        boolean bytes = Character.isUpperCase(format);
        int power = "kmgt".indexOf(Character.toLowerCase(format)) + 1;
        double v = bytes ? bitsPerSecond / 8 / Math.pow(1024, power) : bitsPerSecond / Math.pow(1000, power);
        String label = bytes ? new String[] {"Byte", "KByte", "MByte", "GByte", "TByte"}[power]
                : new String[] {"bit", "Kbit", "Mbit", "Gbit", "Tbit"}[power];
        String number = v < 9.995 ? "%4.2f" : v < 99.95 ? "%4.1f" : "%4.0f";
        return String.format(Locale.ROOT, number + " %ss/sec", v, label);
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

        private final Character format;
        private final boolean verbose;

        Iperf3Text(PrintWriter out, TestParameters params) {
            this(out, params, null, true);
        }

        /**
         * @param format iperf3's {@code -f} rate unit, or null for adaptive
         * @param verbose iperf3's {@code -V}: the summary's heading and the CPU line
         */
        Iperf3Text(PrintWriter out, TestParameters params, Character format, boolean verbose) {
            this.format = format;
            this.verbose = verbose;
            this.out = out;
            this.params = params;
            this.udp = params.protocol() == Protocol.UDP;
            this.bidir = params.bidirectional();
        }

        /**
         * iperf3's {@code iperf_on_connect} once the control connection is up: the host as given, reverse mode, and
         * with {@code -V} the cookie, the MSS (the one asked for with {@code -M}, else the control connection's) and
         * the target rate.
         */
        void connecting(String host, int port, String cookie, long controlMss) {
            out.println("Connecting to host " + host + ", port " + port);
            if (params.reverse()) {
                out.println("Reverse mode, remote host " + host + " is sending");
            }
            if (verbose) {
                out.println("      Cookie: " + cookie);
                if (!udp) {
                    out.println(params.mss() > 0 ? "      TCP MSS: " + params.mss()
                            : "      TCP MSS: " + Math.max(0, controlMss) + " (default)");
                }
                if (params.bandwidthBitsPerSecond() > 0) {
                    out.println("      Target Bitrate: " + params.bandwidthBitsPerSecond());
                }
            }
            out.flush();
        }

        /** iperf3's {@code connect_msg} per data stream, then with {@code -V} its "Starting Test" line. */
        void streamsConnected(List<Iperf3ClientResult.StreamInfo> streams) {
            for (Iperf3ClientResult.StreamInfo s : streams) {
                out.println(connectedLine(s.id(), s.local(), s.remote()));
            }
            if (verbose) {
                out.printf(Locale.ROOT, "Starting Test: protocol: %s, %d streams, %d byte blocks, omitting %d seconds, "
                        + "%s, tos %d%n", params.protocol().name(), params.parallel(), params.effectiveLenBytes(),
                        params.omitSeconds(), params.numBytes() > 0 ? params.numBytes() + " bytes to send"
                                : params.blockCount() > 0 ? params.blockCount() + " blocks to send"
                                : params.timeSeconds() + " second test", params.tos());
            }
            out.flush();
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
        private String head(String id, String role, double from, double to, long bytes) {
            double seconds = to - from;
            return String.format(Locale.ROOT, "[%s]%s %6.2f-%-6.2f sec  %s  %s", id, role, from, to, transfer(bytes),
                    bitrate(seconds > 0 ? bytes * 8 / seconds : 0, format));
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

        private String line(Object id, double from, double to, long bytes) {
            double seconds = to - from;
            return String.format(Locale.ROOT, "[%3s] %6.2f-%-6.2f sec  %10s  %14s", id, from, to, transfer(bytes),
                    bitrate(seconds > 0 ? bytes * 8 / seconds : 0, format));
        }

        void summary(Iperf3ClientResult r) {
            if (!headerDone) {
                // no interval was reported (a test shorter than one interval): iperf3 has printed its header anyway
                intervalHeader(false);
            }
            out.println(SEPARATOR);
            if (verbose) {
                out.println("Test Complete. Summary Results:");
            }
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
            if (verbose) {
                // stock prints the CPU figures only with -V
                out.printf(Locale.ROOT, "CPU Utilization: local %.1f%% (%.1f%%u/%.1f%%s), remote %.1f%% (%.1f%%u/%.1f%%s)%n",
                        r.localCpu().totalPercent(), r.localCpu().userPercent(), r.localCpu().systemPercent(),
                        r.remote().cpuUtilTotal(), r.remote().cpuUtilUser(), r.remote().cpuUtilSystem());
            }
            if (r.remote().serverOutputText() != null) {
                out.println();
                out.println("Server output:");
                out.print(SafeText.block(r.remote().serverOutputText())); // the server's own text, sent to us
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
