package io.waddleperf.testserver.http;

import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.json.JavalinJackson;
import io.waddleperf.core.result.Json;
import io.waddleperf.core.address.Cidr;
import io.waddleperf.testserver.api.TestApi;
import io.waddleperf.tls.TlsCredentials;
import io.waddleperf.web.ConnectionGuard;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP listener and, when credentials are given, the HTTPS listener: one Javalin application (Jetty 12,
 * WaddlePerf's JSON mapping) serving the same routes on both, behind {@link DirectRoutes} for the latency endpoints.
 * TLS 1.2 and 1.3 only. Stopping is graceful: requests in progress get up to the shutdown timeout to finish.
 *
 * <p>Threads: Jetty's acceptor and selector run on a small pool of platform threads, and every request handler that
 * may block runs on a virtual thread of its own. Javalin's own virtual-thread mode would run the selector on a virtual
 * thread as well, which costs every read a round trip through the JDK's poller thread (docs/BENCHMARKS.md §8).
 */
public final class WebServer implements AutoCloseable {

    /** The TLS versions served (RFC 8996 deprecates 1.0 and 1.1). */
    public static final List<String> TLS_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    /**
     * What a slow or greedy client is allowed ({@link ConnectionGuard}, Jetty's idle timeout and minimum request
     * data rate): the HTTP section of the test server's configuration, with the trusted proxies exempt from the
     * per-address connection limit.
     */
    public record ClientLimits(Duration headerTimeout, Duration idleTimeout, long minBodyBytesPerSecond,
                               int maxConnectionsPerClient, List<Cidr> exempt) {
        public ClientLimits {
            exempt = List.copyOf(exempt);
        }
    }
    /**
     * Pending connections the kernel queues before accept (capped by net.core.somaxconn): a speed test opens many
     * at once, and with the JDK's default of 50 a burst overflows the queue and even /health waits for SYN retries.
     */
    static final int ACCEPT_QUEUE = 1024;
    /**
     * Bytes Jetty reads from a connection at a time (its default is 8 KiB). An upload passes through Jetty's content
     * machinery once per read, and at 8 KiB that, not the kernel, capped our upload below nginx's; 64 KiB did best
     * of 8, 64 and 256 KiB (docs/BENCHMARKS.md §3). The buffer is pooled and only held while a read is in progress.
     */
    static final int INPUT_BUFFER_BYTES = 64 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(WebServer.class);
    private static final String KEY_ALIAS = "waddleperf";

    private final Javalin app;
    private final ConnectionGuard guard;
    private final ExecutorService handlers;
    private final GracefulHandler graceful;
    private final Duration shutdownTimeout;
    private final SslContextFactory.Server sslContextFactory;
    private final int httpPort;
    private final OptionalInt httpsPort;

    private WebServer(Javalin app, ConnectionGuard guard, ExecutorService handlers, GracefulHandler graceful,
                      Duration shutdownTimeout, ServerConnector httpConnector, ServerConnector httpsConnector,
                      SslContextFactory.Server sslContextFactory) {
        this.app = app;
        this.guard = guard;
        this.handlers = handlers;
        this.graceful = graceful;
        this.shutdownTimeout = shutdownTimeout;
        this.sslContextFactory = sslContextFactory;
        this.httpPort = httpConnector.getLocalPort();
        this.httpsPort = httpsConnector == null ? OptionalInt.empty() : OptionalInt.of(httpsConnector.getLocalPort());
    }

    /**
     * Starts listening on {@code bind}: HTTP on {@code httpPort} and, when {@code tls} is not null, HTTPS on
     * {@code httpsPort} (0 picks a free port). Each route group adds its routes and exception mappings, each direct
     * group its {@link DirectRoutes}; {@code clients} bounds what slow and greedy clients may hold.
     */
    public static WebServer start(String bind, int httpPort, int httpsPort, TlsCredentials tls, Duration shutdownTimeout,
                                  ClientLimits clients, List<Consumer<RoutesConfig>> routeGroups,
                                  List<Consumer<DirectRoutes>> directGroups) {
        SslContextFactory.Server ssl = tls == null ? null : sslContextFactory(tls);
        ConnectionGuard guard = new ConnectionGuard(clients.headerTimeout(), clients.maxConnectionsPerClient(),
                clients.exempt());
        ExecutorService handlers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("http-", 0).factory());
        QueuedThreadPool jettyThreads = new QueuedThreadPool();
        jettyThreads.setName("jetty");
        // whatever Jetty itself counts as blocking goes to virtual threads too, not to this pool
        jettyThreads.setVirtualThreadsExecutor(handlers);
        DirectRoutes direct = new DirectRoutes(handlers);
        directGroups.forEach(g -> g.accept(direct));
        // both connectors are made here: Javalin adds its default one only when none was added
        ServerConnector[] http = new ServerConnector[1];
        ServerConnector[] https = new ServerConnector[1];
        GracefulHandler graceful = new GracefulHandler();
        Javalin app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.jetty.threadPool = jettyThreads;
            config.jsonMapper(new JavalinJackson(Json.mapper(), true));
            config.http.maxRequestSize = TestApi.MAX_BODY_BYTES;
            // close() waits for requests in progress itself; Jetty's own graceful stop would also wait for idle
            // keep-alive connections to go away, which clients need not ever do
            config.jetty.modifyServer(server -> {
                server.setStopTimeout(0);
                // Javalin attaches its servlet context inside the innermost wrapper: graceful → guard → direct → Javalin
                guard.setHandler(direct);
                graceful.setHandler(guard);
                server.setHandler(graceful);
            });
            config.jetty.modifyHttpConfiguration(httpConfig -> {
                httpConfig.setSendServerVersion(false);
                httpConfig.setInputBufferSize(INPUT_BUFFER_BYTES);
                // a body trickled slower than this on average is refused with 408 (Jetty checks it on every read)
                httpConfig.setMinRequestDataRate(clients.minBodyBytesPerSecond());
            });
            config.jetty.addConnector((server, httpConfig) -> {
                ServerConnector c = new ServerConnector(server, new HttpConnectionFactory(httpConfig));
                c.setHost(bind);
                c.setPort(httpPort);
                c.setIdleTimeout(clients.idleTimeout().toMillis());
                c.setAcceptQueueSize(ACCEPT_QUEUE);
                c.addEventListener(guard);
                http[0] = c;
                return c;
            });
            if (ssl != null) {
                config.jetty.addConnector((server, httpConfig) -> {
                    HttpConfiguration httpsConfig = new HttpConfiguration(httpConfig);
                    SecureRequestCustomizer secure = new SecureRequestCustomizer();
                    // the self-signed certificate names localhost and loopback; clients may use any name
                    secure.setSniHostCheck(false);
                    httpsConfig.addCustomizer(secure);
                    ServerConnector c = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"),
                            new HttpConnectionFactory(httpsConfig));
                    c.setHost(bind);
                    c.setPort(httpsPort);
                    c.setIdleTimeout(clients.idleTimeout().toMillis());
                    c.setAcceptQueueSize(ACCEPT_QUEUE);
                    c.addEventListener(guard);
                    https[0] = c;
                    return c;
                });
            }
            config.requestLogger.http((ctx, ms) -> LOG.debug("{} {} {} {} ms client={}", ctx.method(), ctx.path(),
                    ctx.statusCode(), Math.round(ms), ctx.req().getRemoteAddr()));
            routeGroups.forEach(g -> g.accept(config.routes));
            WebUi.configure(config);
        });
        try {
            app.start();
        } catch (RuntimeException e) {
            guard.close();
            throw e;
        }
        WebServer web = new WebServer(app, guard, handlers, graceful, shutdownTimeout, http[0], https[0], ssl);
        LOG.info("HTTP listening on {}:{}{}", bind, web.httpPort(),
                web.httpsPort().isPresent() ? ", HTTPS on " + bind + ":" + web.httpsPort().getAsInt() : "");
        return web;
    }

    private static SslContextFactory.Server sslContextFactory(TlsCredentials tls) {
        char[] password = Long.toHexString(new SecureRandom().nextLong()).toCharArray();
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(tls.keyStore(KEY_ALIAS, password));
        ssl.setKeyStorePassword(new String(password));
        ssl.setCertAlias(KEY_ALIAS);
        ssl.setIncludeProtocols(TLS_PROTOCOLS.toArray(String[]::new));
        return ssl;
    }

    /** The bound HTTP port (still known after close). */
    public int httpPort() {
        return httpPort;
    }

    /** The bound HTTPS port, empty when HTTPS is off. */
    public OptionalInt httpsPort() {
        return httpsPort;
    }

    /** The TLS protocol versions the HTTPS listener actually enables (empty when HTTPS is off). */
    public List<String> enabledTlsProtocols() {
        return sslContextFactory == null ? List.of() : List.of(sslContextFactory.getSelectedProtocols());
    }

    /**
     * Refuses new requests (503), waits up to the shutdown timeout for those in progress (running tests) to
     * answer, then stops the listeners and closes every connection.
     */
    @Override
    public void close() {
        try {
            graceful.shutdown().get(shutdownTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn("requests still running after {} s; stopping anyway", shutdownTimeout.toSeconds());
        } catch (ExecutionException e) {
            LOG.warn("graceful shutdown failed; stopping anyway", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        app.stop();
        guard.close();
        handlers.shutdown(); // the connections are closed: whatever still runs ends on its own
    }
}
