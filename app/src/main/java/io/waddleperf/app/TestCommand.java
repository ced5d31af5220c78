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

/**
 * {@code waddleperf test <target-uri>}: runs one probe now and prints its result (human text or the JSON result object
 * of docs/RESULTS.md).
 *
 * <p>Its picocli model is built in code ({@link #model()}), not read from {@code @Option} annotations: reading an
 * annotation makes the JDK generate a proxy class for its type at run time, which no class-data archive can hold,
 * and those proxies were a large part of a cold {@code waddleperf test} (docs/BENCHMARKS.md, section 2). The model
 * is the one the annotations made, attribute for attribute, so help, errors and completion are unchanged
 * ({@code CliUsageGoldenTest}). The {@code @Command} annotation only names the class's command; nothing reads it at run
 * time.
 */
@Command(name = "test")
public final class TestCommand implements Callable<Integer> {

    private static final String[] DESCRIPTION = {"Run one probe now and print the result. The target's scheme names the probe:",
        "  tcp://host:port     tls://host[:443]       udp://host[:2000]",
        "  udp-raw://host:port dns://resolver/name?type=A",
        "  http[s]://host/path ssh://[user@]host[:22] icmp://host",
        "  trace://host        mtr://host             mtu://host",
        "  speedtest://host[:8080]  rpm://host[:8080]  iperf3://host[:5201]",
        "  http-trace://host   tcp-trace://host:port  udp-trace://host:port",
        "IPv6 addresses go in brackets when a port follows: udp://[::1]:2000.",
        "'waddleperf probes TYPE' (or --opt help) lists a probe's options and defaults."};

    private static final String[] FOOTER = {"", "Examples:",
        "  waddleperf test tcp://example.net:443 --count 5",
        "  waddleperf test udp://127.0.0.1:2000 --count 100 --interval 10ms --json",
        "  waddleperf test dns://127.0.0.1/example.com?type=AAAA",
        "  waddleperf test https://example.net/ --opt protocol=http2",
        "  waddleperf test iperf3://127.0.0.1 --time 5 --parallel 4 --reverse"};

    CommandLine.Model.CommandSpec spec;

    /** {@code <target-uri>}: what to probe. */
    String target;

    /** {@code -c, --count}. */
    Integer count;

    /** {@code -i, --interval}. */
    Duration interval;

    /** {@code -t, --timeout}. */
    Duration timeout;

    /** {@code -s, --size}. */
    Long size;

    /** {@code -o, --opt}, repeatable. */
    List<String> opts = new ArrayList<>();

    /** {@code --json}. */
    boolean json;

    /** The bandwidth flags, an argument group of their own in the help. */
    Iperf3Flags iperf3 = new Iperf3Flags();

    /** iperf3 test flags: each becomes the iperf3 probe option of the same name, so the spec keeps the defaults. */
    static final class Iperf3Flags {
        String time;
        String parallel;
        boolean reverse;
        boolean bidir;
        boolean udp;
        String bitrate;
        String length;
        String window;
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

    /**
     * This command's picocli model, bound to this instance's fields: what {@code @Command(name = "test",
     * mixinStandardHelpOptions = true, description = …, footer = …)} with an {@code @Parameters}, {@code @Option} or
     * {@code @ArgGroup} annotation on each field made, in the same order (the order decides the help's layout and the
     * completion script's). Labels of flags without a parameter are picocli's defaults ({@code <field>}), unused in
     * any text but kept so the model is the same.
     */
    CommandLine.Model.CommandSpec model() {
        CommandLine.Model.CommandSpec s = CommandLine.Model.CommandSpec.wrapWithoutInspection(this);
        s.name("test");
        s.usageMessage().description(DESCRIPTION).footer(FOOTER);
        s.addPositional(CommandLine.Model.PositionalParamSpec.builder().index("0").paramLabel("<target-uri>")
                .type(String.class).required(true).completionCandidates(new Schemes())
                .description("What to probe (the scheme names the probe type).").descriptionKey("").initialValue(target)
                .getter(new Binding(this, TARGET)).setter(new Binding(this, TARGET)).build());
        s.addOption(option(COUNT, Integer.class, "N", count, names("-c", "--count"),
                "Attempts / packets (probe default when absent).").build());
        s.addOption(option(INTERVAL, Duration.class, "D", interval, names("-i", "--interval"),
                "Time between attempts, e.g. 10ms, 1s (bare number = seconds).").converters(new DurationConverter()).build());
        s.addOption(option(TIMEOUT, Duration.class, "D", timeout, names("-t", "--timeout"),
                "Per-attempt timeout, e.g. 2s, 500ms.").converters(new DurationConverter()).build());
        s.addOption(option(SIZE, Long.class, "B", size, names("-s", "--size"),
                "Datagram / payload size of udp, udp-raw, udp-trace, icmp; the upload of ssh. E.g. 64, 1K, 1400B.")
                .converters(new BytesConverter()).build());
        s.addOption(option(OPTS, List.class, "KEY=VALUE", opts, names("-o", "--opt"),
                "Probe-specific option (repeatable), e.g. --opt verify=false.", "--opt help lists the target's options.")
                .auxiliaryTypes(String.class).completionCandidates(new OptionKeys()).build());
        s.addOption(option(JSON, boolean.class, "<json>", json, names("--json"),
                "Print the result object (docs/RESULTS.md) as JSON instead of text.").build());
        Iperf3Flags f = iperf3;
        s.addArgGroup(CommandLine.Model.ArgGroupSpec.builder().exclusive(false)
                .heading("%nBandwidth (iperf3:// targets only):%n")
                .addArg(option(TIME, String.class, "S", f.time, names("--time"), "Test seconds (default 10).").build())
                .addArg(option(PARALLEL, String.class, "N", f.parallel, names("--parallel"),
                        "Parallel streams (default 1).").build())
                .addArg(option(REVERSE, boolean.class, "<reverse>", f.reverse, names("--reverse"),
                        "Server sends (download).").build())
                .addArg(option(BIDIR, boolean.class, "<bidir>", f.bidir, names("--bidir"),
                        "Both directions at once.").build())
                .addArg(option(UDP, boolean.class, "<udp>", f.udp, names("--udp"), "UDP instead of TCP.").build())
                .addArg(option(BITRATE, String.class, "R", f.bitrate, names("--bitrate"),
                        "Target rate per stream, e.g. 100M.").build())
                .addArg(option(LENGTH, String.class, "B", f.length, names("--length"),
                        "Block / datagram size, e.g. 128K, 1400.").build())
                .addArg(option(WINDOW, String.class, "B", f.window, names("--window"),
                        "Socket buffer size, e.g. 2M.").build())
                .addArg(option(OMIT, String.class, "S", f.omit, names("--omit"),
                        "Seconds at the start not counted.").build())
                .build());
        WaddlePerf.addStandardHelpOptions(s);
        spec = s;
        return s;
    }

    private CommandLine.Model.OptionSpec.Builder option(int field, Class<?> type, String label, Object initial,
            String[] names, String... description) {
        Binding binding = new Binding(this, field);
        return CommandLine.Model.OptionSpec.builder(names).type(type).paramLabel(label).description(description)
                .descriptionKey("").initialValue(initial).getter(binding).setter(binding);
    }

    private static String[] names(String... names) {
        return names;
    }

    private static final int TARGET = 0;
    private static final int COUNT = 1;
    private static final int INTERVAL = 2;
    private static final int TIMEOUT = 3;
    private static final int SIZE = 4;
    private static final int OPTS = 5;
    private static final int JSON = 6;
    private static final int TIME = 7;
    private static final int PARALLEL = 8;
    private static final int REVERSE = 9;
    private static final int BIDIR = 10;
    private static final int UDP = 11;
    private static final int BITRATE = 12;
    private static final int LENGTH = 13;
    private static final int WINDOW = 14;
    private static final int OMIT = 15;

    /**
     * One field of the command, read and written by picocli: plain assignments where the annotations had picocli use
     * reflection (each reflective field access links method handles at its first use in every run).
     */
    private static final class Binding implements CommandLine.Model.IGetter, CommandLine.Model.ISetter {
        private final TestCommand c;
        private final int field;

        Binding(TestCommand c, int field) {
            this.c = c;
            this.field = field;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T get() {
            Iperf3Flags f = c.iperf3;
            Object value = switch (field) {
                case TARGET -> c.target;
                case COUNT -> c.count;
                case INTERVAL -> c.interval;
                case TIMEOUT -> c.timeout;
                case SIZE -> c.size;
                case OPTS -> c.opts;
                case JSON -> c.json;
                case TIME -> f.time;
                case PARALLEL -> f.parallel;
                case REVERSE -> f.reverse;
                case BIDIR -> f.bidir;
                case UDP -> f.udp;
                case BITRATE -> f.bitrate;
                case LENGTH -> f.length;
                case WINDOW -> f.window;
                case OMIT -> f.omit;
                default -> throw new IllegalStateException("no field " + field);
            };
            return (T) value;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T set(T value) {
            T old = get();
            Iperf3Flags f = c.iperf3;
            switch (field) {
                case TARGET -> c.target = (String) value;
                case COUNT -> c.count = (Integer) value;
                case INTERVAL -> c.interval = (Duration) value;
                case TIMEOUT -> c.timeout = (Duration) value;
                case SIZE -> c.size = (Long) value;
                case OPTS -> c.opts = (List<String>) value;
                case JSON -> c.json = (Boolean) value;
                case TIME -> f.time = (String) value;
                case PARALLEL -> f.parallel = (String) value;
                case REVERSE -> f.reverse = (Boolean) value;
                case BIDIR -> f.bidir = (Boolean) value;
                case UDP -> f.udp = (Boolean) value;
                case BITRATE -> f.bitrate = (String) value;
                case LENGTH -> f.length = (String) value;
                case WINDOW -> f.window = (String) value;
                case OMIT -> f.omit = (String) value;
                default -> throw new IllegalStateException("no field " + field);
            }
            return old;
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
