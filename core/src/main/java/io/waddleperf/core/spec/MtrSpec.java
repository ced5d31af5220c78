package io.waddleperf.core.spec;

import io.waddleperf.core.result.TestType;
import java.time.Duration;
import java.util.Set;

/**
 * An mtr report ({@code mtr}, docs/RESULTS.md): {@code cycles} rounds, {@code interval} apart, each sending one probe to every
 * hop of {@code path} (up to the destination once it is known), reported with mtr's columns per hop. {@code count}
 * sets the cycles, as {@code mtr -c}.
 */
public record MtrSpec(String target, TracerouteSpec path, int cycles, Duration interval) implements ProbeSpec {

    public static final int DEFAULT_CYCLES = 10;

    public static MtrSpec of(String target, String host, Integer port, ProbeOptions o) {
        Params p = Params.of(o, "mtr", TracerouteSpec.PATH_PARAMS);
        int cycles = o.countOr(DEFAULT_CYCLES);
        if (cycles > 1000) {
            throw new InvalidSpecException("count", "mtr cycles must be 1-1000, got " + cycles);
        }
        Duration interval = o.intervalOr(Duration.ofSeconds(1));
        if (interval.compareTo(Duration.ofMillis(10)) < 0) {
            throw new InvalidSpecException("interval", "mtr interval must be at least 10 ms, got " + interval.toMillis() + " ms");
        }
        TracerouteSpec path = TracerouteSpec.path(target, host, port, p.oneOf("proto", "icmp", TracerouteSpec.PROTOS), p, 1,
                o.timeoutOr(TracerouteSpec.DEFAULT_WAIT));
        return new MtrSpec(target, path, cycles, interval);
    }

    @Override
    public Endpoint endpoint() {
        return path.endpoint();
    }

    @Override
    public Duration timeout() {
        return path.probeWait();
    }

    @Override
    public Duration budget() {
        Duration cycle = interval.compareTo(path.probeWait()) > 0 ? interval : path.probeWait();
        return cycle.multipliedBy(cycles).plus(path.resolve() ? TracerouteSpec.resolveBudget() : Duration.ZERO).plusSeconds(1);
    }

    @Override
    public TestType testType() {
        return TestType.MTR;
    }

    @Override
    public String protocolDetail() {
        return path.proto();
    }
}
