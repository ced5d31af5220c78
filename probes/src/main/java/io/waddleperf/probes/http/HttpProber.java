package io.waddleperf.probes.http;

import io.waddleperf.core.clock.MonotonicClock;
import io.waddleperf.core.result.ErrorKind;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.spec.HttpSpec;
import io.waddleperf.probes.Failures;
import io.waddleperf.probes.ProbeContext;
import io.waddleperf.probes.ProbeException;
import io.waddleperf.probes.Prober;
import io.waddleperf.probes.tls.OpenSslSocketFactory;
import io.waddleperf.probes.tls.TlsLibrary;
import io.waddleperf.probes.trust.TlsTrust;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import okhttp3.ConnectionPool;
import okhttp3.Handshake;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.Buffer;
import okio.BufferedSource;

/**
 * The {@code http} prober: {@code count} requests {@code interval} apart, each on a fresh client with its
 * own connection pool and TLS context, so every attempt pays and measures its own dns, TCP connect and full TLS
 * handshake (a reused connection would report zero for them, a resumed session an abbreviated handshake). Phase
 * boundaries come from the connection's socket, named by OkHttp's {@code EventListener} (see {@link PhaseRecorder});
 * an untimed loopback warm-up runs first ({@link HttpWarmup}). An https request's TLS goes through the system's OpenSSL
 * ({@link OpenSslSocketFactory}, option {@code tls_library}, as the tls probe), so {@code tls_ms} is what curl's
 * handshake costs on the same path; a redirect from http to https is made with the JDK's TLS.
 *
 * <p>Outcome rules: any HTTP response is a measurement and fills the metrics. A status of 400 or more fails the
 * result with {@code http_error: <status>} (blackbox_exporter's default of valid 2xx/3xx); {@code protocol=http2}
 * against a server that negotiates HTTP/1.1 fails with {@code protocol_error}. Connection failures are classified by
 * {@link Failures} ({@code connection_refused}, {@code dns_failure}, {@code tls_error}, {@code timeout}). With
 * several attempts, later ones still run after a failed one, and the first failure is the result's error.
 *
 * <p>Body cap: with {@code max_body_bytes} an attempt stops reading a body once it has that many bytes (and more
 * are coming) and closes the connection; the attempt still completes, with {@code body_capped: true}, its phases
 * timed up to the last byte read. The test server sets it for every http probe a remote caller asks for, so a target
 * that streams without end cannot make the server download without end.
 *
 * <p>Aggregates: {@code latency_ms} and the percentiles summarise the completed attempts' total times; each phase
 * field is the mean of that phase over the attempts that reached it; {@code received_bytes} is the sum of body bytes
 * over all attempts, failed ones included (a body cut off by the timeout counts what arrived), and
 * {@code throughput_mbps} = body bytes × 8 / transfer time / 10^6 over the completed attempts (transfer time runs
 * from the response headers to the last body byte, so it is the body's goodput).
 * {@code status_code}, {@code protocol_detail}, {@code tls_version} and the redirects are those of the last
 * completed attempt. Requests go direct, never through a configured proxy, and are not retried by OkHttp.
 */
public final class HttpProber implements Prober<HttpSpec> {

    public static final HttpProber INSTANCE = new HttpProber();

    private static final String USER_AGENT = "waddleperf-http-probe";

    private HttpProber() {
    }

    @Override
    public void probe(HttpSpec spec, ProbeContext context, ProbeResult.Builder result) throws Exception {
        HttpUrl url = HttpUrl.parse(spec.url().toString());
        if (url == null) {
            throw new ProbeException(ErrorKind.INVALID_TARGET, "not a valid http(s) URL: " + spec.url());
        }
        boolean http2Required = "http2".equals(spec.protocol());
        TlsTrust trust = TlsTrust.of(spec.tlsClient()); // also refuses an unreadable ca_file, in the same words for both
        boolean openssl = url.isHttps() && TlsLibrary.useOpenSsl(spec.tlsLibrary(), result);
        OkHttpClient base = baseClient(spec, url, trust);
        MonotonicClock clock = context.clock();
        try (OpenSslSocketFactory openSsl = openssl
                ? OpenSslSocketFactory.client(spec.tlsClient().caFile(), spec.tlsClient().verify()) : null) {
            // Untimed, and no traffic to the target: see HttpWarmup.
            HttpWarmup.warm(base, url.isHttps(), openssl, trust, clock);
            run(spec, context, result, url, http2Required, trust, openSsl, base);
        }
    }

    private static void run(HttpSpec spec, ProbeContext context, ProbeResult.Builder result, HttpUrl url,
                            boolean http2Required, TlsTrust trust, OpenSslSocketFactory openSsl, OkHttpClient base)
            throws Exception {
        MonotonicClock clock = context.clock();
        List<HttpAttempt> attempts = new ArrayList<>();
        Failures.Failure firstFailure = null;
        Exception firstCause = null;
        long scheduleStart = clock.nanos();
        for (int i = 0; i < spec.count(); i++) {
            if (i > 0) {
                sleepUntil(clock, scheduleStart + spec.interval().toNanos() * i);
            }
            PhaseRecorder recorder = new PhaseRecorder(clock);
            // A fresh JDK TLS context per attempt as well as a fresh pool: a shared context would resume the previous
            // attempt's session, and tls_ms would time an abbreviated handshake (no key exchange, no certificate).
            // OpenSSL's client context never offers an earlier session, so the run keeps one.
            OkHttpClient client = base.newBuilder().connectionPool(new ConnectionPool()).eventListener(recorder)
                    .socketFactory(new WireSocketFactory(recorder))
                    .sslSocketFactory(openSsl != null ? openSsl : trust.freshSocketFactory(), trust.trustManager()).build();
            BodyCount body = new BodyCount(spec.maxBodyBytes());
            try {
                HttpAttempt a = exchange(client, request(spec, url), recorder, clock, i + 1, http2Required, body);
                attempts.add(a);
                if (a.failure() != null && firstFailure == null) {
                    firstFailure = a.failure();
                }
            } catch (IOException | RuntimeException e) {
                if (Thread.currentThread().isInterrupted()) {
                    throw e; // the runner's deadline: no more attempts
                }
                Failures.Failure f = Failures.classify(e);
                attempts.add(failed(recorder, i + 1, f, body));
                if (firstFailure == null) {
                    firstFailure = f;
                    firstCause = e;
                }
            } finally {
                client.connectionPool().evictAll();
            }
        }
        HttpMetrics.fill(result, attempts, spec);
        if (firstFailure != null) {
            throw new ProbeException(firstFailure.kind(), firstFailure.detail(), firstCause);
        }
    }

    private static OkHttpClient baseClient(HttpSpec spec, HttpUrl url, TlsTrust trust) {
        return new OkHttpClient.Builder()
                .proxy(Proxy.NO_PROXY)
                .retryOnConnectionFailure(false)
                .fastFallback(false) // one connect at a time, so connect_ms is one socket's connect, not a race's
                .followRedirects(spec.followRedirects())
                .followSslRedirects(spec.followRedirects())
                .callTimeout(spec.timeout())
                .connectTimeout(spec.timeout())
                .readTimeout(spec.timeout())
                .writeTimeout(spec.timeout())
                .protocols(protocols(spec.protocol(), url.isHttps()))
                .sslSocketFactory(trust.socketFactory(), trust.trustManager())
                // The host name is checked once, in the handshake, by TlsTrust (as for the other TLS probes), so a
                // mismatch fails as "hostname mismatch: ..." there; OkHttp's second check after the handshake would
                // only repeat it under other words.
                .hostnameVerifier((host, session) -> true)
                .build();
    }

    /**
     * ALPN offers (RFC 7301): {@code auto} offers h2 and http/1.1 and lets the server choose (cleartext is always
     * HTTP/1.1: OkHttp has no h2c upgrade); {@code http1} offers only http/1.1; {@code http2} offers h2 over TLS
     * (http/1.1 must stay in OkHttp's list, the choice is checked afterwards) and uses prior knowledge over
     * cleartext (RFC 9113 §3.3).
     */
    static List<Protocol> protocols(String preference, boolean https) {
        return switch (preference) {
            case "http1" -> List.of(Protocol.HTTP_1_1);
            case "http2" -> https ? List.of(Protocol.HTTP_2, Protocol.HTTP_1_1) : List.of(Protocol.H2_PRIOR_KNOWLEDGE);
            default -> List.of(Protocol.HTTP_2, Protocol.HTTP_1_1);
        };
    }

    private static Request request(HttpSpec spec, HttpUrl url) {
        RequestBody body = "POST".equals(spec.method()) ? RequestBody.EMPTY : null;
        return new Request.Builder().url(url).header("User-Agent", USER_AGENT).method(spec.method(), body).build();
    }

    private static HttpAttempt exchange(OkHttpClient client, Request request, PhaseRecorder rec, MonotonicClock clock,
                                        int attempt, boolean http2Required, BodyCount body) throws IOException {
        try (Response response = client.newCall(request).execute()) {
            drain(response.body().source(), body);
            if (body.capped) {
                rec.bodyCutOff();
            }
            long decodedBytes = body.bytes;
            long doneNanos = clock.nanos();
            long start = rec.callStartNanos();
            long ttfbNanos = rec.ttfbNanos();
            long totalNanos = ttfbNanos + rec.transferNanos(doneNanos);
            // A capped body was not read to its end: OkHttp's count is of the body it saw, which is the bytes read.
            long wireBytes = !body.capped && rec.responseBodyBytes() >= 0 ? rec.responseBodyBytes() : decodedBytes;
            String protocol = protocolName(response.protocol());
            Handshake handshake = response.handshake();
            Failures.Failure failure = null;
            if (response.code() >= 400) {
                failure = new Failures.Failure(ErrorKind.HTTP_ERROR, String.valueOf(response.code()));
            } else if (http2Required && !"h2".equals(protocol)) {
                failure = new Failures.Failure(ErrorKind.PROTOCOL_ERROR, "http2 required but the server negotiated " + protocol);
            }
            return new HttpAttempt(attempt, rec.dnsMs(), rec.connectMs(), rec.tlsMs(), rec.requestMs(),
                    PhaseRecorder.ms(ttfbNanos), PhaseRecorder.ms(rec.transferNanos(doneNanos)), PhaseRecorder.ms(totalNanos),
                    PhaseRecorder.ms(Math.max(0, doneNanos - start - totalNanos)), response.code(), protocol, wireBytes, redirects(response),
                    response.request().url().toString(), address(rec.firstAddress()), rec.connections(),
                    handshake == null ? null : handshake.tlsVersion().javaName(),
                    handshake == null ? null : handshake.cipherSuite().javaName(), failure, body.cappedOrNull());
        }
    }

    private static HttpAttempt failed(PhaseRecorder rec, int attempt, Failures.Failure error, BodyCount body) {
        // dns_ms is 0 for an IP literal once the attempt got as far as connecting; null when it never got there.
        Double dnsMs = rec.dnsLookedUp() || rec.connectMs() != null ? rec.dnsMs() : null;
        return new HttpAttempt(attempt, dnsMs, rec.connectMs(), rec.tlsMs(),
                rec.requestMs(), null, null, null, null, null, null, body.started ? body.bytes : null, null, null,
                address(rec.firstAddress()), rec.connections(), null, null, error, body.cappedOrNull());
    }

    /** The body bytes an attempt read so far, its cap (0: none) and whether the cap cut the body off. */
    private static final class BodyCount {
        final long max;
        long bytes;
        boolean started;
        boolean capped;

        BodyCount(long max) {
            this.max = max;
        }

        /** Whether the cap cut the body off; null when there was no cap to say anything about. */
        Boolean cappedOrNull() {
            return max > 0 ? capped : null;
        }
    }

    /**
     * Reads the body to its end (the transfer phase), or, with a cap, to the cap: a body with more to come after the
     * cap is left unread and its connection closed with the response. {@code count} follows every read, so a body
     * cut off by a failure still says what arrived.
     */
    private static void drain(BufferedSource source, BodyCount count) throws IOException {
        Buffer sink = new Buffer();
        count.started = true;
        while (true) {
            long want = count.max > 0 ? Math.min(64 * 1024, count.max - count.bytes) : 64 * 1024;
            if (want == 0) {
                // exhausted() waits for the next byte or the end: more to come means the cap cut the body off
                count.capped = !source.exhausted();
                return;
            }
            long n = source.read(sink, want);
            if (n == -1) {
                return;
            }
            count.bytes += n;
            sink.clear();
        }
    }

    /** Each redirect hop, oldest first: the URL that answered with a redirect and its status. */
    private static List<Map<String, Object>> redirects(Response response) {
        Deque<Map<String, Object>> hops = new ArrayDeque<>();
        for (Response prior = response.priorResponse(); prior != null; prior = prior.priorResponse()) {
            Map<String, Object> hop = new LinkedHashMap<>();
            hop.put("url", prior.request().url().toString());
            hop.put("status_code", prior.code());
            hops.addFirst(hop);
        }
        return List.copyOf(hops);
    }

    /** "http/1.1" or "h2" (with prior knowledge too: it is the same protocol, RFC 9113). */
    static String protocolName(Protocol p) {
        return p == Protocol.H2_PRIOR_KNOWLEDGE ? Protocol.HTTP_2.toString() : p.toString();
    }

    private static String address(InetSocketAddress a) {
        return a == null || a.getAddress() == null ? null : a.getAddress().getHostAddress();
    }

    private static void sleepUntil(MonotonicClock clock, long deadlineNanos) throws InterruptedException {
        long wait = deadlineNanos - clock.nanos();
        if (wait > 0) {
            Thread.sleep(Duration.ofNanos(wait));
        }
    }
}
