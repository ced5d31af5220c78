package io.waddleperf.testkit;

import io.waddleperf.testkit.lab.LabNode;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * A real DNS server for tests: Debian's {@code dnsmasq} in the foreground on 127.0.0.1 and a free port (UDP and
 * TCP), answering only from a fixed test zone under {@value #ZONE} given on its command line, and nothing else
 * (no upstream servers, no /etc/hosts). Stopped on {@link #close()}.
 *
 * <p>The zone holds A/AAAA ({@value #WWW}), a CNAME ({@value #ALIAS}), an MX at the apex, a short TXT
 * ({@value #TXT}) and a TXT of about 3 KB ({@value #BIG_TXT}) whose UDP answer dnsmasq truncates (TC bit) even with
 * EDNS, because {@code --edns-packet-max} is pinned to 1232 bytes (DNS Flag Day 2020), so clients must retry over TCP.
 * Names under the zone that are not listed get NXDOMAIN ({@code --local}); names outside it get REFUSED.
 */
public final class Dnsmasq implements AutoCloseable {

    public static final String ZONE = "test.waddle";
    public static final String WWW = "www.test.waddle";
    public static final String WWW_IPV4 = "192.0.2.10";
    public static final String WWW_IPV6 = "2001:db8::10";
    public static final String ALIAS = "alias.test.waddle";
    public static final String MAIL = "mail.test.waddle";
    public static final int MX_PREFERENCE = 10;
    public static final String TXT = "txt.test.waddle";
    public static final String TXT_VALUE = "v=waddle1 hello";
    public static final String BIG_TXT = "big.test.waddle";
    /** TTL of every record in the zone ({@code --local-ttl}; dnsmasq's default is 0). */
    public static final int TTL_SECONDS = 300;
    /** The strings of {@value #BIG_TXT}: 12 strings of 248 characters, well over any UDP answer size used here. */
    public static final List<String> BIG_TXT_STRINGS = IntStream.range(0, 12)
            .mapToObj(i -> String.format("s%02d-", i).repeat(62)).toList();

    private static final Path DEFAULT_BINARY = Path.of("/usr/sbin/dnsmasq");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
    private static final int START_ATTEMPTS = 5;

    private final Process process;
    private final int port;
    private final Path log;

    private Dnsmasq(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** The dnsmasq binary, if installed ({@code /usr/sbin/dnsmasq} or on {@code PATH}). */
    public static Optional<Path> binary() {
        if (Files.isExecutable(DEFAULT_BINARY)) {
            return Optional.of(DEFAULT_BINARY);
        }
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, "dnsmasq");
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * Skips the calling test (with the reason printed) when dnsmasq is not installed; fails it instead when the
     * environment says {@code CI=true}, where the package ({@code dnsmasq-base}) must be present.
     */
    public static void assumeInstalled() {
        Requirements.require(binary().isPresent(), "dnsmasq is not installed (apt-get install dnsmasq-base)");
    }

    /**
     * Starts dnsmasq with the test zone plus {@code extraOptions} (long options such as
     * {@code --address=/x.test.waddle/192.0.2.99}), its pid file and log in {@code workDir}; returns once it
     * answers a query for {@value #WWW}.
     */
    public static Dnsmasq start(Path workDir, String... extraOptions) throws IOException, InterruptedException {
        Path bin = binary().orElseThrow(() -> new IllegalStateException("dnsmasq is not installed"));
        Files.createDirectories(workDir);
        IOException last = null;
        // The free port is found by binding and releasing it, so another process may take it first: retry.
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            int port = freeUdpAndTcpPort();
            Path log = workDir.resolve("dnsmasq-" + port + ".log");
            List<String> command = command(bin, port, workDir.resolve("dnsmasq-" + port + ".pid"), extraOptions);
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            Dnsmasq server = new Dnsmasq(process, port, log);
            try {
                server.awaitAnswering();
                return server;
            } catch (IOException e) {
                server.close();
                last = e;
            }
        }
        throw last;
    }

    /**
     * Starts dnsmasq inside a lab node's namespace ({@code ip netns exec}) on 127.0.0.1 port 53, the port a
     * {@code resolv.conf} names, with the test zone plus {@code extraOptions} (e.g. {@code --host-record} for names
     * and PTR records of lab addresses); returns once it answers there.
     */
    public static Dnsmasq startIn(LabNode node, Path workDir, String... extraOptions) throws Exception {
        Path bin = binary().orElseThrow(() -> new IllegalStateException("dnsmasq is not installed"));
        Files.createDirectories(workDir);
        int port = 53;
        Path log = workDir.resolve("dnsmasq-" + node.label() + ".log");
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", node.namespace()));
        command.addAll(command(bin, port, workDir.resolve("dnsmasq-" + node.label() + ".pid"), extraOptions));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Dnsmasq server = new Dnsmasq(process, port, log);
        try {
            node.run(() -> {
                server.awaitAnswering(); // its socket must be in the namespace too
                return null;
            });
            return server;
        } catch (Exception e) {
            server.close();
            throw e;
        }
    }

    private static List<String> command(Path bin, int port, Path pidFile, String... extraOptions) {
        List<String> c = new ArrayList<>(List.of(
                bin.toString(),
                "--keep-in-foreground",
                "--log-facility=-",
                "--log-queries",
                "--conf-file=/dev/null",
                "--no-resolv",
                "--no-hosts",
                "--no-poll",
                "--listen-address=127.0.0.1",
                "--bind-interfaces",
                "--port=" + port,
                // dnsmasq switches to "nobody" when started as root; staying the current user keeps the pid file writable.
                "--user=" + System.getProperty("user.name"),
                "--pid-file=" + pidFile,
                "--local=/" + ZONE + "/",
                "--local-ttl=" + TTL_SECONDS,
                "--edns-packet-max=1232",
                "--host-record=" + WWW + "," + WWW_IPV4 + "," + WWW_IPV6,
                "--cname=" + ALIAS + "," + WWW,
                "--mx-host=" + ZONE + "," + MAIL + "," + MX_PREFERENCE,
                // On the command line dnsmasq takes the text as is (quotes would become part of it); commas separate strings.
                "--txt-record=" + TXT + "," + TXT_VALUE,
                "--txt-record=" + BIG_TXT + "," + String.join(",", BIG_TXT_STRINGS)));
        c.addAll(List.of(extraOptions));
        return c;
    }

    /** The port dnsmasq listens on (UDP and TCP) at {@link #address()}. */
    public int port() {
        return port;
    }

    public InetAddress address() {
        return InetAddress.getLoopbackAddress();
    }

    /** What dnsmasq printed so far (start-up messages and one line per query), for failure messages. */
    public String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private void awaitAnswering() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        byte[] query = aQuery(WWW);
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.connect(new InetSocketAddress(address(), port));
            socket.setSoTimeout(200);
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IOException("dnsmasq exited with " + process.exitValue() + ":\n" + log());
                }
                try {
                    socket.send(new DatagramPacket(query, query.length));
                    DatagramPacket reply = new DatagramPacket(new byte[512], 512);
                    socket.receive(reply);
                    if (reply.getLength() >= 12 && reply.getData()[0] == query[0] && reply.getData()[1] == query[1]) {
                        return;
                    }
                } catch (SocketTimeoutException | java.net.PortUnreachableException e) {
                    Thread.sleep(50); // not listening yet
                }
            }
        }
        throw new IOException("dnsmasq did not answer on 127.0.0.1:" + port + " within " + START_TIMEOUT.toSeconds() + " s:\n" + log());
    }

    /** A minimal RFC 1035 §4.1 query (id 0x5741, RD set, one IN A question) for the readiness check. */
    private static byte[] aQuery(String name) {
        var out = new java.io.ByteArrayOutputStream();
        out.writeBytes(new byte[] {0x57, 0x41, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0});
        for (String label : name.split("\\.")) {
            byte[] b = label.getBytes(StandardCharsets.US_ASCII);
            out.write(b.length);
            out.writeBytes(b);
        }
        out.writeBytes(new byte[] {0, 0, 1, 0, 1});
        return out.toByteArray();
    }

    private static int freeUdpAndTcpPort() throws IOException {
        for (int i = 0; i < 50; i++) {
            try (ServerSocket tcp = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                int port = tcp.getLocalPort();
                try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
                    return port;
                } catch (IOException inUse) {
                    // this port is taken for UDP; try another
                }
            }
        }
        throw new IOException("no port free for both UDP and TCP on 127.0.0.1");
    }
}
