package io.waddleperf.core.autoperf;

import io.waddleperf.core.result.TestType;
import io.waddleperf.core.spec.InvalidSpecException;
import io.waddleperf.core.spec.ProbeOptions;
import io.waddleperf.core.spec.ProbeSpec;
import io.waddleperf.core.spec.TargetParser;
import io.waddleperf.core.units.Units;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * One probe of a tier as the scheduler runs it: placeholders filled, the target parsed into a {@link ProbeSpec} (or
 * a custom probe's command), its name, kind and deadline.
 *
 * @param tier    the tier it belongs to (1-3)
 * @param name    unique within the tier; labels its results in metrics and thresholds
 * @param spec    what to measure; null for a custom probe
 * @param command a custom probe's program and arguments (placeholders filled); empty otherwise
 * @param customType   the test type a custom probe's results carry; null otherwise
 * @param customTarget a custom probe's target (placeholders filled), null when it has none
 * @param kind    throughput probes run alone, latency probes beside each other
 * @param timeout the longest the whole run may take
 */
public record ProbeDefinition(int tier, String name, ProbeSpec spec, List<String> command, TestType customType,
                              String customTarget, ProbeKind kind, Duration timeout) {

    public ProbeDefinition {
        command = List.copyOf(command);
    }

    private static final Set<TestType> THROUGHPUT = Set.of(TestType.IPERF3, TestType.SPEEDTEST, TestType.RPM);

    public boolean custom() {
        return spec == null;
    }

    /** The target as results and metrics show it: the spec's target, or the custom command's program. */
    public String target() {
        return spec != null ? spec.target() : customTarget != null ? customTarget : command.getFirst();
    }

    /** The type of this probe's results. */
    public TestType testType() {
        return spec != null ? spec.testType() : customType;
    }

    /** The name a probe without one gets: its target's scheme; null for a custom probe (which must have one). */
    public static String defaultName(Probe p) {
        if (p.target() == null || !p.command().isEmpty()) {
            return null;
        }
        int sep = p.target().indexOf("://");
        return sep > 0 ? p.target().substring(0, sep).toLowerCase().replace('-', '_') : null;
    }

    /**
     * Resolves one configured probe.
     *
     * @param resolver the system resolver, for {@code {system_resolver}}
     * @return empty when the probe cannot apply here (a DNS lookup of a target server that is an IP address)
     * @throws InvalidSpecException naming the option or target at fault
     * @throws IllegalArgumentException when a placeholder cannot be filled
     */
    public static Optional<ProbeDefinition> of(int tier, Probe p, Duration tierProbeTimeout,
                                               String targetServer, Supplier<Optional<String>> resolver) {
        Duration timeout = p.timeout() != null ? p.timeout() : tierProbeTimeout;
        if (!p.command().isEmpty()) {
            List<String> command = p.command().stream().map(a -> fill(a, targetServer)).toList();
            String target = p.target() == null ? null : fill(p.target(), targetServer);
            return Optional.of(new ProbeDefinition(tier, p.name(), null, command, p.testType(), target,
                    p.kind() == null ? ProbeKind.LATENCY : p.kind(), timeout));
        }
        String target = p.target();
        if (target.contains("{target_server}")) {
            if (targetServer == null) {
                throw new IllegalArgumentException("target_server is not set");
            }
            String host = targetServer.contains(":") && !targetServer.startsWith("[") ? "[" + targetServer + "]"
                    : targetServer;
            boolean queriedName = target.matches("(?i)dns://[^/]*/\\{target_server}.*");
            if (queriedName && isAddress(targetServer)) {
                return Optional.empty(); // there is no name to resolve: the target server is an address
            }
            target = target.replace("://{target_server}", "://" + host).replace("{target_server}", targetServer);
        }
        if (target.contains("{system_resolver}")) {
            String r = resolver.get().orElseThrow(() -> new IllegalArgumentException(
                    "{system_resolver}: /etc/resolv.conf names no nameserver"));
            target = target.replace("{system_resolver}", r.contains(":") ? "[" + r + "]" : r);
        }
        ProbeSpec spec = TargetParser.parse(target, options(p.options()));
        String name = p.name() != null ? p.name() : defaultName(p);
        return Optional.of(new ProbeDefinition(tier, name, spec, List.of(), null, null,
                THROUGHPUT.contains(spec.testType()) ? ProbeKind.THROUGHPUT : ProbeKind.LATENCY, timeout));
    }

    private static String fill(String text, String targetServer) {
        if (text.contains("{target_server}") && targetServer == null) {
            throw new IllegalArgumentException("target_server is not set");
        }
        return targetServer == null ? text : text.replace("{target_server}", targetServer);
    }

    static boolean isAddress(String host) {
        return host.matches("[0-9.]+") || host.contains(":");
    }

    private static ProbeOptions options(Map<String, String> options) {
        Map<String, String> params = new LinkedHashMap<>(options);
        Integer count = null;
        Duration interval = null;
        Duration timeout = null;
        Long size = null;
        try {
            String v = params.remove("count");
            count = v == null ? null : Integer.valueOf(v.strip());
        } catch (NumberFormatException e) {
            throw new InvalidSpecException("count", "must be a whole number, got '" + options.get("count") + "'");
        }
        try {
            String v = params.remove("interval");
            interval = v == null ? null : Units.parseDuration(v);
        } catch (IllegalArgumentException e) {
            throw new InvalidSpecException("interval", e.getMessage());
        }
        try {
            String v = params.remove("timeout");
            timeout = v == null ? null : Units.parseDuration(v);
        } catch (IllegalArgumentException e) {
            throw new InvalidSpecException("timeout", e.getMessage());
        }
        try {
            String v = params.remove("size");
            size = v == null ? null : Units.parseBytes(v);
        } catch (IllegalArgumentException e) {
            throw new InvalidSpecException("size", e.getMessage());
        }
        return new ProbeOptions(count, interval, timeout, size, params);
    }
}
