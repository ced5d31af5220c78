package io.waddleperf.app;

import io.waddleperf.core.result.Json;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.Source;
import io.waddleperf.core.spec.ProbeOptions;
import io.waddleperf.core.spec.ProbeSpec;
import io.waddleperf.core.spec.TargetParser;
import io.waddleperf.core.units.Units;
import io.waddleperf.probes.DeviceIdentity;
import io.waddleperf.probes.ProbeContext;
import io.waddleperf.probes.ProbeRunner;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code waddleperf test <target-uri>}: runs one probe now and prints its result (human text or the JSON result object of docs/RESULTS.md). */
@Command(name = "test", mixinStandardHelpOptions = true,
        description = {"Run one probe now and print the result.",
            "Targets: tcp://host:port, tls://host:port, udp://host[:2000], udp-raw://host:port,",
            "dns://resolver[:53]/name?type=A, http(s)://host/path, ssh://[user@]host[:22], icmp://host,",
            "trace://host, mtr://host, mtu://host?min=576&max=9000, speedtest://host:8080, rpm://host:8080, iperf3://host[:5201]"},
        footer = {"", "Examples:",
            "  waddleperf test tcp://example.net:443 --count 5",
            "  waddleperf test udp://127.0.0.1:2000 --count 100 --interval 10ms --json",
            "  waddleperf test dns://127.0.0.1/example.com?type=AAAA",
            "  waddleperf test https://example.net/ --opt protocol=http2",
            "  waddleperf test iperf3://127.0.0.1 --time 5 --parallel 4 --reverse"})
public final class TestCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<target-uri>", description = "What to probe (scheme names the probe type).")
    String target;

    @Option(names = {"-c", "--count"}, paramLabel = "N", description = "Attempts / packets (probe default when absent).")
    Integer count;

    @Option(names = {"-i", "--interval"}, paramLabel = "D", converter = DurationConverter.class,
            description = "Time between attempts, e.g. 10ms, 1s (bare number = seconds).")
    Duration interval;

    @Option(names = {"-t", "--timeout"}, paramLabel = "D", converter = DurationConverter.class,
            description = "Per-attempt timeout, e.g. 2s, 500ms.")
    Duration timeout;

    @Option(names = {"-s", "--size"}, paramLabel = "B", converter = BytesConverter.class,
            description = "Datagram / payload size, e.g. 64, 1K, 1400B.")
    Long size;

    @Option(names = {"-o", "--opt"}, paramLabel = "KEY=VALUE",
            description = "Probe-specific option (repeatable), e.g. --opt ca_file=ca.pem --opt verify=false --opt protocol=http2.")
    Map<String, String> opts = new LinkedHashMap<>();

    @Option(names = "--json", description = "Print the SPEC result object as JSON instead of text.")
    boolean json;

    @CommandLine.ArgGroup(exclusive = false, heading = "%nBandwidth (iperf3:// targets only):%n")
    Iperf3Flags iperf3 = new Iperf3Flags();

    /** iperf3 test flags: each becomes the iperf3 probe option of the same name, so the spec keeps the defaults. */
    static final class Iperf3Flags {
        @Option(names = "--time", paramLabel = "S", description = "Test seconds (default 10).")
        String time;

        @Option(names = "--parallel", paramLabel = "N", description = "Parallel streams (default 1).")
        String parallel;

        @Option(names = "--reverse", description = "Server sends (download).")
        boolean reverse;

        @Option(names = "--bidir", description = "Both directions at once.")
        boolean bidir;

        @Option(names = "--udp", description = "UDP instead of TCP.")
        boolean udp;

        @Option(names = "--bitrate", paramLabel = "R", description = "Target rate per stream, e.g. 100M.")
        String bitrate;

        @Option(names = "--length", paramLabel = "B", description = "Block / datagram size, e.g. 128K, 1400.")
        String length;

        @Option(names = "--window", paramLabel = "B", description = "Socket buffer size, e.g. 2M.")
        String window;

        @Option(names = "--omit", paramLabel = "S", description = "Seconds at the start not counted.")
        String omit;

        Map<String, String> params() {
            Map<String, String> p = new LinkedHashMap<>();
            putIf(p, "time", time);
            putIf(p, "parallel", parallel);
            putIf(p, "reverse", reverse ? "true" : null);
            putIf(p, "bidir", bidir ? "true" : null);
            putIf(p, "udp", udp ? "true" : null);
            putIf(p, "bitrate", bitrate);
            putIf(p, "length", length);
            putIf(p, "window", window);
            putIf(p, "omit", omit);
            return p;
        }

        private static void putIf(Map<String, String> p, String key, String value) {
            if (value != null) {
                p.put(key, value);
            }
        }
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        ProbeSpec probe;
        Map<String, String> params = new LinkedHashMap<>(opts);
        Map<String, String> bandwidth = iperf3 == null ? Map.of() : iperf3.params();
        if (!bandwidth.isEmpty() && !target.regionMatches(true, 0, "iperf3://", 0, 9)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--" + bandwidth.keySet().iterator().next()
                    + " applies to iperf3:// targets only, not to '" + target + "'");
        }
        params.putAll(bandwidth);
        try {
            probe = TargetParser.parse(target, new ProbeOptions(count, interval, timeout, size, params));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e, null, target);
        }
        ProbeResult result = ProbeRunner.run(probe, ProbeContext.of(Source.CLI).withDevice(DeviceIdentity.local("cli", VersionProvider.version())));
        if (json) {
            out.println(Json.writePretty(result));
        } else {
            out.print(ResultFormatter.format(result));
        }
        out.flush();
        return result.success() ? ExitCode.OK.code() : ExitCode.PROBE_FAILED.code();
    }

    /** Durations in the project's one syntax ({@link Units#parseDuration}). */
    public static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return Units.parseDuration(value);
        }
    }

    /** Sizes in the project's one syntax ({@link Units#parseBytes}). */
    public static final class BytesConverter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return Units.parseBytes(value);
        }
    }
}
