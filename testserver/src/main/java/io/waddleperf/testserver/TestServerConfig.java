package io.waddleperf.testserver;

import io.waddleperf.core.address.Cidr;
import io.waddleperf.core.config.Bytes;
import io.waddleperf.core.config.ConfigException;
import io.waddleperf.core.config.ConfigLoader;
import io.waddleperf.core.config.Problems;
import io.waddleperf.core.config.Secret;
import io.waddleperf.core.config.Validated;
import io.waddleperf.core.spec.SshSpec;
import io.waddleperf.iperf3.server.Iperf3ServerConfig;
import io.waddleperf.speed.SpeedConfig;
import java.net.URI;
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
 * @param manager                the manager this server belongs to, if any: API keys are checked with it and browser
 *                               results forwarded to it ({@code manager:})
 * @param udpEcho                the UDP echo responder's per-source rate limit
 * @param http                   deadlines and connection limits for slow and greedy HTTP(S) clients
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
        Iperf3 iperf3,
        Manager manager,
        UdpEcho udpEcho,
        Http http) implements Validated {

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
                Iperf3.defaults(), Manager.defaults(), UdpEcho.defaults(), Http.defaults());
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
     * @param perClientBytes bytes one client address may move through iperf3 tests per {@code bytesWindow}
     * @param bytesWindow the window over which {@code perClientBytes} refills
     * @param setupTimeout how long a new connection may take to send its cookie and parameters; a test holds its
     *                     slot only once its parameters are in
     */
    public record Iperf3(Boolean enabled, Integer port, Integer maxTests, Duration idleTimeout, Duration maxDuration,
                         @Bytes Long perClientBytes, Duration bytesWindow, Duration setupTimeout) implements Validated {
        public Iperf3 {
            enabled = Objects.requireNonNullElse(enabled, true);
            port = Objects.requireNonNullElse(port, 5201);
            maxTests = Objects.requireNonNullElse(maxTests, 1);
            idleTimeout = Objects.requireNonNullElse(idleTimeout, Duration.ofSeconds(30));
            maxDuration = Objects.requireNonNullElse(maxDuration, Duration.ofSeconds(60));
            perClientBytes = Objects.requireNonNullElse(perClientBytes, 100L << 30);
            bytesWindow = Objects.requireNonNullElse(bytesWindow, Duration.ofMinutes(10));
            setupTimeout = Objects.requireNonNullElse(setupTimeout, Iperf3ServerConfig.DEFAULT_SETUP_TIMEOUT);
        }

        public static Iperf3 defaults() {
            return new Iperf3(null, null, null, null, null, null, null, null);
        }

        @Override
        public void validate(Problems problems) {
            TestServerConfig.port(problems, "port", port);
            problems.require(maxTests >= 1 && maxTests <= 1000, "max_tests", "must be 1-1000, got " + maxTests);
            problems.require(idleTimeout.isPositive(), "idle_timeout", "must be positive, got " + idleTimeout);
            problems.require(!maxDuration.isNegative(), "max_duration", "must not be negative, got " + maxDuration);
            problems.require(perClientBytes >= 1 << 20, "per_client_bytes", "must be at least 1M, got " + perClientBytes);
            problems.require(bytesWindow.compareTo(Duration.ofSeconds(1)) >= 0
                    && bytesWindow.compareTo(Duration.ofDays(1)) <= 0, "bytes_window",
                    "must be between 1s and 1d, got " + bytesWindow);
            problems.require(setupTimeout.compareTo(Duration.ofMillis(100)) >= 0
                    && setupTimeout.compareTo(Duration.ofMinutes(1)) <= 0, "setup_timeout",
                    "must be between 100ms and 1m, got " + setupTimeout);
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
     * @param perKeyConcurrency          tests one API key may run at once, from all addresses together, so one key
     *                                   spread over many addresses cannot take every slot of the server
     * @param probeMaxBytes              most bytes one attempt of a server-side probe moves: an http body is read up
     *                                   to this and then cut off (the result says so), an ssh upload may be no larger
     * @param perClientBytes             bytes the server's probes may move per {@code bytesWindow} for one client
     * @param perKeyBytes                bytes the server's probes may move per {@code bytesWindow} for one API key
     * @param bytesWindow                the window over which {@code perClientBytes} and {@code perKeyBytes} refill
     */
    public record Limits(Integer perClientConcurrency, Integer perClientRequestsPerMinute, Integer perClientBurst,
                         Integer globalConcurrency, Duration maxTestDuration, Integer perKeyConcurrency,
                         @Bytes Long probeMaxBytes, @Bytes Long perClientBytes, @Bytes Long perKeyBytes,
                         Duration bytesWindow) implements Validated {
        public Limits {
            perClientConcurrency = Objects.requireNonNullElse(perClientConcurrency, 4);
            perClientRequestsPerMinute = Objects.requireNonNullElse(perClientRequestsPerMinute, 60);
            perClientBurst = Objects.requireNonNullElse(perClientBurst, 10);
            globalConcurrency = Objects.requireNonNullElse(globalConcurrency, 32);
            maxTestDuration = Objects.requireNonNullElse(maxTestDuration, Duration.ofMinutes(10));
            perKeyConcurrency = Objects.requireNonNullElse(perKeyConcurrency, 16);
            probeMaxBytes = Objects.requireNonNullElse(probeMaxBytes, 1L << 20);
            perClientBytes = Objects.requireNonNullElse(perClientBytes, 100L << 20);
            perKeyBytes = Objects.requireNonNullElse(perKeyBytes, 1L << 30);
            bytesWindow = Objects.requireNonNullElse(bytesWindow, Duration.ofMinutes(10));
        }

        public static Limits defaults() {
            return new Limits(null, null, null, null, null, null, null, null, null, null);
        }

        @Override
        public void validate(Problems problems) {
            range(problems, "per_client_concurrency", perClientConcurrency, 10_000);
            range(problems, "per_client_requests_per_minute", perClientRequestsPerMinute, 1_000_000);
            range(problems, "per_client_burst", perClientBurst, 1_000_000);
            range(problems, "global_concurrency", globalConcurrency, 100_000);
            problems.require(perClientConcurrency <= globalConcurrency, "per_client_concurrency",
                    "exceeds global_concurrency " + globalConcurrency);
            // Not bound by global_concurrency: the default must stay valid when only global_concurrency is lowered.
            range(problems, "per_key_concurrency", perKeyConcurrency, 100_000);
            problems.require(probeMaxBytes >= 1024 && probeMaxBytes <= SshSpec.MAX_UPLOAD_BYTES, "probe_max_bytes",
                    "must be between 1K and 1G, got " + probeMaxBytes);
            problems.require(perClientBytes >= probeMaxBytes, "per_client_bytes",
                    "must be at least probe_max_bytes " + probeMaxBytes + ", got " + perClientBytes);
            problems.require(perKeyBytes >= probeMaxBytes, "per_key_bytes",
                    "must be at least probe_max_bytes " + probeMaxBytes + ", got " + perKeyBytes);
            problems.require(bytesWindow.compareTo(Duration.ofSeconds(1)) >= 0
                    && bytesWindow.compareTo(Duration.ofDays(1)) <= 0, "bytes_window",
                    "must be between 1s and 1d, got " + bytesWindow);
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
                iperf3, manager, udpEcho, http);
    }

    /** This configuration with another DNS responder section. */
    public TestServerConfig withDns(Dns v) {
        return new TestServerConfig(bind, httpPort, httpsEnabled, httpsPort, udpEchoPort, udpEchoTokens, apiKeys, authDisabled,
                allowPrivateTargets, dataDir, tlsCertFile, tlsKeyFile, trustedProxies, shutdownTimeout, limits, v, speed,
                iperf3, manager, udpEcho, http);
    }

    /** This configuration with other speed test settings. */
    public TestServerConfig withSpeed(SpeedConfig v) {
        return new TestServerConfig(bind, httpPort, httpsEnabled, httpsPort, udpEchoPort, udpEchoTokens, apiKeys, authDisabled,
                allowPrivateTargets, dataDir, tlsCertFile, tlsKeyFile, trustedProxies, shutdownTimeout, limits, dns, v,
                iperf3, manager, udpEcho, http);
    }

    /** This configuration with another iperf3 server section. */
    public TestServerConfig withIperf3(Iperf3 v) {
        return new TestServerConfig(bind, httpPort, httpsEnabled, httpsPort, udpEchoPort, udpEchoTokens, apiKeys, authDisabled,
                allowPrivateTargets, dataDir, tlsCertFile, tlsKeyFile, trustedProxies, shutdownTimeout, limits, dns,
                speed, v, manager, udpEcho, http);
    }

    /**
     * The UDP echo responder's limit per source address (docs/PROTOCOL-udp-echo.md §8): a token bucket per source, as
     * irtt's server allows each client one request per 10 ms (its default {@code -i 10ms}) after a burst. A source
     * behind NAT shares its address with others, so the burst is a little larger than irtt's 5.
     *
     * @param ratePerSource  requests answered per second for one source address; 0 turns the limit off
     * @param burstPerSource requests a source may send at once above its rate (bucket size)
     * @param maxSources     sources tracked at once; when all are active, new sources are dropped (fail closed)
     */
    public record UdpEcho(Integer ratePerSource, Integer burstPerSource, Integer maxSources) implements Validated {
        public UdpEcho {
            ratePerSource = Objects.requireNonNullElse(ratePerSource, 100);
            burstPerSource = Objects.requireNonNullElse(burstPerSource, 10);
            maxSources = Objects.requireNonNullElse(maxSources, 65_536);
        }

        public static UdpEcho defaults() {
            return new UdpEcho(null, null, null);
        }

        @Override
        public void validate(Problems problems) {
            problems.require(ratePerSource >= 0 && ratePerSource <= 1_000_000, "rate_per_source",
                    "must be between 0 (no limit) and 1000000, got " + ratePerSource);
            problems.require(burstPerSource >= 1 && burstPerSource <= 1_000_000, "burst_per_source",
                    "must be between 1 and 1000000, got " + burstPerSource);
            problems.require(maxSources >= 1 && maxSources <= 10_000_000, "max_sources",
                    "must be between 1 and 10000000, got " + maxSources);
        }
    }

    /**
     * What the HTTP(S) listeners allow a client that is slow or greedy (docs/TEST-API.md, "Slow clients").
     *
     * @param headerTimeout           a connection must send a complete request head within this of opening or of
     *                                its previous response, else it is closed (slow-loris heads, idle keep-alives)
     * @param idleTimeout             a connection on which nothing moves for this long while a body is read or an
     *                                answer written is closed; a test running on the server does not count as idle
     * @param minBodyRate             a request body arriving slower than this many bytes a second on average is
     *                                refused (408)
     * @param maxConnectionsPerClient connections one client address may hold; further ones are closed as they open
     *                                (trusted proxies are exempt)
     */
    public record Http(Duration headerTimeout, Duration idleTimeout, @Bytes Long minBodyRate,
                       Integer maxConnectionsPerClient) implements Validated {
        public Http {
            headerTimeout = Objects.requireNonNullElse(headerTimeout, Duration.ofSeconds(10));
            idleTimeout = Objects.requireNonNullElse(idleTimeout, Duration.ofSeconds(30));
            minBodyRate = Objects.requireNonNullElse(minBodyRate, 1024L);
            maxConnectionsPerClient = Objects.requireNonNullElse(maxConnectionsPerClient, 64);
        }

        public static Http defaults() {
            return new Http(null, null, null, null);
        }

        @Override
        public void validate(Problems problems) {
            problems.require(headerTimeout.compareTo(Duration.ofMillis(100)) >= 0
                    && headerTimeout.compareTo(Duration.ofMinutes(10)) <= 0, "header_timeout",
                    "must be between 100ms and 10m, got " + headerTimeout);
            problems.require(idleTimeout.compareTo(Duration.ofMillis(100)) >= 0
                    && idleTimeout.compareTo(Duration.ofHours(1)) <= 0, "idle_timeout",
                    "must be between 100ms and 1h, got " + idleTimeout);
            problems.require(minBodyRate >= 0, "min_body_rate", "must not be negative, got " + minBodyRate);
            problems.require(maxConnectionsPerClient >= 1 && maxConnectionsPerClient <= 1_000_000,
                    "max_connections_per_client", "must be between 1 and 1000000, got " + maxConnectionsPerClient);
        }
    }

    /** This configuration with another manager section (tests). */
    public TestServerConfig withManager(Manager v) {
        return new TestServerConfig(bind, httpPort, httpsEnabled, httpsPort, udpEchoPort, udpEchoTokens, apiKeys, authDisabled,
                allowPrivateTargets, dataDir, tlsCertFile, tlsKeyFile, trustedProxies, shutdownTimeout, limits, dns,
                speed, iperf3, v, udpEcho, http);
    }

    /**
     * The manager this test server belongs to (YAML section {@code manager:}; off while {@code url} is unset). The
     * server enrols itself once with the OU's enrolment secret as a device of client type {@code testserver} and keeps
     * the credential it gets in {@code data_dir}; with it, it checks API keys it does not know with the manager
     * (caching the answers) and forwards the browser results it receives through a spool on disk.
     *
     * @param url              the manager's base URL ({@code http://manager:5000}); unset: no manager
     * @param enrollmentSecret the OU's enrolment secret; needed until the server has enrolled
     * @param deviceSerial     the serial to enrol under; unset: the machine's (machine-id, DMI, or a host name hash)
     * @param keyCacheTtl      how long a key the manager accepted is accepted without asking again
     * @param negativeCacheTtl how long a key the manager refused is refused without asking again
     * @param forwardResults   whether browser results are forwarded to the manager
     * @param spoolMaxBytes    most bytes of results waiting to be forwarded; further ones stay in the local file only
     * @param retryMax         longest wait between two delivery attempts while the manager is unreachable
     * @param requestTimeout   timeout of each request to the manager
     */
    public record Manager(URI url, Secret enrollmentSecret, String deviceSerial, Duration keyCacheTtl,
                          Duration negativeCacheTtl, Boolean forwardResults, @Bytes Long spoolMaxBytes,
                          Duration retryMax, Duration requestTimeout) implements Validated {
        public Manager {
            keyCacheTtl = Objects.requireNonNullElse(keyCacheTtl, Duration.ofSeconds(60));
            negativeCacheTtl = Objects.requireNonNullElse(negativeCacheTtl, Duration.ofSeconds(10));
            forwardResults = Objects.requireNonNullElse(forwardResults, true);
            spoolMaxBytes = Objects.requireNonNullElse(spoolMaxBytes, 64L << 20);
            retryMax = Objects.requireNonNullElse(retryMax, Duration.ofMinutes(5));
            requestTimeout = Objects.requireNonNullElse(requestTimeout, Duration.ofSeconds(10));
        }

        public static Manager defaults() {
            return new Manager(null, null, null, null, null, null, null, null, null);
        }

        /** Whether a manager is configured. */
        public boolean enabled() {
            return url != null;
        }

        @Override
        public void validate(Problems problems) {
            problems.require(url == null || (("http".equals(url.getScheme()) || "https".equals(url.getScheme()))
                    && url.getHost() != null), "url", "must be an http:// or https:// URL such as http://manager:5000, got '"
                    + url + "'");
            problems.require(deviceSerial == null || deviceSerial.matches("[\\x21-\\x7e](?:[\\x20-\\x7e]{0,253}[\\x21-\\x7e])?"),
                    "device_serial", "must be 1-255 printable ASCII characters without white space at either end");
            problems.require(!keyCacheTtl.isNegative() && keyCacheTtl.compareTo(Duration.ofHours(1)) <= 0, "key_cache_ttl",
                    "must be between 0s and 1h, got " + keyCacheTtl);
            problems.require(!negativeCacheTtl.isNegative() && negativeCacheTtl.compareTo(Duration.ofHours(1)) <= 0,
                    "negative_cache_ttl", "must be between 0s and 1h, got " + negativeCacheTtl);
            problems.require(spoolMaxBytes >= 64 * 1024, "spool_max_bytes", "must be at least 64K, got " + spoolMaxBytes);
            problems.require(retryMax.compareTo(Duration.ofSeconds(1)) >= 0 && retryMax.compareTo(Duration.ofHours(24)) <= 0,
                    "retry_max", "must be between 1s and 24h, got " + retryMax);
            problems.require(requestTimeout.compareTo(Duration.ofMillis(100)) >= 0
                    && requestTimeout.compareTo(Duration.ofMinutes(5)) <= 0, "request_timeout",
                    "must be between 100ms and 5m, got " + requestTimeout);
        }
    }

    /** Where an enrolled test server keeps its manager credential, in {@code data_dir} (mode 0600). */
    public static final String MANAGER_CREDENTIAL_FILE = "manager-device.json";

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
        problems.require(!manager.enabled() || manager.enrollmentSecret() != null
                        || Files.exists(dataDir.resolve(MANAGER_CREDENTIAL_FILE)), "manager.enrollment_secret",
                "is required with manager.url until this server has enrolled (" + dataDir.resolve(MANAGER_CREDENTIAL_FILE)
                        + " does not exist yet)");
    }

    private static void port(Problems problems, String key, int port) {
        problems.require(port >= 0 && port <= 65535, key,
                "must be between 0 (any free port) and 65535, got " + port);
    }

    private static void readable(Problems problems, String key, Path file) {
        problems.require(file == null || Files.isReadable(file), key, "cannot read " + file);
    }
}
