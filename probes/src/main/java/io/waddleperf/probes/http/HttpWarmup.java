package io.waddleperf.probes.http;

import io.waddleperf.core.clock.MonotonicClock;
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
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Runs the http probe's whole client path — OkHttp's call, route planning, connection and codec set-up, our socket
 * timing, the event listener, and for https the JDK's TLS handshake — a few times before the first timed attempt, so
 * the first attempt does not measure class loading and interpreted code (on a cold one-shot JVM that was 20–70 ms of
 * a loopback attempt, and 100–200 ms of a first handshake; docs/BENCHMARKS.md §6).
 *
 * <p>No traffic goes to the target: the exchanges run against a minimal HTTP/1.1 responder on loopback in this JVM
 * (TLS with {@link TlsWarmup}'s throw-away certificate for https). Once per JVM and kind (plain, TLS); best effort.
 */
final class HttpWarmup {

    /** Enough for every class on the path to load and the hottest loops to compile; measured in §5. */
    static final int ROUNDS = 2;
    private static final int TIMEOUT_MILLIS = 2_000;
    private static final byte[] RESPONSE = ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n"
            + "Connection: close\r\n\r\nok").getBytes(StandardCharsets.US_ASCII);

    private static volatile boolean plainDone;
    private static volatile boolean tlsDone;

    private HttpWarmup() {
    }

    /** Warms the path {@code base} takes for a cleartext or a TLS target, unless this JVM already did. */
    static void warm(OkHttpClient base, boolean https, TlsTrust trust, MonotonicClock clock) {
        if (https ? tlsDone : plainDone) {
            return;
        }
        try {
            TlsWarmup.Material tls = https ? TlsWarmup.material() : null;
            if (tls != null) {
                TlsWarmup.handshakes(TlsWarmup.ROUNDS, trust.trustManager());
            }
            InetAddress loopback = InetAddress.getLoopbackAddress();
            try (ServerSocket listener = tls == null ? new ServerSocket(0, ROUNDS, loopback)
                    : tls.server().getServerSocketFactory().createServerSocket(0, ROUNDS, loopback)) {
                listener.setSoTimeout(TIMEOUT_MILLIS);
                Thread server = Thread.ofPlatform().daemon().name("http-warmup").start(() -> serve(listener, ROUNDS));
                String url = (https ? "https" : "http") + "://127.0.0.1:" + listener.getLocalPort() + "/warmup";
                for (int i = 0; i < ROUNDS; i++) {
                    PhaseRecorder recorder = new PhaseRecorder(clock);
                    OkHttpClient.Builder b = base.newBuilder().connectionPool(new ConnectionPool()).eventListener(recorder)
                            .socketFactory(new WireSocketFactory(recorder)).protocols(List.of(Protocol.HTTP_1_1));
                    if (tls != null) {
                        b.sslSocketFactory(tls.client().getSocketFactory(), tls.clientTrust());
                    }
                    OkHttpClient client = b.build();
                    try (Response response = client.newCall(new Request.Builder().url(url).build()).execute()) {
                        response.body().bytes();
                    } finally {
                        client.connectionPool().evictAll();
                    }
                }
                server.join(TIMEOUT_MILLIS);
            }
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

    /** Answers each connection's request with a two-byte body once its headers have arrived. */
    private static void serve(ServerSocket listener, int connections) {
        for (int i = 0; i < connections; i++) {
            try (Socket s = listener.accept()) {
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
