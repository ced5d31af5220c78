package io.waddleperf.testserver;

import io.waddleperf.core.clock.MonotonicClock;
import io.waddleperf.core.config.ConfigException;
import io.waddleperf.testserver.api.ApiErrors;
import io.waddleperf.testserver.api.ApiKeyAuth;
import io.waddleperf.testserver.api.ClientAddress;
import io.waddleperf.testserver.api.HealthApi;
import io.waddleperf.testserver.api.TestApi;
import io.waddleperf.testserver.http.SelfSignedCertificate;
import io.waddleperf.testserver.http.WebServer;
import io.waddleperf.testserver.limits.AdmissionControl;
import io.waddleperf.testserver.policy.TargetPolicy;
import io.waddleperf.testserver.speed.SpeedEndpoints;
import io.waddleperf.tls.TlsCredentials;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running test server (docs/TEST-API.md): the HTTP and HTTPS listeners with the test API and health endpoints, plus
 * every other listener it was given (UDP echo, iperf3, …), started from one validated {@link TestServerConfig}
 * and stopped gracefully by {@link #close()}. Listeners other than HTTP(S) come in as {@link Listener}s so this
 * class needs no knowledge of their protocols.
 */
public final class TestServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TestServer.class);

    /** Starts one more listener from the configuration; the returned handle stops it. */
    @FunctionalInterface
    public interface Listener {
        AutoCloseable start(TestServerConfig config) throws IOException;
    }

    private final TestServerConfig config;
    private final WebServer web;
    private final TlsCredentials tls;
    private final List<AutoCloseable> listeners;
    private volatile boolean ready;

    private TestServer(TestServerConfig config, WebServer web, TlsCredentials tls, List<AutoCloseable> listeners) {
        this.config = config;
        this.web = web;
        this.tls = tls;
        this.listeners = listeners;
    }

    /** Starts the HTTP(S) side only. */
    public static TestServer start(TestServerConfig config) throws IOException {
        return start(config, List.of());
    }

    /**
     * Validates {@code config}, then starts the HTTP(S) listeners and each of {@code otherListeners} (the UDP echo
     * responder, the iperf3 server, …), in order. If one fails to start, those already started are stopped.
     */
    public static TestServer start(TestServerConfig config, List<Listener> otherListeners) throws IOException {
        config.validate();
        ApiKeyAuth auth = ApiKeyAuth.from(config);
        if (auth.disabled()) {
            LOG.warn("test API authentication is disabled (auth_disabled): anyone who reaches this server can run tests");
        } else if (auth.keyCount() == 0) {
            LOG.warn("no API keys configured: the test API refuses every call (set api_keys or api_keys_file, or auth_disabled)");
        } else {
            LOG.info("test API accepts {} API key(s)", auth.keyCount());
        }
        if (config.allowPrivateTargets()) {
            LOG.warn("allow_private_targets is on: the test API probes loopback and private networks on request");
        }
        TlsCredentials tls = config.httpsEnabled() ? tlsCredentials(config) : null;
        TestServer[] self = new TestServer[1];
        TestApi testApi = new TestApi(auth, TargetPolicy.of(config.allowPrivateTargets()),
                new AdmissionControl(config.limits(), MonotonicClock.SYSTEM), new ClientAddress(config.trustedProxies()),
                config.limits().maxTestDuration());
        HealthApi health = new HealthApi(ServerVersion.current(), () -> self[0] != null && self[0].ready);
        List<AutoCloseable> started = new ArrayList<>();
        try {
            SpeedEndpoints speed = SpeedEndpoints.start(config);
            started.add(speed);
            WebServer web = WebServer.start(config.bind(), config.httpPort(), config.httpsPort(), tls,
                    config.shutdownTimeout(),
                    List.of(ApiErrors::register, health::addRoutes, testApi::addRoutes, speed::addRoutes));
            started.add(web);
            for (Listener l : otherListeners) {
                started.add(l.start(config));
            }
            self[0] = new TestServer(config, web, tls, List.copyOf(started));
            self[0].ready = true;
            return self[0];
        } catch (IOException | RuntimeException e) {
            closeAll(started.reversed(), e);
            throw e;
        }
    }

    private static TlsCredentials tlsCredentials(TestServerConfig config) throws IOException {
        if (config.tlsCertFile() != null) {
            try {
                return TlsCredentials.load(config.tlsCertFile(), config.tlsKeyFile());
            } catch (IOException e) {
                throw new ConfigException(List.of("tls_cert_file: " + e.getMessage()));
            }
        }
        return SelfSignedCertificate.loadOrCreate(config.dataDir(), config.bind(), Clock.systemUTC());
    }

    public TestServerConfig config() {
        return config;
    }

    /** The bound HTTP port (the configured one, or the one picked for port 0). */
    public int httpPort() {
        return web.httpPort();
    }

    /** The bound HTTPS port; empty when HTTPS is disabled. */
    public OptionalInt httpsPort() {
        return web.httpsPort();
    }

    /** The certificate and key HTTPS serves; empty when HTTPS is disabled. */
    public Optional<TlsCredentials> tls() {
        return Optional.ofNullable(tls);
    }

    /** TLS versions the HTTPS listener enables. */
    public List<String> enabledTlsProtocols() {
        return web.enabledTlsProtocols();
    }

    /** The running listener of the given kind (e.g. the UDP echo responder, to learn its bound port). */
    public <T> Optional<T> listener(Class<T> type) {
        return listeners.stream().filter(type::isInstance).map(type::cast).findFirst();
    }

    public boolean ready() {
        return ready;
    }

    /** Stops taking work ({@code /ready} turns 503), lets running requests finish, then stops every listener. */
    @Override
    public void close() {
        ready = false;
        closeAll(listeners.reversed(), null);
    }

    private static void closeAll(List<AutoCloseable> toClose, Exception cause) {
        for (AutoCloseable c : toClose) {
            try {
                c.close();
            } catch (Exception e) {
                if (cause != null) {
                    cause.addSuppressed(e);
                } else {
                    LOG.warn("error stopping {}", c, e);
                }
            }
        }
    }
}
