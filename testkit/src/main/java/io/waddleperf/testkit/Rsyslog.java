package io.waddleperf.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.DatagramSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Debian's rsyslogd as a syslog receiver for tests: started in the foreground with a configuration file and work
 * folder of its own, listening on one free loopback port (UDP, TCP, or TCP with TLS through the gtls driver), and
 * writing every message it receives as one line of {@link #FIELDS}, its RFC 5424 fields as rsyslog parsed them, to
 * {@link #output()}. It never reads the system's configuration and leaves the system's syslog alone.
 */
public final class Rsyslog implements AutoCloseable {

    /** Separator between the fields of an output line (text the tests never send). */
    public static final String SEPARATOR = "|#|";

    /** What an output line holds, in order. */
    public static final List<String> FIELDS = List.of("facility", "severity", "hostname", "app_name", "msgid",
            "structured_data", "msg");

    /** The PEM files of the receiver's TLS identity and the CA that clients trust it by. */
    public record TlsFiles(Path caFile, Path certificate, Path privateKey) {
    }

    private final Process process;
    private final int port;
    private final Path output;
    private final Path log;

    private Rsyslog(Process process, int port, Path output, Path log) {
        this.process = process;
        this.port = port;
        this.output = output;
        this.log = log;
    }

    /** The rsyslogd program, required: skips without it, fails under {@code CI=true}. */
    public static Path binary() {
        var found = Requirements.command("rsyslogd");
        Requirements.require(found.isPresent(), "rsyslogd is not installed (apt-get install rsyslog rsyslog-gnutls)");
        return found.orElseThrow();
    }

    /** A receiver on UDP ({@code udp}), TCP ({@code tcp}) or TLS ({@code tls}, with {@code tlsFiles}). */
    public static Rsyslog start(Path dir, String transport, TlsFiles tlsFiles) throws IOException, InterruptedException {
        Path rsyslogd = binary();
        if (transport.equals("tls")) {
            Requirements.require(Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/rsyslog/lmnsd_gtls.so"))
                            || Files.exists(Path.of("/usr/lib/rsyslog/lmnsd_gtls.so"))
                            || hasGtlsSomewhere(),
                    "rsyslog's TLS driver is not installed (apt-get install rsyslog-gnutls)");
        }
        Path work = Files.createDirectories(dir.resolve("rsyslog-work"));
        Path output = dir.resolve("received.log");
        Path log = dir.resolve("rsyslogd.log");
        int port = transport.equals("udp") ? freeUdpPort() : freeTcpPort();
        StringBuilder conf = new StringBuilder();
        Path key = null;
        if (transport.equals("tls")) {
            key = traditionalKey(tlsFiles.privateKey(), dir.resolve("rsyslog-traditional.key"));
        }
        conf.append("global(workDirectory=\"").append(work).append("\" maxMessageSize=\"128k\"");
        if (transport.equals("tls")) {
            conf.append(" defaultNetstreamDriver=\"gtls\" defaultNetstreamDriverCAFile=\"").append(tlsFiles.caFile())
                    .append("\" defaultNetstreamDriverCertFile=\"").append(tlsFiles.certificate())
                    .append("\" defaultNetstreamDriverKeyFile=\"").append(key).append('"');
        }
        conf.append(")\n");
        switch (transport) {
            case "udp" -> conf.append("module(load=\"imudp\")\n")
                    .append("input(type=\"imudp\" address=\"127.0.0.1\" port=\"").append(port).append("\")\n");
            case "tcp" -> conf.append("module(load=\"imtcp\")\n")
                    .append("input(type=\"imtcp\" address=\"127.0.0.1\" port=\"").append(port).append("\")\n");
            case "tls" -> conf.append("module(load=\"imtcp\" streamDriver.name=\"gtls\" streamDriver.mode=\"1\" ")
                    .append("streamDriver.authMode=\"anon\")\n")
                    .append("input(type=\"imtcp\" address=\"127.0.0.1\" port=\"").append(port).append("\")\n");
            default -> throw new IllegalArgumentException("transport " + transport);
        }
        String sep = SEPARATOR;
        conf.append("template(name=\"fields\" type=\"string\" string=\"%syslogfacility-text%").append(sep)
                .append("%syslogseverity-text%").append(sep).append("%hostname%").append(sep).append("%app-name%")
                .append(sep).append("%msgid%").append(sep).append("%structured-data%").append(sep)
                .append("%msg%\\n\")\n");
        conf.append("action(type=\"omfile\" file=\"").append(output).append("\" template=\"fields\")\n");
        Path confFile = Files.writeString(dir.resolve("rsyslog.conf"), conf.toString());
        Process p = new ProcessBuilder(rsyslogd.toString(), "-n", "-f", confFile.toString(), "-i",
                dir.resolve("rsyslogd.pid").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Rsyslog r = new Rsyslog(p, port, output, log);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!listening(transport.equals("udp") ? "udp" : "tcp", port)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                r.close();
                throw new IOException("rsyslogd did not start listening on 127.0.0.1:" + port + ": "
                        + Files.readString(log));
            }
            Thread.sleep(50);
        }
        return r;
    }

    /**
     * The EC key in the SEC 1 form with its public key ({@code EC PRIVATE KEY}): the JDK writes PKCS#8 without the
     * public key, which the GnuTLS key loader of Debian 12's rsyslog cannot parse.
     */
    private static Path traditionalKey(Path pkcs8, Path out) throws IOException, InterruptedException {
        var openssl = Requirements.command("openssl");
        Requirements.require(openssl.isPresent(), "openssl is not installed");
        Process p = new ProcessBuilder(openssl.orElseThrow().toString(), "ec", "-in", pkcs8.toString(), "-out",
                out.toString()).redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("openssl ec could not convert " + pkcs8 + ": " + said);
        }
        return out;
    }

    private static boolean hasGtlsSomewhere() {
        try (var s = Files.walk(Path.of("/usr/lib"), 3)) {
            return s.anyMatch(f -> f.getFileName().toString().equals("lmnsd_gtls.so"));
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether a socket listens on 127.0.0.1:{@code port}, as the kernel lists it ({@code /proc/net/tcp|udp}). */
    private static boolean listening(String proto, int port) throws IOException {
        String local = String.format(Locale.ROOT, "0100007F:%04X", port);
        for (String line : Files.readAllLines(Path.of("/proc/net/" + proto))) {
            String[] f = line.trim().split("\\s+");
            if (f.length > 3 && f[1].equals(local) && (proto.equals("udp") || f[3].equals("0A"))) {
                return true;
            }
        }
        return false;
    }

    public int port() {
        return port;
    }

    /** The file rsyslog writes the received messages to (one line each, {@link #FIELDS}). */
    public Path output() {
        return output;
    }

    /** The received messages so far, each split into {@link #FIELDS}. */
    public List<List<String>> received() throws IOException {
        if (!Files.exists(output)) {
            return List.of();
        }
        return Files.readAllLines(output, StandardCharsets.UTF_8).stream()
                .map(l -> List.of(l.split(java.util.regex.Pattern.quote(SEPARATOR), FIELDS.size()))).toList();
    }

    /** What rsyslogd printed (errors about its configuration, TLS handshakes). */
    public String log() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    private static int freeTcpPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
