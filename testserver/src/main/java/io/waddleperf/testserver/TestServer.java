package io.waddleperf.testserver;

import io.waddleperf.core.address.Cidr;
import io.waddleperf.core.address.ClientAddress;
import io.waddleperf.core.clock.MonotonicClock;
import io.waddleperf.core.config.ConfigException;
import io.waddleperf.testserver.api.ApiErrors;
import io.waddleperf.testserver.api.ApiKeyAuth;
import io.waddleperf.testserver.api.HealthApi;
import io.waddleperf.testserver.api.TestApi;
import io.waddleperf.core.result.Device;
import io.waddleperf.probes.DeviceIdentity;
import io.waddleperf.device.ManagerClient;
import io.waddleperf.testserver.manager.ManagerKeyCheck;
import io.waddleperf.device.ManagerLink;
import io.waddleperf.testserver.manager.ResultForwarder;
import io.waddleperf.testserver.manager.ResultSpool;
import io.waddleperf.testserver.speed.BrowserResultSink;
import io.waddleperf.testserver.http.WebServer;
import io.waddleperf.testserver.limits.AdmissionControl;
import io.waddleperf.testserver.limits.CallerWatch;
import io.waddleperf.testserver.policy.TargetPolicy;
import io.waddleperf.testserver.speed.SpeedEndpoints;
import io.waddleperf.tls.SelfSignedCertificate;
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
        TlsCredentials tls = config.httpsEnabled() ? tlsCredentials(config) : null;
        List<AutoCloseable> started = new ArrayList<>();
        ManagerSide managerSide;
        try {
            managerSide = ManagerSide.start(config, started);
        } catch (IOException | RuntimeException e) {
            closeAll(started.reversed(), e);
            throw e;
        }
        ApiKeyAuth auth = ApiKeyAuth.from(config, managerSide.keyCheck());
        if (auth.disabled()) {
            LOG.warn("test API authentication is disabled (auth_disabled): anyone who reaches this server can run tests");
        } else if (auth.checksWithManager()) {
            LOG.info("test API accepts {} API key(s) of its own and the keys the manager at {} accepts", auth.keyCount(),
                    config.manager().url());
        } else if (auth.keyCount() == 0) {
            LOG.warn("no API keys configured: the test API refuses every call (set api_keys or api_keys_file, or auth_disabled)");
        } else {
            LOG.info("test API accepts {} API key(s)", auth.keyCount());
        }
        if (config.allowPrivateTargets()) {
            LOG.warn("allow_private_targets is on: the test API probes loopback and private networks on request");
        }
        TestServer[] self = new TestServer[1];
        HealthApi health = new HealthApi(ServerVersion.current(), () -> self[0] != null && self[0].ready);
        CallerWatch callers = CallerWatch.kernel();
        started.add(callers);
        TestApi testApi = new TestApi(auth, TargetPolicy.of(config.allowPrivateTargets()),
                new AdmissionControl(config.limits(), MonotonicClock.SYSTEM), new ClientAddress(config.trustedProxies()),
                config.limits(), callers);
        try {
            SpeedEndpoints speed = SpeedEndpoints.start(config, managerSide.sinks());
            started.add(speed);
            TestServerConfig.Http h = config.http();
            WebServer web = WebServer.start(config.bind(), config.httpPort(), config.httpsPort(), tls,
                    config.shutdownTimeout(), new WebServer.ClientLimits(h.headerTimeout(), h.idleTimeout(),
                            h.minBodyRate(), h.maxConnectionsPerClient(),
                            config.trustedProxies().stream().map(Cidr::parse).toList()),
                    List.of(ApiErrors::register, health::addRoutes, testApi::addRoutes, speed::addRoutes),
                    List.of(health::addDirectRoutes, speed::addDirectRoutes));
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

    /**
     * What a server with a manager runs besides its listeners: the link (enrolment, heartbeats), the key check and the
     * result forwarder; all absent without a manager.
     *
     * @param link      the link, or null
     * @param keyCheck  the key check, or null
     * @param forwarder the forwarder, or null
     */
    private record ManagerSide(ManagerLink link, ManagerKeyCheck keyCheck, ResultForwarder forwarder) {

        static ManagerSide start(TestServerConfig config, List<AutoCloseable> started) throws IOException {
            TestServerConfig.Manager m = config.manager();
            if (!m.enabled()) {
                return new ManagerSide(null, null, null);
            }
            ManagerClient client = new ManagerClient(m.url(), m.requestTimeout());
            Device here = DeviceIdentity.local(CLIENT_TYPE, ServerVersion.current());
            if (m.deviceSerial() != null) {
                here = new Device(m.deviceSerial(), here.hostname(), here.os(), here.osVersion(), here.clientType(),
                        here.clientVersion());
            }
            ManagerLink link = ManagerLink.start(client, config.dataDir().resolve(TestServerConfig.MANAGER_CREDENTIAL_FILE),
                    m.enrollmentSecret() == null ? null : m.enrollmentSecret().reveal(), here, m.retryMax());
            started.add(link);
            ManagerKeyCheck keyCheck = new ManagerKeyCheck(ManagerKeyCheck.remote(link, client), m.keyCacheTtl(),
                    m.negativeCacheTtl(), MonotonicClock.SYSTEM, KEY_CACHE_ENTRIES);
            ResultForwarder forwarder = null;
            if (m.forwardResults()) {
                forwarder = ResultForwarder.start(new ResultSpool(config.dataDir().resolve(SPOOL_DIR), m.spoolMaxBytes()),
                        link, client, m.retryMax());
                started.add(forwarder);
            }
            LOG.info("manager at {}: API keys checked with it{}", m.url(), forwarder == null ? ""
                    : ", browser results forwarded through " + config.dataDir().resolve(SPOOL_DIR));
            return new ManagerSide(link, keyCheck, forwarder);
        }

        List<BrowserResultSink> sinks() {
            return forwarder == null ? List.of() : List.of(forwarder);
        }
    }

    /** The folder in {@code data_dir} of browser results waiting to be forwarded to the manager. */
    public static final String SPOOL_DIR = "manager-spool";
    /** Most key answers the manager key check remembers. */
    private static final int KEY_CACHE_ENTRIES = 10_000;

    /** The client type this server enrols with (the manager lets only devices of this type check keys). */
    public static final String CLIENT_TYPE = "testserver";

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
