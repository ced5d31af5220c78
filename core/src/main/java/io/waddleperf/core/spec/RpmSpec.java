package io.waddleperf.core.spec;

import io.waddleperf.core.result.TestType;
import java.time.Duration;
import java.util.Set;

/**
 * Responsiveness under working conditions ({@code rpm}, docs/PROTOCOL-http-speedtest.md; draft-ietf-ippm-responsiveness): the server's
 * {@code /.well-known/nq} config names the URLs; load connections are added {@code connectionsPerInterval} per
 * {@code interval} up to {@code maxConnections} while foreign and self probes are sent {@code probeInterval} apart;
 * aggregation is a single-sided trimmed mean over the last {@code movingAverageIntervals} intervals, and the test
 * ends when goodput and responsiveness are stable or after {@code maxDuration}. With {@code tls}, {@code tlsClient}
 * says how the server's certificate is checked ({@link TlsClientSpec}).
 */
public record RpmSpec(String target, Endpoint endpoint, boolean tls, TlsClientSpec tlsClient, String direction,
                      int maxConnections, int connectionsPerInterval, Duration interval, Duration probeInterval, Duration maxDuration,
                      int movingAverageIntervals, double stabilityPercent, double trimmedMeanPercent,
                      Duration timeout) implements ProbeSpec {

    public static final int DEFAULT_PORT = 8080;
    public static final Set<String> DIRECTIONS = Set.of("download", "upload");

    public static RpmSpec of(String target, String host, Integer port, ProbeOptions o) {
        Params p = Params.of(o, "rpm", TlsClientSpec.withOptions(Set.of("tls", "direction", "max_connections",
                "connections_per_interval", "interval_ms", "probe_interval_ms", "max_duration_ms")));
        boolean tls = p.bool("tls", false);
        // draft -09: MNP 16, MAD 4, SDT 5 %, TMP 95 %; ID 1 s as goresponsiveness (the draft's 5 s makes 20 s tests)
        return new RpmSpec(target, new Endpoint(host, port == null ? DEFAULT_PORT : port), tls,
                TlsClientSpec.ofOptional(p, tls, "rpm"), p.oneOf("direction", "download", DIRECTIONS),
                p.integer("max_connections", 16, 1, 64),
                p.integer("connections_per_interval", 1, 1, 16), Duration.ofMillis(p.integer("interval_ms", 1_000, 100, 10_000)),
                Duration.ofMillis(p.integer("probe_interval_ms", 100, 10, 5_000)),
                Duration.ofMillis(p.integer("max_duration_ms", 20_000, 1_000, 120_000)), 4, 5.0, 95.0,
                o.timeoutOr(Duration.ofSeconds(10)));
    }

    @Override
    public java.util.Optional<TlsClientSpec> tlsOptions() {
        return tls ? java.util.Optional.of(tlsClient) : java.util.Optional.empty();
    }

    @Override
    public Duration budget() {
        return maxDuration.plus(timeout.multipliedBy(2));
    }

    @Override
    public TestType testType() {
        return TestType.RPM;
    }

    @Override
    public String protocolDetail() {
        return direction;
    }
}
