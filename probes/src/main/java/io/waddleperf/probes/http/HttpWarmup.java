package io.waddleperf.probes.http;

import io.waddleperf.core.clock.MonotonicClock;
import io.waddleperf.probes.tls.OpenSslSocketFactory;
import io.waddleperf.probes.trust.TlsTrust;
import io.waddleperf.probes.trust.TlsWarmup;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.UnaryOperator;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Runs the http probe's whole client path — OkHttp's call, route planning, connection and codec set-up, our socket
 * timing, the event listener, and for https the TLS handshake (OpenSSL's or the JDK's) — a few times before the first timed attempt, so
 * the first attempt does not measure class loading and interpreted code (on a cold one-shot JVM that was 20–70 ms of
 * a loopback attempt, and 100–200 ms of a first handshake; docs/BENCHMARKS.md §6).
 *
 * <p>No traffic goes to the target: the exchanges run against a minimal HTTP/1.1 responder on loopback in this JVM
 * (TLS with {@link TlsWarmup}'s throw-away certificate for https). Once per JVM and kind (plain, OpenSSL, JDK TLS);
 * best effort.
 */
final class HttpWarmup {

    /** Enough for every class on the path to load and the hottest loops to compile; measured in §5. */
    static final int ROUNDS = 2;
    private static final int TIMEOUT_MILLIS = 2_000;
    private static final byte[] RESPONSE = ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n"
            + "Connection: close\r\n\r\nok").getBytes(StandardCharsets.US_ASCII);

    private static volatile boolean plainDone;
    private static volatile boolean tlsDone;
    private static volatile boolean openSslDone;

    private HttpWarmup() {
    }

    /**
     * Warms the path {@code base} takes for a cleartext or a TLS target (through OpenSSL or the JDK's TLS), unless this
     * JVM already did.
     */
    static void warm(OkHttpClient base, boolean https, boolean openssl, TlsTrust trust, MonotonicClock clock) {
        if (warmed(https, openssl)) {
            return;
        }
        try {
            TlsWarmup.Material tls = https ? TlsWarmup.material() : null;
            if (tls != null && !openssl) {
                TlsWarmup.handshakes(TlsWarmup.ROUNDS, trust.trustManager());
            }
            if (openssl) {
                // OpenSSL on both ends: the client's calls are the timed path's (every downcall linked, the Java that
                // moves the records compiled); the server's is the same socket class in its other role.
                try (OpenSslSocketFactory server = OpenSslSocketFactory.server(tls.chain()[0], tls.key());
                     OpenSslSocketFactory client = OpenSslSocketFactory.client(null, false)) {
                    exchanges(base, "https", new ServerSocket(0, ROUNDS, InetAddress.getLoopbackAddress()),
                            server::serverSide, b -> b.sslSocketFactory(client, tls.clientTrust()), clock);
                }
                openSslDone = true;
                return;
            }
            ServerSocket listener = tls == null ? new ServerSocket(0, ROUNDS, InetAddress.getLoopbackAddress())
                    : tls.server().getServerSocketFactory().createServerSocket(0, ROUNDS, InetAddress.getLoopbackAddress());
            exchanges(base, https ? "https" : "http", listener, s -> s,
                    b -> tls == null ? b : b.sslSocketFactory(tls.client().getSocketFactory(), tls.clientTrust()), clock);
            if (https) {
                tlsDone = true;
            } else {
                plainDone = true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception | LinkageError e) {
            // best effort: the probe measures anyway, its first attempt only slower
        }
    }

    /** Whether this JVM has warmed that path (a warm-up that failed leaves it cold: it is best effort). */
    static boolean warmed(boolean https, boolean openssl) {
        return !https ? plainDone : openssl ? openSslDone : tlsDone;
    }

    /** {@link #ROUNDS} requests through the probe's client path to a responder on {@code listener}, which it closes. */
    private static void exchanges(OkHttpClient base, String scheme, ServerSocket listener, Layer layer,
                                  UnaryOperator<OkHttpClient.Builder> tls, MonotonicClock clock)
            throws IOException, InterruptedException {
        try (listener) {
            listener.setSoTimeout(TIMEOUT_MILLIS);
            Thread server = Thread.ofPlatform().daemon().name("http-warmup").start(() -> serve(listener, layer, ROUNDS));
            String url = scheme + "://127.0.0.1:" + listener.getLocalPort() + "/warmup";
            for (int i = 0; i < ROUNDS; i++) {
                PhaseRecorder recorder = new PhaseRecorder(clock);
                OkHttpClient client = tls.apply(base.newBuilder().connectionPool(new ConnectionPool()).eventListener(recorder)
                        .socketFactory(new WireSocketFactory(recorder)).protocols(List.of(Protocol.HTTP_1_1))).build();
                try (Response response = client.newCall(new Request.Builder().url(url).build()).execute()) {
                    response.body().bytes();
                } finally {
                    client.connectionPool().evictAll();
                }
            }
            server.join(TIMEOUT_MILLIS);
        }
    }

    /** What the responder speaks over an accepted socket: itself, or TLS over it. */
    private interface Layer {
        Socket over(Socket accepted) throws IOException;
    }

    /** Answers each connection's request with a two-byte body once its headers have arrived. */
    private static void serve(ServerSocket listener, Layer layer, int connections) {
        for (int i = 0; i < connections; i++) {
            try (Socket s = layer.over(listener.accept())) {
                s.setSoTimeout(TIMEOUT_MILLIS);
                InputStream in = s.getInputStream();
                int matched = 0;
                for (int b; matched < 4 && (b = in.read()) >= 0; ) {
                    matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0);
                }
                OutputStream out = s.getOutputStream();
                out.write(RESPONSE);
                out.flush();
            } catch (IOException e) {
                return;
            }
        }
    }
}
