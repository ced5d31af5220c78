package io.waddleperf.testserver;

import io.waddleperf.core.config.ConfigException;
import io.waddleperf.core.config.ConfigLoader;
import io.waddleperf.core.config.Problems;
import io.waddleperf.core.config.Secret;
import io.waddleperf.core.config.Validated;
import io.waddleperf.testserver.policy.Cidr;
import io.waddleperf.testserver.speed.SpeedConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The test server's settings, snake_case in YAML, {@code WADDLEPERF_TESTSERVER_*} environment variables and flags
 * ({@code http_port}, {@code api_keys}, …; every key is listed in docs/CONFIGURATION.md), loaded by {@link #loader()}
 * (which takes the defaults from {@link #defaults()} and runs {@link #validate(Problems)} on every section). Tests
 * and the demo build one with {@link #of(Map)} and adjust it with the {@code withX} copies; running components only
 * see instances that passed {@link #validate()}. Ports may be 0 to bind any free port (tests).
 *
 * @param bind                   address every listener binds to
 * @param httpPort               plain HTTP port (test API, health)
 * @param httpsEnabled           whether the HTTPS listener runs
 * @param httpsPort              HTTPS port
 * @param udpEchoPort            UDP echo responder port
 * @param udpEchoTokens          when set, the UDP echo responder answers only requests carrying one of these tokens
 * @param apiKeys                accepted test API keys ({@code Authorization: ApiKey <key>} or {@code Bearer <key>});
 *                               from the environment, the YAML file or {@code api_keys_file} (one key per line)
 * @param authDisabled           the only way to run the test API without keys; refused together with keys
 * @param allowPrivateTargets    let the test API probe loopback, private, link-local and other special addresses
 * @param dataDir                folder for state that must survive restarts (the self-signed certificate)
 * @param tlsCertFile            PEM certificate chain for HTTPS; with {@code tlsKeyFile}, else a self-signed one is made
 * @param tlsKeyFile             PEM private key (PKCS#8, or PKCS#1/SEC1) for {@code tlsCertFile}
 * @param trustedProxies         CIDRs of reverse proxies whose {@code X-Forwarded-For} is believed
 * @param shutdownTimeout        how long {@code close()} waits for running tests before cutting them off
 * @param limits                 admission limits of the test API
 * @param dns                    the optional DNS responder for a test zone
 * @param speed                  the speed test endpoints' limits, GeoIP files and result file ({@code speed:})
 * @param iperf3                 the iperf3 server (port 5201)
 */
public record TestServerConfig(
        String bind,
        int httpPort,
        boolean httpsEnabled,
        int httpsPort,
        int udpEchoPort,
        List<Secret> udpEchoTokens,
        List<Secret> apiKeys,
        boolean authDisabled,
        boolean allowPrivateTargets,
        Path dataDir,
        Path tlsCertFile,
        Path tlsKeyFile,
        List<String> trustedProxies,
        Duration shutdownTimeout,
        Limits limits,
        Dns dns,
        SpeedConfig speed,
        Iperf3 iperf3) implements Validated {

    /** Prefix of the environment variables that set keys ({@code WADDLEPERF_TESTSERVER_HTTP_PORT}). */
    public static final String ENV_PREFIX = "WADDLEPERF_TESTSERVER";

    /** Shortest API key accepted; shorter keys are guessable. */
    public static final int MIN_API_KEY_LENGTH = 16;

    private static final ConfigLoader<TestServerConfig> LOADER = ConfigLoader.of(TestServerConfig.class, ENV_PREFIX);

    public TestServerConfig {
        udpEchoTokens = List.copyOf(udpEchoTokens);
        apiKeys = List.copyOf(apiKeys);
        trustedProxies = List.copyOf(trustedProxies);
    }

    /** All defaults: the one place they are written. */
    public static TestServerConfig defaults() {
        return new TestServerConfig("0.0.0.0", 8080, true, 8443, 2000, List.of(), List.of(), false, false, Path.of("data"), null,
                null, List.of(), Duration.ofSeconds(10), Limits.defaults(), Dns.defaults(), SpeedConfig.defaults(),
                Iperf3.defaults());
    }

    /** The loader of this record from a file, the environment and flags. */
    public static ConfigLoader<TestServerConfig> loader() {
        return LOADER;
    }

    /**
     * A checked configuration from settings by key path over the defaults, e.g.
     * {@code of(Map.of("bind", "127.0.0.1", "http_port", "0", "api_keys", key))}: for tests and the demo.
     *
     * @throws ConfigException listing every problem, each naming its key path
     */
    public static TestServerConfig of(Map<String, String> settings) {
        return LOADER.load(settings);
    }

    /**
     * The iperf3 server (on by default): stock iperf3 ≥ 3.12 clients and ours test against it.
     *
     * @param enabled     whether it runs
     * @param port        TCP and UDP port (0 = any free port)
     * @param maxTests    tests served at once; further clients get iperf3's busy answer
     * @param idleTimeout how long a test may make no progress before the server drops it
     * @param maxDuration longest test accepted (time + omit), 0 = iperf3's own limit
     */
    public record Iperf3(Boolean enabled, Integer port, Integer maxTests, Duration idleTimeout, Duration maxDuration)
            implements Validated {
        public Iperf3 {
            enabled = Objects.requireNonNullElse(enabled, true);
            port = Objects.requireNonNullElse(port, 5201);
            maxTests = Objects.requireNonNullElse(maxTests, 1);
            idleTimeout = Objects.requireNonNullElse(idleTimeout, Duration.ofSeconds(30));
            maxDuration = Objects.requireNonNullElse(maxDuration, Duration.ofSeconds(60));
        }

        public static Iperf3 defaults() {
            return new Iperf3(null, null, null, null, null);
        }

        @Override
        public void validate(Problems problems) {
            TestServerConfig.port(problems, "port", port);
            problems.require(maxTests >= 1 && maxTests <= 1000, "max_tests", "must be 1-1000, got " + maxTests);
            problems.require(idleTimeout.isPositive(), "idle_timeout", "must be positive, got " + idleTimeout);
            problems.require(!maxDuration.isNegative(), "max_duration", "must not be negative, got " + maxDuration);
        }
    }

    /**
     * The optional DNS responder (off by default): answers A/AAAA for every name under {@code zone} with the
     * server's address, so DNS probes have a resolver to measure on the test server itself.
     *
     * @param enabled whether it runs
     * @param port    UDP and TCP port (0 = any free port)
     * @param zone    the zone it is authoritative for; other names are REFUSED
     */
    public record Dns(Boolean enabled, Integer port, String zone) implements Validated {
        public Dns {
            enabled = Objects.requireNonNullElse(enabled, false);
            port = Objects.requireNonNullElse(port, 5353);
            zone = Objects.requireNonNullElse(zone, "waddleperf.test");
        }

        public static Dns defaults() {
            return new Dns(null, null, null);
        }

        @Override
        public void validate(Problems problems) {
            TestServerConfig.port(problems, "port", port);
            problems.require(zone.matches("([A-Za-z0-9_-]{1,63}\\.)*[A-Za-z0-9_-]{1,63}\\.?"), "zone",
                    "'" + zone + "' is not a DNS name");
        }
    }

    /**
     * Admission limits of the test API (enforced, not just configured); a client is its IP address.
     *
     * @param perClientConcurrency       tests one client may run at once
     * @param perClientRequestsPerMinute steady request rate per client (token bucket refill)
     * @param perClientBurst             requests a client may make at once before the rate applies (bucket size)
     * @param globalConcurrency          tests the server runs at once, all clients together
     * @param maxTestDuration            longest a requested test may take ({@code count} × per-attempt budget),
     *                                   so no request holds a slot for hours
     */
    public record Limits(Integer perClientConcurrency, Integer perClientRequestsPerMinute, Integer perClientBurst,
                         Integer globalConcurrency, Duration maxTestDuration) implements Validated {
        public Limits {
            perClientConcurrency = Objects.requireNonNullElse(perClientConcurrency, 4);
            perClientRequestsPerMinute = Objects.requireNonNullElse(perClientRequestsPerMinute, 60);
            perClientBurst = Objects.requireNonNullElse(perClientBurst, 10);
            globalConcurrency = Objects.requireNonNullElse(globalConcurrency, 32);
            maxTestDuration = Objects.requireNonNullElse(maxTestDuration, Duration.ofMinutes(10));
        }

        public static Limits defaults() {
            return new Limits(null, null, null, null, null);
        }

        @Override
        public void validate(Problems problems) {
            range(problems, "per_client_concurrency", perClientConcurrency, 10_000);
            range(problems, "per_client_requests_per_minute", perClientRequestsPerMinute, 1_000_000);
            range(problems, "per_client_burst", perClientBurst, 1_000_000);
            range(problems, "global_concurrency", globalConcurrency, 100_000);
            problems.require(perClientConcurrency <= globalConcurrency, "per_client_concurrency",
                    "exceeds global_concurrency " + globalConcurrency);
            problems.require(maxTestDuration.compareTo(Duration.ofSeconds(1)) >= 0
                    && maxTestDuration.compareTo(Duration.ofDays(1)) <= 0, "max_test_duration",
                    "must be between 1s and 1d, got " + maxTestDuration);
        }

        private static void range(Problems problems, String key, int value, int max) {
            problems.require(value >= 1 && value <= max, key, "must be between 1 and " + max + ", got " + value);
        }
    }

    /** This configuration with other admission limits (tests); check it with {@link #validate()}. */
    public TestServerConfig withLimits(Limits v) {
        return new TestServerConfig(bind, httpPort, httpsEnabled, httpsPort, udpEchoPort, udpEchoTokens, apiKeys, authDisabled,
                allowPrivateTargets, dataDir, tlsCertFile, tlsKeyFile, trustedProxies, shutdownTimeout, v, dns, speed,
                iperf3);
    }

    /** This configuration with another DNS responder section. */
    public TestServerConfig withDns(Dns v) {
        return new TestServerConfig(bind, httpPort, httpsEnabled, httpsPort, udpEchoPort, udpEchoTokens, apiKeys, authDisabled,
                allowPrivateTargets, dataDir, tlsCertFile, tlsKeyFile, trustedProxies, shutdownTimeout, limits, v, speed,
                iperf3);
    }

    /** This configuration with other speed test settings. */
    public TestServerConfig withSpeed(SpeedConfig v) {
        return new TestServerConfig(bind, httpPort, httpsEnabled, httpsPort, udpEchoPort, udpEchoTokens, apiKeys, authDisabled,
                allowPrivateTargets, dataDir, tlsCertFile, tlsKeyFile, trustedProxies, shutdownTimeout, limits, dns, v,
                iperf3);
    }

    /** This configuration with another iperf3 server section. */
    public TestServerConfig withIperf3(Iperf3 v) {
        return new TestServerConfig(bind, httpPort, httpsEnabled, httpsPort, udpEchoPort, udpEchoTokens, apiKeys, authDisabled,
                allowPrivateTargets, dataDir, tlsCertFile, tlsKeyFile, trustedProxies, shutdownTimeout, limits, dns,
                speed, v);
    }

    /** True when the test API demands a key: only an explicit {@code auth_disabled} turns that off. */
    public boolean authRequired() {
        return !authDisabled;
    }

    /**
     * Checks this configuration, every section included, the way a load does (for copies made in code).
     *
     * @return this record, for chaining
     * @throws ConfigException listing every problem, each naming its key path
     */
    public TestServerConfig validate() {
        return LOADER.check(this);
    }

    /** The loader's check of this record's own keys (each nested section checks itself). */
    @Override
    public void validate(Problems problems) {
        problems.require(!bind.isBlank() && bind.matches("[A-Za-z0-9_.:%-]+"), "bind",
                "'" + bind + "' is not an address or host name");
        port(problems, "http_port", httpPort);
        port(problems, "https_port", httpsPort);
        port(problems, "udp_echo_port", udpEchoPort);
        problems.require(!httpsEnabled || httpPort == 0 || httpPort != httpsPort, "https_port",
                "equals http_port " + httpPort);
        for (int i = 0; i < udpEchoTokens.size(); i++) {
            problems.require(!udpEchoTokens.get(i).isEmpty(), "udp_echo_tokens[" + i + "]", "must not be empty");
        }
        for (int i = 0; i < apiKeys.size(); i++) {
            String key = apiKeys.get(i).reveal();
            // the key itself is never echoed: it is a secret even when malformed
            problems.require(key.length() >= MIN_API_KEY_LENGTH && key.matches("[\\x21-\\x7e]+"),
                    "api_keys[" + i + "]", "must be at least " + MIN_API_KEY_LENGTH
                            + " printable characters without spaces");
        }
        problems.require(!authDisabled || apiKeys.isEmpty(), "auth_disabled",
                "is true but API keys are set (api_keys or api_keys_file); choose one");
        problems.require((tlsCertFile == null) == (tlsKeyFile == null), tlsCertFile == null ? "tls_cert_file"
                : "tls_key_file", "tls_cert_file and tls_key_file go together");
        readable(problems, "tls_cert_file", tlsCertFile);
        readable(problems, "tls_key_file", tlsKeyFile);
        for (int i = 0; i < trustedProxies.size(); i++) {
            try {
                Cidr.parse(trustedProxies.get(i));
            } catch (IllegalArgumentException e) {
                problems.add("trusted_proxies[" + i + "]", e.getMessage());
            }
        }
        problems.require(!shutdownTimeout.isNegative() && shutdownTimeout.compareTo(Duration.ofMinutes(5)) <= 0,
                "shutdown_timeout", "must be between 0s and 5m, got " + shutdownTimeout);
    }

    private static void port(Problems problems, String key, int port) {
        problems.require(port >= 0 && port <= 65535, key,
                "must be between 0 (any free port) and 65535, got " + port);
    }

    private static void readable(Problems problems, String key, Path file) {
        problems.require(file == null || Files.isReadable(file), key, "cannot read " + file);
    }
}
