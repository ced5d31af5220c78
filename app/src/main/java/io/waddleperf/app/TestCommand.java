package io.waddleperf.app;

import io.waddleperf.app.report.ProgressPrinter;
import io.waddleperf.app.report.Reports;
import io.waddleperf.app.report.Style;
import io.waddleperf.core.result.Json;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.Source;
import io.waddleperf.core.spec.ProbeCatalog;
import io.waddleperf.core.spec.ProbeOptions;
import io.waddleperf.core.spec.ProbeSpec;
import io.waddleperf.core.spec.TargetParser;
import io.waddleperf.core.units.Units;
import io.waddleperf.probes.DeviceIdentity;
import io.waddleperf.probes.ProbeContext;
import io.waddleperf.probes.ProbeRunner;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code waddleperf test <target-uri>}: runs one probe now and prints its result (human text or the JSON result object of docs/RESULTS.md). */
@Command(name = "test", mixinStandardHelpOptions = true,
        description = {"Run one probe now and print the result. The target's scheme names the probe:",
            "  tcp://host:port     tls://host[:443]       udp://host[:2000]",
            "  udp-raw://host:port dns://resolver/name?type=A",
            "  http[s]://host/path ssh://[user@]host[:22] icmp://host",
            "  trace://host        mtr://host             mtu://host",
            "  speedtest://host[:8080]  rpm://host[:8080]  iperf3://host[:5201]",
            "  http-trace://host   tcp-trace://host:port  udp-trace://host:port",
            "IPv6 addresses go in brackets when a port follows: udp://[::1]:2000.",
            "'waddleperf probes TYPE' (or --opt help) lists a probe's options and defaults."},
        footer = {"", "Examples:",
            "  waddleperf test tcp://example.net:443 --count 5",
            "  waddleperf test udp://127.0.0.1:2000 --count 100 --interval 10ms --json",
            "  waddleperf test dns://127.0.0.1/example.com?type=AAAA",
            "  waddleperf test https://example.net/ --opt protocol=http2",
            "  waddleperf test iperf3://127.0.0.1 --time 5 --parallel 4 --reverse"})
public final class TestCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<target-uri>", completionCandidates = Schemes.class,
            description = "What to probe (the scheme names the probe type).")
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
            description = "Datagram / payload size of udp, udp-raw, udp-trace, icmp; the upload of ssh. E.g. 64, 1K, 1400B.")
    Long size;

    @Option(names = {"-o", "--opt"}, paramLabel = "KEY=VALUE", completionCandidates = OptionKeys.class,
            description = {"Probe-specific option (repeatable), e.g. --opt verify=false.",
                "--opt help lists the target's options."})
    List<String> opts = new ArrayList<>();

    @Option(names = "--json", description = "Print the result object (docs/RESULTS.md) as JSON instead of text.")
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
        Optional<ProbeCatalog.Probe> known = ProbeCatalog.forTarget(target);
        if (opts.stream().anyMatch(o -> o.equalsIgnoreCase("help"))) {
            if (known.isPresent()) {
                out.print(ProbesCommand.describe(known.get()));
            } else {
                out.print(ProbesCommand.overview());
            }
            out.flush();
            return ExitCode.OK.code();
        }
        Map<String, String> params = options(opts);
        Map<String, String> bandwidth = iperf3 == null ? Map.of() : iperf3.params();
        if (!bandwidth.isEmpty() && !target.regionMatches(true, 0, "iperf3://", 0, 9)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--" + bandwidth.keySet().iterator().next()
                    + " applies to iperf3:// targets only, not to '" + target + "'");
        }
        params.putAll(bandwidth);
        try {
            probe = TargetParser.parse(target, new ProbeOptions(count, interval, timeout, size, params));
        } catch (IllegalArgumentException e) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("waddleperf test: invalid target '" + target + "': " + e.getMessage());
            err.println(known.map(p -> "try 'waddleperf probes " + p.schemes().getFirst() + "'")
                    .orElse("try 'waddleperf probes'"));
            err.flush();
            return ExitCode.USAGE.code();
        }
        ProbeContext context = ProbeContext.of(Source.CLI).withDevice(DeviceIdentity.local("cli", VersionProvider.version()));
        boolean terminal = !json && Style.stdoutIsTerminal();
        Style style = Style.decide(terminal, System.getenv());
        ProgressPrinter progress = showsProgress(json, terminal) ? new ProgressPrinter(out, style) : null;
        ProbeResult result = ProbeRunner.run(probe, progress == null ? context : context.withProgress(progress));
        if (json) {
            out.println(Json.writePretty(result));
        } else {
            out.print(Reports.render(result, style, progress != null && progress.printedAny()));
        }
        out.flush();
        hint(result).ifPresent(h -> {
            spec.commandLine().getErr().println(h);
            spec.commandLine().getErr().flush();
        });
        return result.success() ? ExitCode.OK.code() : ExitCode.PROBE_FAILED.code();
    }

    /** Progress lines are for a person at a terminal; never with {@code --json}, whose stdout is one JSON object. */
    static boolean showsProgress(boolean json, boolean terminal) {
        return terminal && !json;
    }

    /** {@code --opt} values as a map; anything but KEY=VALUE is a usage error naming the value. */
    private Map<String, String> options(List<String> values) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String v : values) {
            int eq = v.indexOf('=');
            if (eq <= 0) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--opt takes KEY=VALUE, got '" + v
                        + "' (--opt help lists the options of the target's probe)");
            }
            params.put(v.substring(0, eq).strip(), v.substring(eq + 1));
        }
        return params;
    }

    /**
     * What to try next after a failure the user can act on, for the terminal (never in the result): a certificate
     * this machine does not trust can be trusted with its CA file or, knowingly, not checked.
     */
    static Optional<String> hint(ProbeResult result) {
        String error = result.error();
        if (result.success() || error == null) {
            return Optional.empty();
        }
        if (error.contains("untrusted certificate")) {
            return Optional.of("hint: trust the server's CA with --opt ca_file=CA.pem, or skip the check with "
                    + "--opt verify=false");
        }
        if (error.contains("hostname mismatch")) {
            return Optional.of("hint: the certificate names another host; --opt verify=false skips the check");
        }
        return Optional.empty();
    }

    /** The URI schemes, for shell completion of the target. */
    static final class Schemes implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return ProbeCatalog.schemes().stream().map(s -> s + "://").iterator();
        }
    }

    /** Every probe's option keys (completion narrows them by the target's scheme), and {@code help}. */
    static final class OptionKeys implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            Set<String> keys = new TreeSet<>();
            ProbeCatalog.all().forEach(p -> p.options().forEach(o -> keys.add(o.key() + "=")));
            keys.add("help");
            return keys.iterator();
        }
    }

    /**
     * Durations in the project's one syntax ({@link Units#parseDuration}); a bad one is a conversion error, which
     * picocli shows as its message alone (any other exception it shows with the Java class name).
     */
    public static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return Units.parseDuration(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** Sizes in the project's one syntax ({@link Units#parseBytes}), errors as for durations. */
    public static final class BytesConverter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return Units.parseBytes(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
