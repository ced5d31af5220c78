package io.waddleperf.testserver;

import io.waddleperf.core.config.ConfigException;
import io.waddleperf.core.config.Problems;
import io.waddleperf.core.config.Secret;
import io.waddleperf.core.config.Validated;
import io.waddleperf.testserver.policy.Cidr;
import io.waddleperf.testserver.speed.SpeedConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * The test server's settings (SPEC §3), snake_case in YAML/flags ({@code http_port}, {@code api_keys}, …), loaded
 * by {@link io.waddleperf.core.config.ConfigLoader} (which calls {@link #defaults()} and
 * {@link #validate(Problems)}) or built in code with {@link #builder()} and checked with {@link #validate()}.
 * Every default lives in this record's constructor: a missing (null) value becomes its default, so an instance
 * is always complete. Running components only ever see validated instances. Ports may be 0 to bind any free
 * port (tests).
 *
 * @param bind                   address every listener binds to
 * @param httpPort               plain HTTP port (test API, health)
 * @param httpsEnabled           whether the HTTPS listener runs
 * @param httpsPort              HTTPS port
 * @param udpEchoPort            UDP echo responder port (SPEC §4.2)
 * @param apiKeys                accepted test API keys ({@code Authorization: ApiKey <key>} or {@code Bearer <key>})
 * @param apiKeyFile             file with more accepted keys, one per line ({@code #} comments and blank lines ignored)
 * @param authDisabled           the only way to run the test API without keys; refused together with keys
 * @param allowPrivateTargets    let the test API probe loopback, private, link-local and other special addresses
 * @param dataDir                folder for state that must survive restarts (the self-signed certificate)
 * @param tlsCertFile            PEM certificate chain for HTTPS; with {@code tlsKeyFile}, else a self-signed one is made
 * @param tlsKeyFile             PEM private key (PKCS#8, or PKCS#1/SEC1) for {@code tlsCertFile}
 * @param trustedProxies         CIDRs of reverse proxies whose {@code X-Forwarded-For} is believed (SPEC §8)
 * @param shutdownTimeout        how long {@code close()} waits for running tests before cutting them off
 * @param limits                 admission limits of the test API
 * @param dns                    the optional DNS responder for a test zone
 * @param speed                  the speed test endpoints' limits, GeoIP files and result file ({@code speed:})
 * @param iperf3                 the iperf3 server (SPEC §3, port 5201)
 */
public record TestServerConfig(
        String bind,
        Integer httpPort,
        Boolean httpsEnabled,
        Integer httpsPort,
        Integer udpEchoPort,
        List<Secret> apiKeys,
        Path apiKeyFile,
        Boolean authDisabled,
        Boolean allowPrivateTargets,
        Path dataDir,
        Path tlsCertFile,
        Path tlsKeyFile,
        List<String> trustedProxies,
        Duration shutdownTimeout,
        Limits limits,
        Dns dns,
        SpeedConfig speed,
        Iperf3 iperf3) implements Validated {

    /** Shortest API key accepted; shorter keys are guessable. */
    public static final int MIN_API_KEY_LENGTH = 16;

    public TestServerConfig {
        bind = Objects.requireNonNullElse(bind, "0.0.0.0");
        httpPort = Objects.requireNonNullElse(httpPort, 8080);
        httpsEnabled = Objects.requireNonNullElse(httpsEnabled, true);
        httpsPort = Objects.requireNonNullElse(httpsPort, 8443);
        udpEchoPort = Objects.requireNonNullElse(udpEchoPort, 2000);
        apiKeys = apiKeys == null ? List.of() : List.copyOf(apiKeys);
        authDisabled = Objects.requireNonNullElse(authDisabled, false);
        allowPrivateTargets = Objects.requireNonNullElse(allowPrivateTargets, false);
        dataDir = Objects.requireNonNullElse(dataDir, Path.of("data"));
        trustedProxies = trustedProxies == null ? List.of() : List.copyOf(trustedProxies);
        shutdownTimeout = Objects.requireNonNullElse(shutdownTimeout, Duration.ofSeconds(10));
        limits = Objects.requireNonNullElse(limits, Limits.defaults());
        dns = Objects.requireNonNullElse(dns, Dns.defaults());
        speed = Objects.requireNonNullElse(speed, SpeedConfig.defaults());
        iperf3 = Objects.requireNonNullElse(iperf3, Iperf3.defaults());
    }

    /**
     * The iperf3 server (on by default, SPEC §3): stock iperf3 ≥ 3.12 clients and ours test against it.
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
            check(problems::add);
        }

        void check(BiConsumer<String, String> problem) {
            TestServerConfig.port(problem, "port", port);
            if (maxTests < 1 || maxTests > 1000) {
                problem.accept("max_tests", "must be 1-1000, got " + maxTests);
            }
            if (idleTimeout.isNegative() || idleTimeout.isZero()) {
                problem.accept("idle_timeout", "must be positive, got " + idleTimeout);
            }
            if (maxDuration.isNegative()) {
                problem.accept("max_duration", "must not be negative, got " + maxDuration);
            }
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
            check(problems::add);
        }

        void check(BiConsumer<String, String> problem) {
            TestServerConfig.port(problem, "port", port);
            if (!zone.matches("([A-Za-z0-9_-]{1,63}\\.)*[A-Za-z0-9_-]{1,63}\\.?")) {
                problem.accept("zone", "'" + zone + "' is not a DNS name");
            }
        }
    }

    /**
     * Admission limits of the test API (SPEC §3.1 "enforced, not just configured"); a client is its IP address.
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
            check(problems::add);
        }

        void check(BiConsumer<String, String> problem) {
            range(problem, "per_client_concurrency", perClientConcurrency, 10_000);
            range(problem, "per_client_requests_per_minute", perClientRequestsPerMinute, 1_000_000);
            range(problem, "per_client_burst", perClientBurst, 1_000_000);
            range(problem, "global_concurrency", globalConcurrency, 100_000);
            if (perClientConcurrency > globalConcurrency) {
                problem.accept("per_client_concurrency", "exceeds global_concurrency " + globalConcurrency);
            }
            if (maxTestDuration.compareTo(Duration.ofSeconds(1)) < 0 || maxTestDuration.compareTo(Duration.ofDays(1)) > 0) {
                problem.accept("max_test_duration", "must be between 1s and 1d, got " + maxTestDuration);
            }
        }

        private static void range(BiConsumer<String, String> problem, String key, int value, int max) {
            if (value < 1 || value > max) {
                problem.accept(key, "must be between 1 and " + max + ", got " + value);
            }
        }
    }

    /** This configuration with more accepted API keys (keys given on a command line or by a caller in code). */
    public TestServerConfig withExtraApiKeys(List<Secret> extra) {
        List<Secret> keys = new ArrayList<>(apiKeys);
        keys.addAll(extra);
        return new TestServerConfig(bind, httpPort, httpsEnabled, httpsPort, udpEchoPort, keys, apiKeyFile, authDisabled,
                allowPrivateTargets, dataDir, tlsCertFile, tlsKeyFile, trustedProxies, shutdownTimeout, limits, dns, speed,
                iperf3);
    }

    /** All defaults. */
    public static TestServerConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** True when the test API demands a key: only an explicit {@code auth_disabled} turns that off. */
    public boolean authRequired() {
        return !authDisabled;
    }

    /** The loader's check, run once per load: reports every problem of this record (nested records check themselves). */
    @Override
    public void validate(Problems problems) {
        check(problems::add);
    }

    /**
     * Checks a configuration built in code (tests, the demo) the way the loader would, nested limits included;
     * returns this record so callers can chain.
     *
     * @throws ConfigException listing every problem, each starting with its key path
     */
    public TestServerConfig validate() {
        List<String> problems = new ArrayList<>();
        check((key, message) -> problems.add(key + ": " + message));
        limits.check((key, message) -> problems.add("limits." + key + ": " + message));
        dns.check((key, message) -> problems.add("dns." + key + ": " + message));
        speed.check((key, message) -> problems.add("speed." + key + ": " + message));
        iperf3.check((key, message) -> problems.add("iperf3." + key + ": " + message));
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return this;
    }

    private void check(BiConsumer<String, String> problem) {
        if (bind.isBlank() || !bind.matches("[A-Za-z0-9_.:%-]+")) {
            problem.accept("bind", "'" + bind + "' is not an address or host name");
        }
        port(problem, "http_port", httpPort);
        port(problem, "https_port", httpsPort);
        port(problem, "udp_echo_port", udpEchoPort);
        if (httpsEnabled && httpPort != 0 && httpPort.equals(httpsPort)) {
            problem.accept("https_port", "equals http_port " + httpPort);
        }
        for (int i = 0; i < apiKeys.size(); i++) {
            String key = apiKeys.get(i).reveal();
            if (key.length() < MIN_API_KEY_LENGTH || !key.matches("[\\x21-\\x7e]+")) {
                // the key itself is never echoed: it is a secret even when malformed
                problem.accept("api_keys[" + i + "]", "must be at least " + MIN_API_KEY_LENGTH
                        + " printable characters without spaces");
            }
        }
        readable(problem, "api_key_file", apiKeyFile);
        if (authDisabled && (!apiKeys.isEmpty() || apiKeyFile != null)) {
            problem.accept("auth_disabled", "is true but api_keys or api_key_file are set; choose one");
        }
        if ((tlsCertFile == null) != (tlsKeyFile == null)) {
            problem.accept(tlsCertFile == null ? "tls_cert_file" : "tls_key_file", "tls_cert_file and tls_key_file go together");
        }
        readable(problem, "tls_cert_file", tlsCertFile);
        readable(problem, "tls_key_file", tlsKeyFile);
        for (int i = 0; i < trustedProxies.size(); i++) {
            try {
                Cidr.parse(trustedProxies.get(i));
            } catch (IllegalArgumentException e) {
                problem.accept("trusted_proxies[" + i + "]", e.getMessage());
            }
        }
        if (shutdownTimeout.isNegative() || shutdownTimeout.compareTo(Duration.ofMinutes(5)) > 0) {
            problem.accept("shutdown_timeout", "must be between 0s and 5m, got " + shutdownTimeout);
        }
    }

    private static void port(BiConsumer<String, String> problem, String key, int port) {
        if (port < 0 || port > 65535) {
            problem.accept(key, "must be between 0 (any free port) and 65535, got " + port);
        }
    }

    private static void readable(BiConsumer<String, String> problem, String key, Path file) {
        if (file != null && !Files.isReadable(file)) {
            problem.accept(key, "cannot read " + file);
        }
    }

    /** Keys are secrets: never printed, only counted. */
    @Override
    public String toString() {
        return "TestServerConfig[bind=" + bind + ", http_port=" + httpPort + ", https_enabled=" + httpsEnabled
                + ", https_port=" + httpsPort + ", udp_echo_port=" + udpEchoPort + ", api_keys=" + apiKeys.size()
                + " key(s), api_key_file=" + apiKeyFile + ", auth_disabled=" + authDisabled + ", allow_private_targets="
                + allowPrivateTargets + ", data_dir=" + dataDir + ", tls_cert_file=" + tlsCertFile + ", tls_key_file="
                + tlsKeyFile + ", trusted_proxies=" + trustedProxies + ", shutdown_timeout=" + shutdownTimeout
                + ", limits=" + limits + ", dns=" + dns + ", speed=" + speed + ", iperf3=" + iperf3 + "]";
    }

    /** Builder over the same nullable fields; unset fields take the record's defaults. */
    public static final class Builder {
        private String bind;
        private Integer httpPort;
        private Boolean httpsEnabled;
        private Integer httpsPort;
        private Integer udpEchoPort;
        private final List<Secret> apiKeys = new ArrayList<>();
        private Path apiKeyFile;
        private Boolean authDisabled;
        private Boolean allowPrivateTargets;
        private Path dataDir;
        private Path tlsCertFile;
        private Path tlsKeyFile;
        private final List<String> trustedProxies = new ArrayList<>();
        private Duration shutdownTimeout;
        private Limits limits;
        private Dns dns;
        private SpeedConfig speed;
        private Iperf3 iperf3;

        private Builder() {
        }

        public Builder bind(String v) {
            bind = v;
            return this;
        }

        public Builder httpPort(int v) {
            httpPort = v;
            return this;
        }

        public Builder httpsEnabled(boolean v) {
            httpsEnabled = v;
            return this;
        }

        public Builder httpsPort(int v) {
            httpsPort = v;
            return this;
        }

        public Builder udpEchoPort(int v) {
            udpEchoPort = v;
            return this;
        }

        public Builder apiKey(String v) {
            apiKeys.add(Secret.of(v));
            return this;
        }

        public Builder apiKeyFile(Path v) {
            apiKeyFile = v;
            return this;
        }

        public Builder authDisabled(boolean v) {
            authDisabled = v;
            return this;
        }

        public Builder allowPrivateTargets(boolean v) {
            allowPrivateTargets = v;
            return this;
        }

        public Builder dataDir(Path v) {
            dataDir = v;
            return this;
        }

        public Builder tls(Path certFile, Path keyFile) {
            tlsCertFile = certFile;
            tlsKeyFile = keyFile;
            return this;
        }

        public Builder trustedProxy(String cidr) {
            trustedProxies.add(cidr);
            return this;
        }

        public Builder shutdownTimeout(Duration v) {
            shutdownTimeout = v;
            return this;
        }

        public Builder limits(Limits v) {
            limits = v;
            return this;
        }

        public Builder dns(Dns v) {
            dns = v;
            return this;
        }

        public Builder speed(SpeedConfig v) {
            speed = v;
            return this;
        }

        public Builder iperf3(Iperf3 v) {
            iperf3 = v;
            return this;
        }

        public TestServerConfig build() {
            return new TestServerConfig(bind, httpPort, httpsEnabled, httpsPort, udpEchoPort, apiKeys, apiKeyFile,
                    authDisabled, allowPrivateTargets, dataDir, tlsCertFile, tlsKeyFile, trustedProxies,
                    shutdownTimeout, limits, dns, speed, iperf3);
        }
    }
}
