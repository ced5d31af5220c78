package io.waddleperf.core.spec;

import io.waddleperf.core.result.TestType;
import java.time.Duration;
import java.util.Set;

/**
 * An HTTP speed test ({@code speedtest}, docs/PROTOCOL-http-speedtest.md): idle latency and jitter from {@code pings} small requests,
 * then download and upload with parallel streams started {@code streamDelay} apart, the first {@code *Grace} of each
 * direction discarded, each direction ending after {@code duration} or earlier once the rate is stable. With
 * {@code librespeed} the paths are LibreSpeed's ({@code garbage.php}, {@code empty.php}) under {@code path}.
 * Durations are given in milliseconds as {@code *_ms} options so short tests are possible. With {@code tls},
 * {@code tlsClient} says how the server's certificate is checked ({@link TlsClientSpec}).
 */
public record SpeedtestSpec(String target, Endpoint endpoint, boolean tls, TlsClientSpec tlsClient, boolean librespeed,
                            String path, int downloadStreams, int uploadStreams, Duration duration, Duration downloadGrace,
                            Duration uploadGrace, Duration streamDelay, int pings, Duration timeout) implements ProbeSpec {

    public static final int DEFAULT_PORT = 8080;

    public static SpeedtestSpec of(String target, String host, Integer port, ProbeOptions o) {
        Params p = Params.of(o, "speedtest", TlsClientSpec.withOptions(Set.of("tls", "librespeed", "path",
                "download_streams", "upload_streams", "duration_ms", "download_grace_ms", "upload_grace_ms",
                "stream_delay_ms", "pings")));
        boolean tls = p.bool("tls", false);
        String path = p.string("path", "");
        if (!path.isEmpty() && (!path.startsWith("/") || !path.matches("[A-Za-z0-9/._~-]*"))) {
            throw new InvalidSpecException("path", "must start with / and hold only URL path characters, got '" + path + "'");
        }
        if (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        // LibreSpeed's defaults (speedtest_worker.js): 6 down / 3 up streams, 1.5 s / 3 s grace, 300 ms stagger
        return new SpeedtestSpec(target, new Endpoint(host, port == null ? DEFAULT_PORT : port), tls,
                TlsClientSpec.ofOptional(p, tls, "speedtest"), p.bool("librespeed", false), path,
                p.integer("download_streams", 6, 1, 32),
                p.integer("upload_streams", 3, 1, 32), Duration.ofMillis(p.integer("duration_ms", 10_000, 500, 120_000)),
                Duration.ofMillis(p.integer("download_grace_ms", 1_500, 0, 30_000)),
                Duration.ofMillis(p.integer("upload_grace_ms", 3_000, 0, 30_000)),
                Duration.ofMillis(p.integer("stream_delay_ms", 300, 0, 5_000)), p.integer("pings", 10, 2, 100),
                o.timeoutOr(Duration.ofSeconds(10)));
    }

    @Override
    public java.util.Optional<TlsClientSpec> tlsOptions() {
        return tls ? java.util.Optional.of(tlsClient) : java.util.Optional.empty();
    }

    /** Pings, then both directions with their grace periods, plus one timeout of slack. */
    @Override
    public Duration budget() {
        return timeout.multipliedBy(2).plus(duration.multipliedBy(2)).plus(downloadGrace).plus(uploadGrace);
    }

    @Override
    public TestType testType() {
        return TestType.SPEEDTEST;
    }

    @Override
    public String protocolDetail() {
        return librespeed ? "librespeed" : "waddleperf";
    }
}
