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

/** {@code waddleperf test <target-uri>}: runs one probe now and prints its result (human text or SPEC §2 JSON). */
@Command(name = "test", mixinStandardHelpOptions = true,
        description = {"Run one probe now and print the result.",
            "Targets: tcp://host:port, tls://host:port, udp://host[:2000], udp-raw://host:port,",
            "dns://resolver[:53]/name?type=A, http(s)://host/path, ssh://[user@]host[:22], icmp://host,",
            "mtu://host?min=576&max=9000"},
        footer = {"", "Examples:",
            "  waddleperf test tcp://example.net:443 --count 5",
            "  waddleperf test udp://127.0.0.1:2000 --count 100 --interval 10ms --json",
            "  waddleperf test dns://127.0.0.1/example.com?type=AAAA",
            "  waddleperf test https://example.net/ --opt protocol=http2"})
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
            description = "Probe-specific option (repeatable), e.g. --opt ca_file=ca.pem --opt protocol=http2.")
    Map<String, String> opts = new LinkedHashMap<>();

    @Option(names = "--json", description = "Print the SPEC result object as JSON instead of text.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        ProbeSpec probe;
        try {
            probe = TargetParser.parse(target, new ProbeOptions(count, interval, timeout, size, opts));
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
