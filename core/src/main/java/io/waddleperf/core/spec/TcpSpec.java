package io.waddleperf.core.spec;

import io.waddleperf.core.result.TestType;
import java.time.Duration;
import java.util.Set;

/** TCP connect time, {@code count} attempts {@code interval} apart ({@code tcp}, docs/RESULTS.md). */
public record TcpSpec(String target, Endpoint endpoint, int count, Duration interval, Duration timeout) implements ProbeSpec {

    public static final int DEFAULT_PORT = 80;

    public static TcpSpec of(String target, String host, Integer port, ProbeOptions o) {
        Params.of(o, "tcp", Set.of());
        return new TcpSpec(target, new Endpoint(host, port == null ? DEFAULT_PORT : port), o.countOr(1),
                o.intervalOr(Duration.ofMillis(100)), o.timeoutOr(Duration.ofSeconds(10)));
    }

    @Override
    public Duration budget() {
        return ProbeSpec.budgetOf(count, interval, timeout);
    }

    @Override
    public TestType testType() {
        return TestType.TCP;
    }
}
