package io.waddleperf.probes.http;

import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.http.HttpStatus;
import io.waddleperf.tls.TlsCredentials;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * A real HTTP server on 127.0.0.1, port 0, for the http probe's tests: Javalin 7 on Jetty 12, as the test server
 * uses. Three listeners: cleartext HTTP/1.1 plus h2c (prior knowledge), TLS with ALPN offering h2 and http/1.1,
 * and TLS with HTTP/1.1 only (no ALPN). Each listener counts the TCP connections it accepted.
 *
 * <p>Endpoints: {@code /ok} (GET/HEAD/POST/OPTIONS, small body), {@code /big} (4 MiB of random bytes),
 * {@code /slow?ms=N} (sleeps before the headers), {@code /redirect} → {@code /ok}, {@code /redirect2} →
 * {@code /redirect}, {@code /status/{code}}, {@code /endless} (a body that never ends, as fast as it is read) and
 * {@code /trickle} (a body that never ends, 1 KiB every 100 ms).
 */
final class HttpTestServer implements AutoCloseable {

    static final int BIG_BYTES = 4 * 1024 * 1024;
    private static final char[] PASSWORD = "changeit".toCharArray();

    private final Javalin app;
    private final AtomicReference<ServerConnector> plain = new AtomicReference<>();
    private final AtomicReference<ServerConnector> tls = new AtomicReference<>();
    private final AtomicReference<ServerConnector> tlsHttp1 = new AtomicReference<>();
    private final AtomicInteger plainConnections = new AtomicInteger();
    private final AtomicInteger tlsConnections = new AtomicInteger();
    private final AtomicReference<String> lastProtocol = new AtomicReference<>();
    private final AtomicReference<String> lastMethod = new AtomicReference<>();

    HttpTestServer(TlsCredentials cert) {
        byte[] big = new byte[BIG_BYTES];
        new Random(42).nextBytes(big);
        app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.http.compressionStrategy = CompressionStrategy.NONE;
            config.jetty.addConnector((server, http) -> connector(plain, server, plainConnections,
                    new HttpConnectionFactory(http), new HTTP2CServerConnectionFactory(http)));
            config.jetty.addConnector((server, http) -> {
                HttpConfiguration https = httpsConfig(http);
                ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory("h2", "http/1.1");
                alpn.setDefaultProtocol("http/1.1");
                return connector(tls, server, tlsConnections, new SslConnectionFactory(ssl(cert), alpn.getProtocol()), alpn,
                        new HTTP2ServerConnectionFactory(https), new HttpConnectionFactory(https));
            });
            config.jetty.addConnector((server, http) -> connector(tlsHttp1, server, new AtomicInteger(),
                    new SslConnectionFactory(ssl(cert), "http/1.1"), new HttpConnectionFactory(httpsConfig(http))));
            config.routes.before(ctx -> {
                lastProtocol.set(ctx.req().getProtocol());
                lastMethod.set(ctx.req().getMethod());
            });
            config.routes.get("/ok", ctx -> ctx.result("ok\n"));
            config.routes.head("/ok", ctx -> ctx.header("Content-Length", "3"));
            config.routes.post("/ok", ctx -> ctx.result("posted " + ctx.bodyAsBytes().length + " bytes\n"));
            config.routes.options("/ok", ctx -> ctx.header("Allow", "GET, HEAD, POST, OPTIONS").status(HttpStatus.NO_CONTENT));
            config.routes.get("/big", ctx -> ctx.contentType("application/octet-stream").result(big));
            config.routes.get("/slow", ctx -> {
                Thread.sleep(Long.parseLong(ctx.queryParamAsClass("ms", String.class).getOrDefault("300")));
                ctx.result("slow\n");
            });
            config.routes.get("/redirect", ctx -> ctx.redirect("/ok", HttpStatus.FOUND));
            config.routes.get("/redirect2", ctx -> ctx.redirect("/redirect", HttpStatus.MOVED_PERMANENTLY));
            config.routes.get("/status/{code}", ctx -> ctx.status(Integer.parseInt(ctx.pathParam("code"))).result("status\n"));
            config.routes.get("/endless", ctx -> endless(ctx, 64 * 1024, 0));
            config.routes.get("/trickle", ctx -> endless(ctx, 1024, 100));
        }).start();
    }

    /** Writes {@code chunk}-byte pieces, {@code pauseMillis} apart, until the client goes away. */
    private static void endless(io.javalin.http.Context ctx, int chunk, long pauseMillis) throws InterruptedException {
        ctx.contentType("application/octet-stream");
        byte[] piece = new byte[chunk];
        try (java.io.OutputStream out = ctx.res().getOutputStream()) {
            while (true) {
                out.write(piece);
                out.flush();
                if (pauseMillis > 0) {
                    Thread.sleep(pauseMillis);
                }
            }
        } catch (java.io.IOException e) {
            // the client stopped reading and closed the connection: the point of the endpoint
        }
    }

    private static ServerConnector connector(AtomicReference<ServerConnector> slot, Server server, AtomicInteger accepted,
                                             org.eclipse.jetty.server.ConnectionFactory... factories) {
        ServerConnector c = new ServerConnector(server, factories);
        c.setHost("127.0.0.1");
        c.setPort(0);
        c.addEventListener(new Connection.Listener() {
            @Override
            public void onOpened(Connection connection) {
                // Only the connection sitting on the socket itself: one per accepted TCP connection.
                if (connection.getEndPoint() instanceof SocketChannelEndPoint) {
                    accepted.incrementAndGet();
                }
            }
        });
        slot.set(c);
        return c;
    }

    private static HttpConfiguration httpsConfig(HttpConfiguration http) {
        HttpConfiguration https = new HttpConfiguration(http);
        SecureRequestCustomizer src = new SecureRequestCustomizer();
        src.setSniHostCheck(false); // requests name 127.0.0.1, which carries no SNI
        https.addCustomizer(src);
        return https;
    }

    private static SslContextFactory.Server ssl(TlsCredentials cert) {
        SslContextFactory.Server f = new SslContextFactory.Server();
        f.setKeyStore(cert.keyStore("server", PASSWORD));
        f.setKeyStorePassword(new String(PASSWORD));
        return f;
    }

    /** Base URL of the cleartext listener (HTTP/1.1 and h2c), e.g. {@code http://127.0.0.1:41234}. */
    String http() {
        return "http://127.0.0.1:" + plain.get().getLocalPort();
    }

    /** Base URL of the TLS listener that offers h2 and http/1.1 by ALPN. */
    String https() {
        return "https://127.0.0.1:" + tls.get().getLocalPort();
    }

    /** Base URL of the TLS listener that speaks HTTP/1.1 only (no ALPN). */
    String httpsHttp1Only() {
        return "https://127.0.0.1:" + tlsHttp1.get().getLocalPort();
    }

    int plainConnections() {
        return plainConnections.get();
    }

    int tlsConnections() {
        return tlsConnections.get();
    }

    /** The protocol of the last request as the server saw it ({@code HTTP/1.1}, {@code HTTP/2.0}). */
    String lastProtocol() {
        return lastProtocol.get();
    }

    String lastMethod() {
        return lastMethod.get();
    }

    @Override
    public void close() {
        app.stop();
    }
}
