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
    private static volatile boolean http2Done;

    private HttpWarmup() {
    }

    /**
     * Warms the path {@code base} takes for a cleartext or a TLS target (through OpenSSL or the JDK's TLS), unless this
     * JVM already did.
     */
    static void warm(OkHttpClient base, boolean https, boolean openssl, TlsTrust trust, MonotonicClock clock) {
        warmConnection(base, https, openssl, trust, clock);
        boolean http2 = https ? base.protocols().contains(Protocol.HTTP_2) : base.protocols().contains(Protocol.H2_PRIOR_KNOWLEDGE);
        if (http2 && !http2Done) {
            warmHttp2(base, clock);
        }
    }

    /**
     * HTTP/2's side of OkHttp (the connection's reader thread, frames, HPACK) is the same over TLS and cleartext, and a
     * first h2 exchange loads and runs it inside the attempt's server wait (3–4 ms on attempt 1 of a one-shot https
     * run): {@link #ROUNDS} exchanges with prior knowledge against {@link #serveHttp2}.
     */
    private static void warmHttp2(OkHttpClient base, MonotonicClock clock) {
        try (ServerSocket listener = new ServerSocket(0, ROUNDS, InetAddress.getLoopbackAddress())) {
            listener.setSoTimeout(TIMEOUT_MILLIS);
            Thread server = Thread.ofPlatform().daemon().name("http-warmup-h2").start(() -> {
                for (int i = 0; i < ROUNDS; i++) {
                    try (Socket s = listener.accept()) {
                        s.setSoTimeout(TIMEOUT_MILLIS);
                        serveHttp2(s.getInputStream(), s.getOutputStream());
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            String url = "http://127.0.0.1:" + listener.getLocalPort() + "/warmup";
            for (int i = 0; i < ROUNDS; i++) {
                PhaseRecorder recorder = new PhaseRecorder(clock);
                OkHttpClient client = base.newBuilder().connectionPool(new ConnectionPool()).eventListener(recorder)
                        .socketFactory(new WireSocketFactory(recorder)).protocols(List.of(Protocol.H2_PRIOR_KNOWLEDGE))
                        .build();
                try (Response response = client.newCall(new Request.Builder().url(url).build()).execute()) {
                    response.body().bytes();
                } finally {
                    client.connectionPool().evictAll();
                }
            }
            server.join(TIMEOUT_MILLIS);
            http2Done = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception | LinkageError e) {
            // best effort, as the rest
        }
    }

    /**
     * The least of an HTTP/2 server (RFC 9113) for one GET per connection: the client's preface, our empty SETTINGS,
     * an ACK for each of the client's SETTINGS, and for the first request (a HEADERS frame ending its stream) a
     * response of status 200 ({@code :status 200} is entry 8 of HPACK's static table) with a two-byte body. Other
     * frames are read and ignored until the client goes away.
     */
    static void serveHttp2(InputStream in, OutputStream out) throws IOException {
        byte[] preface = in.readNBytes(H2_PREFACE.length);
        if (!java.util.Arrays.equals(preface, H2_PREFACE)) {
            throw new IOException("not an HTTP/2 client preface");
        }
        writeFrame(out, 0x4, 0, 0, new byte[0]); // SETTINGS, nothing to change
        boolean answered = false;
        while (true) {
            byte[] header = in.readNBytes(9);
            if (header.length < 9) {
                return; // the client closed the connection
            }
            int length = (header[0] & 0xff) << 16 | (header[1] & 0xff) << 8 | header[2] & 0xff;
            int type = header[3] & 0xff;
            int flags = header[4] & 0xff;
            int stream = ((header[5] & 0x7f) << 24) | (header[6] & 0xff) << 16 | (header[7] & 0xff) << 8 | header[8] & 0xff;
            if (length > 1 << 14) {
                throw new IOException("frame of " + length + " bytes: more than the default maximum");
            }
            in.readNBytes(length);
            if (type == 0x4 && (flags & 0x1) == 0) {
                writeFrame(out, 0x4, 0x1, 0, new byte[0]); // SETTINGS ACK
            } else if (type == 0x1 && (flags & 0x1) != 0 && !answered) {
                writeFrame(out, 0x1, 0x4, stream, new byte[] {(byte) 0x88}); // HEADERS, END_HEADERS: :status 200
                writeFrame(out, 0x0, 0x1, stream, new byte[] {'o', 'k'}); // DATA, END_STREAM
                answered = true;
            } else if (type == 0x7) {
                return; // GOAWAY
            }
        }
    }

    private static final byte[] H2_PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private static void writeFrame(OutputStream out, int type, int flags, int stream, byte[] payload) throws IOException {
        byte[] frame = new byte[9 + payload.length];
        frame[0] = (byte) (payload.length >>> 16);
        frame[1] = (byte) (payload.length >>> 8);
        frame[2] = (byte) payload.length;
        frame[3] = (byte) type;
        frame[4] = (byte) flags;
        frame[5] = (byte) (stream >>> 24);
        frame[6] = (byte) (stream >>> 16);
        frame[7] = (byte) (stream >>> 8);
        frame[8] = (byte) stream;
        System.arraycopy(payload, 0, frame, 9, payload.length);
        out.write(frame);
        out.flush();
    }

    private static void warmConnection(OkHttpClient base, boolean https, boolean openssl, TlsTrust trust,
                                       MonotonicClock clock) {
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

    /** Whether this JVM has warmed OkHttp's HTTP/2 path. */
    static boolean warmedHttp2() {
        return http2Done;
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
