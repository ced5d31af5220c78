package io.waddleperf.app;

import io.waddleperf.app.report.Reports;
import io.waddleperf.app.report.Units;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.Source;
import io.waddleperf.core.spec.ProbeOptions;
import io.waddleperf.core.spec.ProbeSpec;
import io.waddleperf.core.spec.TargetParser;
import io.waddleperf.probes.DeviceIdentity;
import io.waddleperf.probes.ProbeContext;
import io.waddleperf.probes.ProbeRunner;
import io.waddleperf.testserver.TestServer;
import io.waddleperf.testserver.TestServerConfig;
import io.waddleperf.testserver.TestServerListeners;
import io.waddleperf.testserver.dns.DnsResponder;
import io.waddleperf.testserver.echo.UdpEchoResponder;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code waddleperf demo}: a test server on 127.0.0.1 and a round of tcp, udp, http and dns probes against it,
 * shown as a table; repeated every {@code --interval} until interrupted, or once with {@code --once}.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Start a test server on 127.0.0.1 and probe it (tcp, udp, http, dns), showing a table.",
            "With --once: one round, exit code 0 when every probe succeeded, 1 otherwise."})
public final class DemoCommand implements Callable<Integer> {

    static final String ZONE = "waddleperf.test";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--once", description = "Run one round and exit.")
    boolean once;

    @Option(names = "--interval", paramLabel = "D", converter = TestCommand.DurationConverter.class, defaultValue = "10s",
            description = "Time between rounds (default ${DEFAULT-VALUE}).")
    Duration interval;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        quietLogs();
        Path dataDir = Files.createTempDirectory("waddleperf-demo");
        String apiKey = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        TestServerConfig config = TestServerConfig.of(Map.ofEntries(
                Map.entry("bind", "127.0.0.1"),
                Map.entry("http_port", Integer.toString(tcpPortOr(loopback, 8080))),
                Map.entry("https_enabled", "false"),
                Map.entry("udp_echo_port", Integer.toString(udpPortOr(loopback, 2000))),
                Map.entry("api_keys", apiKey),
                Map.entry("allow_private_targets", "true"),
                Map.entry("data_dir", dataDir.toString()),
                Map.entry("shutdown_timeout", "2s"),
                Map.entry("dns.enabled", "true"),
                Map.entry("dns.port", "0"),
                Map.entry("dns.zone", ZONE),
                Map.entry("iperf3.port", Integer.toString(tcpPortOr(loopback, 5201)))));
        try (TestServer server = TestServer.start(config, TestServerListeners.standard(Set.of()))) {
            return rounds(server, apiKey, out);
        } finally {
            deleteTree(dataDir);
        }
    }

    private int rounds(TestServer server, String apiKey, PrintWriter out) throws InterruptedException {
        int udpPort = server.listener(UdpEchoResponder.class).orElseThrow().port();
        int dnsPort = server.listener(DnsResponder.class).orElseThrow().port();
        out.println(TestServerCommand.describe(server));
        out.println("test API key for this run: " + apiKey + "   (try: curl -H 'Authorization: ApiKey " + apiKey
                + "' -H 'Content-Type: application/json' -d '{\"target\":\"127.0.0.1\",\"port\":" + server.httpPort()
                + "}' http://127.0.0.1:" + server.httpPort() + "/api/v1/test/tcp)");
        List<ProbeSpec> specs = List.of(
                TargetParser.parse("tcp://127.0.0.1:" + server.httpPort(), new ProbeOptions(5, Duration.ofMillis(20), null, null, Map.of())),
                TargetParser.parse("udp://127.0.0.1:" + udpPort, new ProbeOptions(50, Duration.ofMillis(10), Duration.ofSeconds(1), null, Map.of())),
                TargetParser.parse("http://127.0.0.1:" + server.httpPort() + "/health", new ProbeOptions(3, Duration.ofMillis(20), null, null, Map.of())),
                TargetParser.parse("dns://127.0.0.1:" + dnsPort + "/demo." + ZONE, new ProbeOptions(5, Duration.ofMillis(20), null, null, Map.of())));
        ProbeContext context = ProbeContext.of(Source.CLI).withDevice(DeviceIdentity.local("demo", VersionProvider.version()));
        for (int round = 1; ; round++) {
            boolean allOk = true;
            out.printf(Locale.ROOT, "%nround %d  %s%n", round, Instant.now().truncatedTo(ChronoUnit.SECONDS));
            out.printf(Locale.ROOT, "  %-5s %-44s %-7s %10s  %s%n", "probe", "target", "result", "latency", "detail");
            for (ProbeSpec s : specs) {
                ProbeResult r = ProbeRunner.run(s, context);
                allOk &= r.success();
                out.printf(Locale.ROOT, "  %-5s %-44s %-7s %10s  %s%n", r.testType().wireName(), r.target(),
                        r.success() ? "ok" : "FAILED",
                        r.latencyMs() == null ? "" : Units.ms(r.latencyMs()), detail(r));
            }
            out.flush();
            if (once) {
                return allOk ? ExitCode.OK.code() : ExitCode.PROBE_FAILED.code();
            }
            Thread.sleep(interval.toMillis());
        }
    }

    /** The demo's data folder is scratch (a self-signed certificate, stored browser results): nothing to keep. */
    private static void deleteTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** The demo's table is the output; server start-up chatter is kept to warnings unless the user asked for a level. */
    private static void quietLogs() {
        if (System.getenv("WADDLEPERF_LOG_LEVEL") == null
                && org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof ch.qos.logback.classic.Logger root) {
            root.setLevel(ch.qos.logback.classic.Level.WARN);
        }
    }

    /** One short phrase per probe type with the figures a person looks at first. */
    static String detail(ProbeResult r) {
        if (!r.success()) {
            return Reports.why(r.error());
        }
        return switch (r.testType()) {
            case TCP -> r.packetsReceived() + "/" + r.packetsSent() + " connected, p95 " + Units.ms(r.p95LatencyMs());
            case UDP -> r.packetsReceived() + "/" + r.packetsSent() + " replies, " + Units.percent(r.packetLossPercent())
                    + " loss, jitter " + Units.ms(r.jitterMs());
            case HTTP -> "status " + r.statusCode() + " " + r.protocolDetail().toUpperCase(Locale.ROOT) + ", ttfb " + Units.ms(r.ttfbMs());
            case DNS -> r.rawResults().get("rcode") + answers(r) + ", " + r.packetsReceived() + "/" + r.packetsSent() + " answered";
            default -> "";
        };
    }

    /** The answer records' data, e.g. {@code  127.0.0.1}, as dig +short shows them. */
    private static String answers(ProbeResult r) {
        if (!(r.rawResults().get("answers") instanceof List<?> list) || list.isEmpty()) {
            return "";
        }
        StringBuilder s = new StringBuilder();
        for (Object a : list) {
            if (a instanceof java.util.Map<?, ?> m && m.get("data") != null) {
                s.append(s.isEmpty() ? " " : ", ").append(m.get("data"));
            }
        }
        return s.toString();
    }

    /** The preferred port when it is free on {@code address}, else 0 (any free port), so a demo always starts. */
    static int tcpPortOr(InetAddress address, int preferred) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(address, preferred));
            return preferred;
        } catch (IOException e) {
            return 0;
        }
    }

    static int udpPortOr(InetAddress address, int preferred) {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(address, preferred))) {
            return preferred;
        } catch (IOException e) {
            return 0;
        }
    }
}
