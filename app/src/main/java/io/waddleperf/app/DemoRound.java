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
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * One round of the demo's own probes against the test server, printed as a table row by row: tcp, udp, http and dns
 * on every round, and with {@code throughput} also a short iperf3 test and a short speed test.
 */
final class DemoRound {

    private static final String ROW = "  %-9s %-44s %-7s %10s  %s%n";

    private final List<ProbeSpec> specs;
    private final ProbeContext context = ProbeContext.of(Source.CLI).withDevice(DeviceIdentity.local("demo", VersionProvider.version()));

    private DemoRound(List<ProbeSpec> specs) {
        this.specs = specs;
    }

    /** The round against a test server at these ports on 127.0.0.1. */
    static DemoRound against(int httpPort, int udpEchoPort, int dnsPort, int iperf3Port, boolean throughput) {
        List<ProbeSpec> specs = new ArrayList<>(List.of(
                TargetParser.parse("tcp://127.0.0.1:" + httpPort, new ProbeOptions(5, Duration.ofMillis(20), null, null, Map.of())),
                TargetParser.parse("udp://127.0.0.1:" + udpEchoPort, new ProbeOptions(50, Duration.ofMillis(10), Duration.ofSeconds(1), null, Map.of())),
                TargetParser.parse("http://127.0.0.1:" + httpPort + "/health", new ProbeOptions(3, Duration.ofMillis(20), null, null, Map.of())),
                TargetParser.parse("dns://127.0.0.1:" + dnsPort + "/" + DemoPlatform.DNS_NAME, new ProbeOptions(5, Duration.ofMillis(20), null, null, Map.of()))));
        if (throughput) {
            // short: a demo shows that the path works, docs/ACCURACY.md is where the figures are judged
            specs.add(TargetParser.parse("iperf3://127.0.0.1:" + iperf3Port,
                    new ProbeOptions(null, null, null, null, Map.of("time", "1"))));
            specs.add(TargetParser.parse("speedtest://127.0.0.1:" + httpPort, new ProbeOptions(null, null, null, null,
                    Map.of("duration_ms", "2000", "download_grace_ms", "300", "upload_grace_ms", "300",
                            "download_streams", "2", "upload_streams", "2", "pings", "3"))));
        }
        return new DemoRound(specs);
    }

    /**
     * Runs the round, printing a row per probe as it finishes.
     *
     * @param stopping checked before each probe: a demo being stopped prints no rows for probes it did not run
     * @return one line per failed probe, naming it and saying why
     */
    List<String> run(int round, PrintWriter out, BooleanSupplier stopping) {
        List<String> failures = new ArrayList<>();
        out.printf(Locale.ROOT, "%nround %d  %s%n", round, Instant.now().truncatedTo(ChronoUnit.SECONDS));
        out.printf(Locale.ROOT, ROW, "probe", "target", "result", "latency", "detail");
        out.flush();
        for (ProbeSpec s : specs) {
            if (stopping.getAsBoolean()) {
                break;
            }
            ProbeResult r = ProbeRunner.run(s, context);
            if (!r.success()) {
                failures.add(r.testType().wireName() + " " + r.target() + ": " + Reports.why(r.error()));
            }
            out.printf(Locale.ROOT, ROW, r.testType().wireName(), r.target(), r.success() ? "ok" : "FAILED",
                    r.latencyMs() == null ? "" : Units.ms(r.latencyMs()), detail(r));
            out.flush();
        }
        return failures;
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
            case IPERF3 -> "upload " + rate(r.throughputMbps()) + (r.retransmits() == null ? "" : ", " + r.retransmits() + " retransmits");
            case SPEEDTEST -> "download " + rate(r.downloadMbps()) + ", upload " + rate(r.uploadMbps());
            default -> "";
        };
    }

    private static String rate(Double mbps) {
        return mbps == null ? "-" : Units.rate(mbps);
    }

    /** The answer records' data, e.g. {@code  127.0.0.1}, as dig +short shows them. */
    private static String answers(ProbeResult r) {
        if (!(r.rawResults().get("answers") instanceof List<?> list) || list.isEmpty()) {
            return "";
        }
        StringBuilder s = new StringBuilder();
        for (Object a : list) {
            if (a instanceof Map<?, ?> m && m.get("data") != null) {
                s.append(s.isEmpty() ? " " : ", ").append(m.get("data"));
            }
        }
        return s.toString();
    }
}
