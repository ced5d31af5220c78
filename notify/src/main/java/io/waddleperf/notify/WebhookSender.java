package io.waddleperf.notify;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POSTs notifications to webhooks: each try bounded by {@code timeout} (connect and answer), up to {@code attempts}
 * tries with a backoff from {@code backoff} doubling to {@code maxBackoff} (a 429's {@code Retry-After} is honoured up
 * to {@code maxBackoff}). A 2xx answer is delivered; a connection failure, a timeout, 408, 429 and 5xx are tried again;
 * any other answer fails at once. Redirects are not followed (a receiver that moved is a configuration error). The
 * receiver's answer body is read only to drain it, at most {@value #MAX_ANSWER_BYTES} bytes, and never repeated.
 *
 * <p>With a secret (generic format), the request carries {@code X-WaddlePerf-Timestamp} (Unix seconds) and
 * {@code X-WaddlePerf-Signature: sha256=<hex>}, the HMAC-SHA256 of {@code <timestamp>.<body>} under the secret: the
 * receiver recomputes it and may refuse old timestamps, so a captured request cannot be replayed later.
 */
public final class WebhookSender implements AutoCloseable {

    public static final String SIGNATURE_HEADER = "X-WaddlePerf-Signature";
    public static final String TIMESTAMP_HEADER = "X-WaddlePerf-Timestamp";
    static final int MAX_ANSWER_BYTES = 64 << 10;

    private static final Logger LOG = LoggerFactory.getLogger(WebhookSender.class);

    private final HttpClient client;
    private final Duration timeout;
    private final int attempts;
    private final Duration backoff;
    private final Duration maxBackoff;
    private final InstantSource clock;

    /**
     * @param timeout    longest each try may take, connecting included
     * @param attempts   tries per notification (1 = no retry, when a caller retries itself)
     * @param backoff    wait before the second try, doubled for each further one
     * @param maxBackoff longest wait between tries
     */
    public WebhookSender(Duration timeout, int attempts, Duration backoff, Duration maxBackoff, InstantSource clock) {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1, got " + attempts);
        }
        this.timeout = timeout;
        this.attempts = attempts;
        this.backoff = backoff;
        this.maxBackoff = maxBackoff;
        this.clock = clock;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** Stops the HTTP client and its threads (they would otherwise outlive a stopped manager or agent in the JVM). */
    @Override
    public void close() {
        client.close();
    }

    /** Sends {@code n} to {@code hook}; blocks through retries and backoff; never throws for a failed delivery. */
    public Delivery send(Webhook hook, Notification n) {
        byte[] body = hook.format().render(n).getBytes(StandardCharsets.UTF_8);
        Duration wait = backoff;
        int status = 0;
        String error = null;
        for (int attempt = 1; ; attempt++) {
            Duration retryAfter = null;
            try {
                HttpResponse<InputStream> r = client.send(request(hook, body), HttpResponse.BodyHandlers.ofInputStream());
                status = r.statusCode();
                drain(r.body());
                if (status / 100 == 2) {
                    return new Delivery(true, attempt, status, null);
                }
                error = "HTTP " + status;
                if (!(status == 408 || status == 429 || status / 100 == 5)) {
                    return new Delivery(false, attempt, status, error + " (not retried)");
                }
                retryAfter = retryAfter(r).orElse(null);
            } catch (HttpTimeoutException e) {
                status = 0;
                error = "no answer within " + timeout.toMillis() + " ms";
            } catch (IOException e) {
                status = 0;
                error = SafeText.line(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()),
                        200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Delivery(false, attempt, 0, "interrupted");
            }
            if (attempt >= attempts) {
                return new Delivery(false, attempt, status, error);
            }
            Duration pause = retryAfter != null ? min(retryAfter, maxBackoff) : wait;
            LOG.debug("{}: try {} failed ({}); again in {} ms", hook, attempt, error, pause.toMillis());
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Delivery(false, attempt, status, error + "; interrupted while waiting to retry");
            }
            wait = min(wait.multipliedBy(2), maxBackoff);
        }
    }

    private HttpRequest request(Webhook hook, byte[] body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(hook.url()).timeout(timeout)
                .header("Content-Type", "application/json; charset=utf-8")
                .header("User-Agent", "WaddlePerf")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (hook.secret() != null) {
            String ts = Long.toString(clock.instant().getEpochSecond());
            b.header(TIMESTAMP_HEADER, ts).header(SIGNATURE_HEADER, "sha256=" + sign(hook.secret().reveal(), ts, body));
        }
        return b.build();
    }

    /** HMAC-SHA256 (RFC 2104) of {@code <timestamp>.<body>} under {@code secret}, lower-case hex. */
    public static String sign(String secret, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update(timestamp.getBytes(StandardCharsets.US_ASCII));
            mac.update((byte) '.');
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private static Optional<Duration> retryAfter(HttpResponse<?> r) {
        return r.headers().firstValue("Retry-After").flatMap(v -> {
            try {
                return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(v.strip()))));
            } catch (NumberFormatException e) {
                return Optional.empty(); // an HTTP date: fall back to our own backoff
            }
        });
    }

    private static void drain(InputStream in) {
        try (in) {
            byte[] buf = new byte[8192];
            long total = 0;
            int n;
            while (total < MAX_ANSWER_BYTES && (n = in.read(buf)) > 0) {
                total += n;
            }
        } catch (IOException e) {
            // the status is what counts; a body cut short does not change it
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
