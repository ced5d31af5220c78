package io.waddleperf.app;

import io.waddleperf.core.units.Units;
import io.waddleperf.probes.iperf3.NativeTcpTuning;
import java.io.PrintWriter;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * Every flag of stock iperf3 3.12's {@code --help}, with its short and long names, so scripts and habits carry over.
 * The ones this program cannot honour are in {@link #checkUnsupported}: those whose absence changes nothing the user
 * measures get one line and the run goes on; those that would make the run a different test than asked stop it.
 */
public final class Iperf3Flags {

    // Server or client

    @Option(names = {"-p", "--port"}, paramLabel = "#", description = "Server port to listen on / connect to (default 5201).")
    int port = 5201;

    @Option(names = {"-f", "--format"}, paramLabel = "[kmgtKMGT]",
            description = "Rate unit: k, m, g, t for Kbits..Tbits/sec; K, M, G, T for KBytes..TBytes/sec.")
    Character format;

    @Option(names = {"-i", "--interval"}, paramLabel = "#", description = "Seconds between interval reports (default 1; 0 = none).")
    double intervalSeconds = 1;

    @Option(names = {"-I", "--pidfile"}, paramLabel = "FILE", description = "Write the process id to FILE (removed at exit).")
    Path pidfile;

    @Option(names = {"-F", "--file"}, paramLabel = "NAME", description = "Not available: send or receive a file.")
    String file;

    @Option(names = {"-A", "--affinity"}, paramLabel = "n/n,m", description = "Not available: CPU affinity (ignored).")
    String affinity;

    @Option(names = {"-B", "--bind"}, paramLabel = "HOST", description = "Address to listen on (server) or send from (client).")
    String bind;

    @Option(names = "--bind-dev", paramLabel = "DEV", description = "Not available: SO_BINDTODEVICE; use -B with the device's address.")
    String bindDev;

    @Option(names = {"-V", "--verbose"}, description = "More detailed output.")
    boolean verbose;

    @Option(names = {"-J", "--json", "--iperf3-json"}, description = "Output stock iperf3's JSON layout.")
    boolean json;

    @Option(names = "--logfile", paramLabel = "FILE", description = "Append the output to FILE instead of the terminal.")
    Path logfile;

    @Option(names = "--forceflush", description = "Flush output at every interval (always done).")
    boolean forceflush;

    @Option(names = "--timestamps", arity = "0..1", fallbackValue = "%c ", paramLabel = "FORMAT",
            description = "Start each output line with the time (strftime FORMAT, default \"%%c \").")
    String timestamps;

    @Option(names = "--rcv-timeout", paramLabel = "#", description = "Idle timeout for receiving, ms (default 30000).")
    Long rcvTimeoutMs;

    @Option(names = "--snd-timeout", paramLabel = "#", description = "Not available: TCP user timeout (ignored).")
    Long sndTimeoutMs;

    @Option(names = {"-d", "--debug"}, arity = "0..1", fallbackValue = "4", paramLabel = "#", description = "Debug logging.")
    String debug;

    @Option(names = {"-v", "--version"}, description = "Show version information and quit.")
    boolean version;

    @Option(names = {"-h", "--help"}, description = "Show this message and quit.")
    boolean help;

    // Server

    @Option(names = {"-s", "--server"}, description = "Run in server mode.")
    boolean server;

    @Option(names = {"-D", "--daemon"}, description = "Not available: runs in the foreground (use systemd or nohup).")
    boolean daemon;

    @Option(names = {"-1", "--one-off"}, description = "Handle one client, then exit.")
    boolean oneOff;

    @Option(names = "--server-bitrate-limit", paramLabel = "#[KMG][/#]",
            description = "Total rate limit of all tests, averaged over /# seconds (default 5).")
    String serverBitrateLimit;

    @Option(names = "--idle-timeout", paramLabel = "#", description = "Not needed: this server cannot get stuck (ignored).")
    Integer idleTimeout;

    @Option(names = "--rsa-private-key-path", paramLabel = "FILE", description = "RSA private key for authentication.")
    Path rsaPrivateKeyPath;

    @Option(names = "--authorized-users-path", paramLabel = "FILE", description = "Users and password hashes for authentication.")
    Path authorizedUsersPath;

    @Option(names = "--time-skew-threshold", paramLabel = "#", description = "Allowed clock skew of clients, seconds (default 10).")
    Integer timeSkewThreshold;

    // Client

    @Option(names = {"-c", "--client"}, paramLabel = "HOST", description = "Run in client mode, connecting to HOST.")
    String host;

    @Option(names = "--sctp", description = "Not available: SCTP.")
    boolean sctp;

    @Option(names = {"-X", "--xbind"}, paramLabel = "NAME", description = "SCTP only (ignored).")
    String xbind;

    @Option(names = "--nstreams", paramLabel = "#", description = "SCTP only (ignored).")
    Integer nstreams;

    @Option(names = {"-u", "--udp"}, description = "UDP instead of TCP.")
    boolean udp;

    @Option(names = "--connect-timeout", paramLabel = "#", description = "Timeout for connecting, ms (default 10000).")
    Long connectTimeoutMs;

    @Option(names = {"-b", "--bitrate"}, paramLabel = "#[KMG][/#]",
            description = "Target rate per stream (UDP default 1M), optional /burst packets.")
    String bitrate;

    @Option(names = "--pacing-timer", paramLabel = "#", description = "Pacing timer, microseconds (sent to the server).")
    Integer pacingTimerMicros;

    @Option(names = "--fq-rate", paramLabel = "#[KMG]", description = "Fair-queue pacing rate (the server's sockets only).")
    String fqRate;

    @Option(names = {"-t", "--time"}, paramLabel = "#", description = "Seconds to transmit (default 10).")
    int timeSeconds = 10;

    @Option(names = {"-n", "--bytes"}, paramLabel = "#[KMG]", description = "Bytes to transmit instead of -t.")
    String bytes;

    @Option(names = {"-k", "--blockcount"}, paramLabel = "#[KMG]", description = "Blocks to transmit instead of -t or -n.")
    String blocks;

    @Option(names = {"-l", "--length"}, paramLabel = "#[KMG]", description = "Buffer / datagram size (TCP 128K, UDP 1460).")
    String length;

    @Option(names = "--cport", paramLabel = "PORT", description = "Client port of the data streams (stream i: PORT+i).")
    int cport;

    @Option(names = {"-P", "--parallel"}, paramLabel = "#", description = "Parallel client streams (default 1).")
    int parallel = 1;

    @Option(names = {"-R", "--reverse"}, description = "Reverse mode: the server sends.")
    boolean reverse;

    @Option(names = "--bidir", description = "Both directions at once.")
    boolean bidir;

    @Option(names = {"-w", "--window"}, paramLabel = "#[KMG]", description = "Socket buffer sizes.")
    String window;

    @Option(names = {"-C", "--congestion"}, paramLabel = "ALGO", description = "TCP congestion control algorithm, e.g. reno, cubic, bbr (both ends).")
    String congestion;

    @Option(names = {"-M", "--set-mss"}, paramLabel = "#", description = "TCP maximum segment size, 88-9216 bytes.")
    Integer mss;

    @Option(names = {"-N", "--no-delay"}, description = "TCP no delay, disabling Nagle's algorithm.")
    boolean noDelay;

    @Option(names = {"-4", "--version4"}, description = "Only use IPv4.")
    boolean ipv4;

    @Option(names = {"-6", "--version6"}, description = "Only use IPv6.")
    boolean ipv6;

    @Option(names = {"-S", "--tos"}, paramLabel = "N", description = "IP type of service, 0-255 (52, 064, 0x34).")
    String tos;

    @Option(names = "--dscp", paramLabel = "N|NAME", description = "IP DSCP, 0-63 or a name such as ef, af11, cs1.")
    String dscp;

    @Option(names = {"-L", "--flowlabel"}, paramLabel = "N", description = "IPv6 flow label (not available: sent to the server only).")
    Integer flowLabel;

    @Option(names = {"-Z", "--zerocopy"}, description = "Zero-copy sending (sendfile) of TCP data.")
    boolean zeroCopy;

    @Option(names = {"-O", "--omit"}, paramLabel = "N", description = "Omit the first N seconds from the statistics.")
    int omitSeconds;

    @Option(names = {"-T", "--title"}, paramLabel = "STR", description = "Prefix every output line with STR.")
    String title;

    @Option(names = "--extra-data", paramLabel = "STR", description = "Data string to include in the JSON output.")
    String extraData;

    @Option(names = "--get-server-output", description = "Get the server's report.")
    boolean getServerOutput;

    @Option(names = "--udp-counters-64bit", description = "64-bit counters in UDP test packets.")
    boolean counters64;

    @Option(names = "--repeating-payload", description = "Repeating pattern payload instead of random bytes.")
    boolean repeatingPayload;

    @Option(names = "--dont-fragment", description = "Set the IPv4 don't-fragment flag (UDP).")
    boolean dontFragment;

    @Option(names = "--username", paramLabel = "NAME", description = "Authenticate as NAME (password: IPERF3_PASSWORD).")
    String username;

    @Option(names = "--rsa-public-key-path", paramLabel = "FILE", description = "The server's RSA public key, for authentication.")
    Path rsaPublicKeyPath;

    /**
     * The flags stock iperf3 3.12 refuses together with {@code -s} ("some option you are trying to set is client
     * only"), found by running each flag of its {@code --help} with {@code -s}: the test's own settings, which a
     * server takes from each client. {@code -X}, {@code --cport}, {@code -4}, {@code -6} and
     * {@code --udp-counters-64bit} are client flags stock lets a server have, so they are not here.
     */
    static final Set<String> CLIENT_ONLY = Set.of("-u", "--sctp", "--nstreams", "--connect-timeout", "-b",
            "--pacing-timer", "--fq-rate", "-t", "-n", "-k", "-l", "-P", "-R", "--bidir", "-w", "-C", "-M", "-N", "-S",
            "--dscp", "-L", "-Z", "-O", "-T", "--extra-data", "--get-server-output", "--repeating-payload",
            "--dont-fragment", "--username", "--rsa-public-key-path");

    /** The flags stock iperf3 3.12 refuses together with {@code -c} ("… is server only"). */
    static final Set<String> SERVER_ONLY = Set.of("-D", "-1", "--server-bitrate-limit", "--idle-timeout",
            "--rsa-private-key-path", "--authorized-users-path", "--time-skew-threshold");

    /**
     * Refuses flags of the other role as stock iperf3 does, in its words, naming the flags (stock names none): a
     * client-only flag given to a server would silently do nothing, since the client decides the test.
     */
    static void refuseOtherRole(CommandLine cl, boolean server) {
        Set<String> other = server ? CLIENT_ONLY : SERVER_ONLY;
        List<String> given = cl.getParseResult().matchedOptions().stream()
                .filter(o -> Arrays.stream(o.names()).anyMatch(other::contains))
                .map(o -> String.join("/", o.names())).distinct().toList();
        if (!given.isEmpty()) {
            throw new CommandLine.ParameterException(cl, "parameter error - some option you are trying to set is "
                    + (server ? "client" : "server") + " only (" + String.join(", ", given) + ")");
        }
    }

    /**
     * Says which given flags cannot be honoured, one line each on {@code err}; returns exit code 2 when one of them
     * would change the test itself, else null to go on.
     */
    Integer checkUnsupported(PrintWriter err) {
        boolean stop = false;
        stop |= refuse(err, file != null, "-F/--file: sending or receiving a file is not available");
        stop |= refuse(err, bindDev != null || bind != null && bind.contains("%") || host != null && host.contains("%"),
                "--bind-dev (and HOST%DEV): binding to a device is not available; give -B the device's address");
        stop |= refuse(err, sctp, "--sctp: SCTP is not available");
        stop |= refuse(err, ipv4 && ipv6, "-4 and -6 exclude each other");
        note(err, affinity != null, "-A/--affinity: CPU affinity is not available; running unpinned");
        note(err, sndTimeoutMs != null, "--snd-timeout: a TCP user timeout is not available; using the system's");
        note(err, daemon, "-D/--daemon: cannot detach; running in the foreground (use systemd, nohup or &)");
        note(err, idleTimeout != null, "--idle-timeout: not needed, this server frees each test's state itself");
        note(err, xbind != null || nstreams != null, "-X/--nstreams: SCTP only, ignored");
        note(err, zeroCopy && udp, "-Z/--zerocopy: zero-copy sending is for TCP; UDP datagrams go out with "
                + "ordinary writes");
        boolean tuning = NativeTcpTuning.INSTANCE.available();
        note(err, congestion != null && !tuning, "-C: this platform cannot set a socket's congestion control; sent "
                + "to the server only");
        note(err, mss != null && !tuning, "-M: this platform cannot set a socket's MSS; sent to the server only");
        note(err, flowLabel != null, "-L: an IPv6 flow label cannot be set on this client's connections (the JDK "
                + "connects without one); running without it");
        note(err, fqRate != null && !server, "--fq-rate: sent to the server; this client cannot pace by the kernel");
        return stop ? ExitCode.USAGE.code() : null;
    }

    private static boolean refuse(PrintWriter err, boolean given, String line) {
        if (given) {
            err.println("iperf3: error - " + line);
        }
        return given;
    }

    private static void note(PrintWriter err, boolean given, String line) {
        if (given) {
            err.println("iperf3: warning - " + line);
        }
    }

    /** The address a server listens on: -B, else the wildcard of the family -4/-6 ask for (both by default). */
    String serverBind() {
        if (bind != null) {
            return bindAddress();
        }
        return ipv4 ? "0.0.0.0" : "::";
    }

    String bindAddress() {
        return bind.contains("%") ? bind.substring(0, bind.indexOf('%')) : bind;
    }

    /** The server's address as connected to: with -4 or -6 the first address of that family the name has. */
    String resolveHost(CommandLine cl) {
        if (!ipv4 && !ipv6) {
            return host;
        }
        try {
            return Arrays.stream(InetAddress.getAllByName(host))
                    .filter(a -> ipv4 ? a instanceof Inet4Address : a instanceof Inet6Address)
                    .findFirst().map(InetAddress::getHostAddress)
                    .orElseThrow(() -> new CommandLine.ParameterException(cl, host + " has no "
                            + (ipv4 ? "IPv4" : "IPv6") + " address (" + (ipv4 ? "-4" : "-6") + ")"));
        } catch (UnknownHostException e) {
            return host; // the client reports the unknown host as its error
        }
    }

    /** A rate with an optional {@code /number} suffix ({@code -b 10M/5}, {@code --server-bitrate-limit 1G/10}). */
    record RateAndWindow(long bitsPerSecond, int seconds) {
    }

    static RateAndWindow rateAndWindow(String flag, String text) {
        int slash = text.indexOf('/');
        try {
            long rate = Units.parseBitRate(slash < 0 ? text : text.substring(0, slash));
            int n = slash < 0 ? 0 : Integer.parseInt(text.substring(slash + 1));
            if (n < 0) {
                throw new IllegalArgumentException("the number after / must not be negative");
            }
            return new RateAndWindow(rate, n);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(flag + ": " + e.getMessage());
        }
    }

    /** The TOS byte of -S (decimal, 0 octal or 0x hex) or --dscp (number or name), 0 when neither. */
    int tosByte() {
        if (tos != null && dscp != null) {
            throw new IllegalArgumentException("give -S/--tos or --dscp, not both");
        }
        if (tos != null) {
            int v = number("-S/--tos", tos);
            if (v < 0 || v > 255) {
                throw new IllegalArgumentException("-S/--tos must be 0-255, got " + tos);
            }
            return v;
        }
        if (dscp != null) {
            Integer named = DSCP_NAMES.get(dscp.toLowerCase(Locale.ROOT));
            int v = named != null ? named : number("--dscp", dscp);
            if (v < 0 || v > 63) {
                throw new IllegalArgumentException("--dscp must be 0-63 or a name (ef, af11..af43, cs0..cs7), got "
                        + dscp);
            }
            return v << 2;
        }
        return 0;
    }

    private static int number(String flag, String text) {
        try {
            return Integer.decode(text.length() > 1 && text.startsWith("0") && !text.startsWith("0x")
                    ? "0" + text.substring(1) : text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + ": not a number: '" + text + "'");
        }
    }

    /** RFC 2474, 2597, 3246 code points as iperf3's {@code parse_qos} names them. */
    private static final Map<String, Integer> DSCP_NAMES = Map.ofEntries(
            Map.entry("cs0", 0), Map.entry("cs1", 8), Map.entry("cs2", 16), Map.entry("cs3", 24),
            Map.entry("cs4", 32), Map.entry("cs5", 40), Map.entry("cs6", 48), Map.entry("cs7", 56),
            Map.entry("af11", 10), Map.entry("af12", 12), Map.entry("af13", 14),
            Map.entry("af21", 18), Map.entry("af22", 20), Map.entry("af23", 22),
            Map.entry("af31", 26), Map.entry("af32", 28), Map.entry("af33", 30),
            Map.entry("af41", 34), Map.entry("af42", 36), Map.entry("af43", 38),
            Map.entry("ef", 46), Map.entry("va", 44), Map.entry("le", 1));
}
