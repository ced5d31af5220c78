package io.waddleperf.testserver;

import io.waddleperf.testserver.policy.Cidr;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The test server's settings (SPEC §3), snake_case in YAML/flags ({@code http_port}, {@code api_keys}, …).
 * Every default lives in this record's constructor: a missing (null) value becomes its default, so an instance
 * is always complete. {@link #validate()} checks the whole record once at load; running components only ever
 * see validated instances. Ports may be 0 to bind any free port (tests).
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
 * @param shutdownTimeoutSeconds how long {@code close()} waits for running tests before cutting them off
 * @param limits                 admission limits of the test API
 */
public record TestServerConfig(
        String bind,
        Integer httpPort,
        Boolean httpsEnabled,
        Integer httpsPort,
        Integer udpEchoPort,
        List<String> apiKeys,
        Path apiKeyFile,
        Boolean authDisabled,
        Boolean allowPrivateTargets,
        Path dataDir,
        Path tlsCertFile,
        Path tlsKeyFile,
        List<String> trustedProxies,
        Integer shutdownTimeoutSeconds,
        Limits limits) {

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
        shutdownTimeoutSeconds = Objects.requireNonNullElse(shutdownTimeoutSeconds, 10);
        limits = Objects.requireNonNullElse(limits, new Limits(null, null, null, null));
    }

    /** Admission limits of the test API (SPEC §3.1 "enforced, not just configured"); a client is its IP address. */
    public record Limits(Integer perClientConcurrency, Integer perClientRequestsPerMinute, Integer perClientBurst,
                         Integer globalConcurrency) {
        public Limits {
            perClientConcurrency = Objects.requireNonNullElse(perClientConcurrency, 4);
            perClientRequestsPerMinute = Objects.requireNonNullElse(perClientRequestsPerMinute, 60);
            perClientBurst = Objects.requireNonNullElse(perClientBurst, 10);
            globalConcurrency = Objects.requireNonNullElse(globalConcurrency, 32);
        }
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

    /** Checks every setting once; returns this record so callers can chain. */
    public TestServerConfig validate() {
        if (bind.isBlank() || !bind.matches("[A-Za-z0-9_.:%-]+")) {
            throw new InvalidConfigException("bind", "'" + bind + "' is not an address or host name");
        }
        port("http_port", httpPort);
        port("https_port", httpsPort);
        port("udp_echo_port", udpEchoPort);
        if (httpsEnabled && httpPort != 0 && httpPort.equals(httpsPort)) {
            throw new InvalidConfigException("https_port", "equals http_port " + httpPort);
        }
        for (int i = 0; i < apiKeys.size(); i++) {
            String key = apiKeys.get(i);
            if (key == null || key.length() < MIN_API_KEY_LENGTH || !key.matches("[\\x21-\\x7e]+")) {
                // the key itself is never echoed: it is a secret even when malformed
                throw new InvalidConfigException("api_keys[" + i + "]", "must be at least " + MIN_API_KEY_LENGTH
                        + " printable characters without spaces");
            }
        }
        if (apiKeyFile != null && !Files.isReadable(apiKeyFile)) {
            throw new InvalidConfigException("api_key_file", "cannot read " + apiKeyFile);
        }
        if (authDisabled && (!apiKeys.isEmpty() || apiKeyFile != null)) {
            throw new InvalidConfigException("auth_disabled", "is true but api_keys or api_key_file are set; choose one");
        }
        if ((tlsCertFile == null) != (tlsKeyFile == null)) {
            throw new InvalidConfigException(tlsCertFile == null ? "tls_cert_file" : "tls_key_file",
                    "tls_cert_file and tls_key_file go together");
        }
        readable("tls_cert_file", tlsCertFile);
        readable("tls_key_file", tlsKeyFile);
        for (int i = 0; i < trustedProxies.size(); i++) {
            try {
                Cidr.parse(trustedProxies.get(i));
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigException("trusted_proxies[" + i + "]", e.getMessage());
            }
        }
        if (shutdownTimeoutSeconds < 0 || shutdownTimeoutSeconds > 300) {
            throw new InvalidConfigException("shutdown_timeout_seconds", "must be between 0 and 300, got " + shutdownTimeoutSeconds);
        }
        positive("limits.per_client_concurrency", limits.perClientConcurrency(), 10_000);
        positive("limits.per_client_requests_per_minute", limits.perClientRequestsPerMinute(), 1_000_000);
        positive("limits.per_client_burst", limits.perClientBurst(), 1_000_000);
        positive("limits.global_concurrency", limits.globalConcurrency(), 100_000);
        if (limits.perClientConcurrency() > limits.globalConcurrency()) {
            throw new InvalidConfigException("limits.per_client_concurrency", "exceeds limits.global_concurrency "
                    + limits.globalConcurrency());
        }
        return this;
    }

    private static void port(String key, int port) {
        if (port < 0 || port > 65535) {
            throw new InvalidConfigException(key, "must be between 0 (any free port) and 65535, got " + port);
        }
    }

    private static void readable(String key, Path file) {
        if (file != null && !Files.isReadable(file)) {
            throw new InvalidConfigException(key, "cannot read " + file);
        }
    }

    private static void positive(String key, int value, int max) {
        if (value < 1 || value > max) {
            throw new InvalidConfigException(key, "must be between 1 and " + max + ", got " + value);
        }
    }

    /** Keys are secrets: never printed, only counted. */
    @Override
    public String toString() {
        return "TestServerConfig[bind=" + bind + ", http_port=" + httpPort + ", https_enabled=" + httpsEnabled
                + ", https_port=" + httpsPort + ", udp_echo_port=" + udpEchoPort + ", api_keys=" + apiKeys.size()
                + " key(s), api_key_file=" + apiKeyFile + ", auth_disabled=" + authDisabled + ", allow_private_targets="
                + allowPrivateTargets + ", data_dir=" + dataDir + ", tls_cert_file=" + tlsCertFile + ", tls_key_file="
                + tlsKeyFile + ", trusted_proxies=" + trustedProxies + ", shutdown_timeout_seconds="
                + shutdownTimeoutSeconds + ", limits=" + limits + "]";
    }

    /** Builder over the same nullable fields; unset fields take the record's defaults. */
    public static final class Builder {
        private String bind;
        private Integer httpPort;
        private Boolean httpsEnabled;
        private Integer httpsPort;
        private Integer udpEchoPort;
        private List<String> apiKeys = new ArrayList<>();
        private Path apiKeyFile;
        private Boolean authDisabled;
        private Boolean allowPrivateTargets;
        private Path dataDir;
        private Path tlsCertFile;
        private Path tlsKeyFile;
        private List<String> trustedProxies = new ArrayList<>();
        private Integer shutdownTimeoutSeconds;
        private Limits limits;

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
            apiKeys.add(v);
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

        public Builder shutdownTimeoutSeconds(int v) {
            shutdownTimeoutSeconds = v;
            return this;
        }

        public Builder limits(Limits v) {
            limits = v;
            return this;
        }

        public TestServerConfig build() {
            return new TestServerConfig(bind, httpPort, httpsEnabled, httpsPort, udpEchoPort, apiKeys, apiKeyFile,
                    authDisabled, allowPrivateTargets, dataDir, tlsCertFile, tlsKeyFile, trustedProxies,
                    shutdownTimeoutSeconds, limits);
        }
    }
}
