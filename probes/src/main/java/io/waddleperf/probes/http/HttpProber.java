package io.waddleperf.probes.http;

import io.waddleperf.core.clock.MonotonicClock;
import io.waddleperf.core.result.ErrorKind;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.spec.HttpSpec;
import io.waddleperf.probes.Failures;
import io.waddleperf.probes.ProbeContext;
import io.waddleperf.probes.ProbeException;
import io.waddleperf.probes.Prober;
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
 * own connection pool, so every attempt pays and measures its own dns, TCP connect and TLS handshake (a reused
 * connection would report zero for them). Phase times come from OkHttp's {@code EventListener} (see
 * {@link PhaseRecorder}).
 *
 * <p>Outcome rules: any HTTP response is a measurement and fills the metrics. A status of 400 or more fails the
 * result with {@code http_error: <status>} (blackbox_exporter's default of valid 2xx/3xx); {@code protocol=http2}
 * against a server that negotiates HTTP/1.1 fails with {@code protocol_error}. Connection failures are classified by
 * {@link Failures} ({@code connection_refused}, {@code dns_failure}, {@code tls_error}, {@code timeout}). With
 * several attempts, later ones still run after a failed one, and the first failure is the result's error.
 *
 * <p>Aggregates: {@code latency_ms} and the percentiles summarise the completed attempts' total times; each phase
 * field is the mean of that phase over the attempts that reached it; {@code received_bytes} is the sum of body bytes
 * over all attempts and {@code throughput_mbps} = body bytes × 8 / transfer time / 10^6 over the same attempts
 * (transfer time runs from the response headers to the last body byte, so it is the body's goodput).
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
        TlsTrust trust = TlsTrust.of(spec.tlsClient());
        OkHttpClient base = baseClient(spec, url, trust);
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
            OkHttpClient client = base.newBuilder().connectionPool(new ConnectionPool()).eventListener(recorder).build();
            try {
                HttpAttempt a = exchange(client, request(spec, url), recorder, clock, i + 1, http2Required);
                attempts.add(a);
                if (a.failure() != null && firstFailure == null) {
                    firstFailure = a.failure();
                }
            } catch (IOException | RuntimeException e) {
                if (Thread.currentThread().isInterrupted()) {
                    throw e; // the runner's deadline: no more attempts
                }
                Failures.Failure f = Failures.classify(e);
                attempts.add(failed(recorder, i + 1, f));
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
                                        int attempt, boolean http2Required) throws IOException {
        try (Response response = client.newCall(request).execute()) {
            long decodedBytes = drain(response.body().source());
            long doneNanos = clock.nanos();
            long start = rec.callStartNanos();
            long headersNanos = rec.responseHeadersNanos();
            long wireBytes = rec.responseBodyBytes() >= 0 ? rec.responseBodyBytes() : decodedBytes;
            String protocol = protocolName(response.protocol());
            Handshake handshake = response.handshake();
            Failures.Failure failure = null;
            if (response.code() >= 400) {
                failure = new Failures.Failure(ErrorKind.HTTP_ERROR, String.valueOf(response.code()));
            } else if (http2Required && !"h2".equals(protocol)) {
                failure = new Failures.Failure(ErrorKind.PROTOCOL_ERROR, "http2 required but the server negotiated " + protocol);
            }
            return new HttpAttempt(attempt, rec.dnsMs(), rec.connectMs(), rec.tlsMs(), rec.requestMs(),
                    PhaseRecorder.ms(headersNanos - start), PhaseRecorder.ms(Math.max(0, doneNanos - rec.responseHeadersEndNanos())),
                    PhaseRecorder.ms(doneNanos - start), response.code(), protocol, wireBytes, redirects(response),
                    response.request().url().toString(), address(rec.firstAddress()), rec.connections(),
                    handshake == null ? null : handshake.tlsVersion().javaName(),
                    handshake == null ? null : handshake.cipherSuite().javaName(), failure);
        }
    }

    private static HttpAttempt failed(PhaseRecorder rec, int attempt, Failures.Failure error) {
        // dns_ms is 0 for an IP literal once the attempt got as far as connecting; null when it never got there.
        Double dnsMs = rec.dnsLookedUp() || rec.connectMs() != null ? rec.dnsMs() : null;
        return new HttpAttempt(attempt, dnsMs, rec.connectMs(), rec.tlsMs(),
                rec.requestMs(), null, null, null, null, null, null, null, null, address(rec.firstAddress()),
                rec.connections(), null, null, error);
    }

    /** Reads the body to its end (the transfer phase) and returns the decoded byte count. */
    private static long drain(BufferedSource source) throws IOException {
        Buffer sink = new Buffer();
        long total = 0;
        for (long n; (n = source.read(sink, 64 * 1024)) != -1; ) {
            total += n;
            sink.clear();
        }
        return total;
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
