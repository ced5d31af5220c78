package io.waddleperf.core.spec;

import io.waddleperf.core.result.TestType;
import java.time.Duration;
import java.util.Set;

/** TCP connect time, {@code count} attempts {@code interval} apart ({@code tcp}, docs/RESULTS.md). */
public record TcpSpec(String target, Endpoint endpoint, int count, Duration interval, Duration timeout) implements ProbeSpec {

    /**
     * No default port: a TCP connect test is about one service, and a silent guess (port 80 once) timed a service the
     * user never named.
     */
    public static TcpSpec of(String target, String host, Integer port, ProbeOptions o) {
        Params.of(o, "tcp", Set.of());
        if (port == null) {
            throw new InvalidSpecException("port", "a tcp target needs a port: write tcp://"
                    + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":PORT, e.g. :443");
        }
        return new TcpSpec(target, new Endpoint(host, port), o.countOr(1),
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
