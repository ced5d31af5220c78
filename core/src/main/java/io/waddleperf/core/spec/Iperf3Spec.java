package io.waddleperf.core.spec;

import io.waddleperf.core.result.TestType;
import io.waddleperf.core.units.Units;
import java.time.Duration;
import java.util.Set;

/**
 * A bandwidth test over the iperf3 wire protocol ({@code iperf3}, {@code iperf3://host:port}): TCP or UDP,
 * {@code parallel} streams, client → server, {@code reverse} (server → client) or {@code bidir} (both).
 *
 * @param time test duration, omit period excluded (iperf3 {@code -t})
 * @param bitrateBitsPerSecond per-stream target rate (iperf3 {@code -b}); 0 = unlimited for TCP, iperf3's 1 Mbit/s for UDP
 * @param lengthBytes block or datagram size (iperf3 {@code -l}); 0 = iperf3's default
 * @param windowBytes socket buffer size on both ends (iperf3 {@code -w}); 0 = system default
 * @param omit seconds at the start not counted (iperf3 {@code -O})
 */
public record Iperf3Spec(String target, Endpoint endpoint, Duration time, int parallel, boolean reverse, boolean bidir,
        boolean udp, long bitrateBitsPerSecond, int lengthBytes, int windowBytes, Duration omit, Duration timeout)
        implements ProbeSpec {

    public static final int DEFAULT_PORT = 5201;
    public static final Duration DEFAULT_TIME = Duration.ofSeconds(10);
    static final Set<String> PARAMS = Set.of("time", "parallel", "reverse", "bidir", "udp", "bitrate", "length",
            "window", "omit");
    /** Room on top of time + omit for connecting, stream setup and the results exchange. */
    private static final Duration SETUP_ALLOWANCE = Duration.ofSeconds(10);

    public static Iperf3Spec of(String target, String host, Integer port, ProbeOptions o) {
        Params p = Params.of(o, "iperf3", PARAMS);
        Duration time = seconds(p, "time", DEFAULT_TIME, 1, 86_400);
        Duration omit = seconds(p, "omit", Duration.ZERO, 0, 600);
        int parallel = p.integer("parallel", 1, 1, 128);
        boolean reverse = p.bool("reverse", false);
        boolean bidir = p.bool("bidir", false);
        if (reverse && bidir) {
            throw new InvalidSpecException("bidir", "cannot be combined with reverse");
        }
        boolean udp = p.bool("udp", false);
        long bitrate = p.has("bitrate") ? parse("bitrate", () -> Units.parseBitRate(p.string("bitrate", null))) : 0;
        long length = p.has("length") ? parse("length", () -> Units.parseBytes(p.string("length", null))) : 0;
        if (p.has("length") && (udp ? length < 16 || length > 65_507 : length < 1 || length > 1024 * 1024)) {
            throw new InvalidSpecException("length", udp ? "UDP datagrams must be 16-65507 bytes, got " + length
                    : "TCP blocks must be 1 byte to 1 MiB, got " + length);
        }
        long window = p.has("window") ? parse("window", () -> Units.parseBytes(p.string("window", null))) : 0;
        if (window < 0 || window > 512L * 1024 * 1024) {
            throw new InvalidSpecException("window", "must be at most 512 MiB, got " + window);
        }
        Duration timeout = o.timeoutOr(time.plus(omit).plus(SETUP_ALLOWANCE));
        return new Iperf3Spec(target, new Endpoint(host, port == null ? DEFAULT_PORT : port), time, parallel, reverse,
                bidir, udp, bitrate, (int) length, (int) window, omit, timeout);
    }

    private static Duration seconds(Params p, String name, Duration dflt, int min, int max) {
        if (!p.has(name)) {
            return dflt;
        }
        Duration d = parse(name, () -> Units.parseDuration(p.string(name, null)));
        if (d.toNanos() % 1_000_000_000L != 0 || d.toSeconds() < min || d.toSeconds() > max) {
            throw new InvalidSpecException(name, "must be whole seconds from " + min + " to " + max + ", got "
                    + Units.formatDuration(d));
        }
        return d;
    }

    private interface Parse<T> {
        T get();
    }

    private static <T> T parse(String name, Parse<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw new InvalidSpecException(name, e.getMessage());
        }
    }

    @Override
    public TestType testType() {
        return TestType.IPERF3;
    }

    @Override
    public String protocolDetail() {
        return udp ? "udp" : "tcp";
    }
}
