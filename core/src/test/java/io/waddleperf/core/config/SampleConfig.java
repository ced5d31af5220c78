package io.waddleperf.core.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** A config record shaped like a real program's (nested records, lists, maps, units, secrets), for the loader tests. */
record SampleConfig(
        int httpPort,
        String bindAddress,
        boolean allowPrivateTargets,
        Duration idleTimeout,
        @Bytes long maxBodyBytes,
        @BitRate long maxRateBitsPerSecond,
        Mode mode,
        List<String> corsOrigins,
        List<Integer> extraPorts,
        Tls tls,
        Limits limits,
        Map<String, Integer> weights,
        Map<String, Sink> sinks,
        List<Peer> peers,
        Secret apiKey,
        Double overheadFactor) implements Validated {

    enum Mode { TCP, UDP, UDP_RAW }

    SampleConfig {
        corsOrigins = List.copyOf(corsOrigins);
        extraPorts = List.copyOf(extraPorts);
        weights = Map.copyOf(weights);
        sinks = Map.copyOf(sinks);
        peers = List.copyOf(peers);
        if (bindAddress.isBlank()) {
            throw new IllegalArgumentException("bind_address must not be blank");
        }
    }

    static SampleConfig defaults() {
        return new SampleConfig(8080, "0.0.0.0", false, Duration.ofSeconds(30), 1024 * 1024, 1_000_000_000L,
                Mode.TCP, List.of("*"), List.of(), Tls.defaults(), Limits.defaults(), Map.of("a", 1),
                Map.of("main", new Sink(URI.create("http://127.0.0.1:5000/"), Duration.ofSeconds(5))), List.of(),
                null, null);
    }

    @Override
    public void validate(Problems problems) {
        problems.require(httpPort >= 1 && httpPort <= 65535, "http_port",
                "must be between 1 and 65535, got " + httpPort);
        problems.require(overheadFactor == null || overheadFactor >= 1.0, "overhead_factor",
                "must be at least 1, got " + overheadFactor);
    }

    record Tls(boolean enabled, Path certFile, Secret keyPassword) implements Validated {

        static Tls defaults() {
            return new Tls(false, null, null);
        }

        @Override
        public void validate(Problems problems) {
            problems.require(!enabled || certFile != null, "cert_file", "is required when tls is enabled");
        }
    }

    record Limits(int maxConcurrentTests, Duration maxDuration, @Bytes long maxUploadBytes) implements Validated {

        static Limits defaults() {
            return new Limits(1, Duration.ofMinutes(1), 100L * 1024 * 1024);
        }

        @Override
        public void validate(Problems problems) {
            problems.require(maxConcurrentTests >= 1, "max_concurrent_tests",
                    "must be at least 1, got " + maxConcurrentTests);
            problems.require(maxDuration.compareTo(Duration.ofHours(1)) <= 0, "max_duration", "must be at most 1h");
        }
    }

    record Sink(URI url, Duration timeout) {

        static Sink defaults() {
            return new Sink(URI.create("http://127.0.0.1/"), Duration.ofSeconds(10));
        }
    }

    /** No defaults(): every key of a peer is required. */
    record Peer(String name, URI url) {
    }
}
