package io.waddleperf.testserver.manager;

import io.waddleperf.device.ManagerClient;
import io.waddleperf.device.ManagerLink;
import io.waddleperf.core.clock.MonotonicClock;
import io.waddleperf.testserver.api.ApiKeyAuth;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks an API key (or a manager session token) this server does not know with the manager, and remembers the
 * answer for a while: a valid key for {@code positiveTtl} (so a revoked key keeps working here at most that long), a
 * refused one for {@code negativeTtl} (so a client repeating a bad key does not make the manager work for each
 * attempt). Keys are remembered by their SHA-256 digest only. When the manager cannot be asked the answer is
 * {@link ApiKeyAuth.Remote.Verdict#UNAVAILABLE} and nothing is remembered.
 */
public final class ManagerKeyCheck implements ApiKeyAuth.Remote {

    private static final Logger LOG = LoggerFactory.getLogger(ManagerKeyCheck.class);

    /** Asks the manager about one key. */
    @FunctionalInterface
    public interface Lookup {
        Verdict lookup(String key);
    }

    private static final long WARN_EVERY_NANOS = Duration.ofMinutes(1).toNanos();

    private record Entry(Verdict verdict, long expiresNanos) {
    }

    private final Lookup lookup;
    private final long positiveNanos;
    private final long negativeNanos;
    private final MonotonicClock clock;
    private final int maxEntries;
    private final Map<ByteBuffer, Entry> cache = new ConcurrentHashMap<>();

    public ManagerKeyCheck(Lookup lookup, Duration positiveTtl, Duration negativeTtl, MonotonicClock clock, int maxEntries) {
        this.lookup = lookup;
        this.positiveNanos = positiveTtl.toNanos();
        this.negativeNanos = negativeTtl.toNanos();
        this.clock = clock;
        this.maxEntries = maxEntries;
    }

    /** The lookup that asks the manager's introspection endpoint with this server's device credential. */
    public static Lookup remote(ManagerLink link, ManagerClient client) {
        // one line a minute about a manager that cannot be asked, not one per request
        AtomicLong lastWarning = new AtomicLong(
                System.nanoTime() - WARN_EVERY_NANOS);
        Consumer<String> warn = message -> {
            long now = System.nanoTime();
            long last = lastWarning.get();
            if (now - last >= WARN_EVERY_NANOS && lastWarning.compareAndSet(last, now)) {
                LOG.warn("cannot check API keys with the manager at {}: {}", client.base(), message);
            }
        };
        return key -> {
            Optional<String> credential = link.credential();
            if (credential.isEmpty()) {
                return Verdict.UNAVAILABLE; // not enrolled yet
            }
            try {
                ManagerClient.Answer a = client.introspect(credential.get(), key);
                if (a.ok()) {
                    return a.body().path("active").asBoolean(false) ? Verdict.VALID : Verdict.INVALID;
                }
                if (a.status() == 401) {
                    link.credentialRefused(credential.get());
                }
                warn.accept("it answered " + a.status() + ": " + a.error());
                return Verdict.UNAVAILABLE;
            } catch (IOException e) {
                warn.accept(e.getMessage());
                return Verdict.UNAVAILABLE;
            }
        };
    }

    @Override
    public Verdict check(String key) {
        ByteBuffer digest = ByteBuffer.wrap(sha256(key));
        long now = clock.nanos();
        Entry e = cache.get(digest);
        if (e != null && now - e.expiresNanos() < 0) {
            return e.verdict();
        }
        Verdict v = lookup.lookup(key);
        if (v != Verdict.UNAVAILABLE) {
            long ttl = v == Verdict.VALID ? positiveNanos : negativeNanos;
            if (ttl > 0) {
                if (cache.size() >= maxEntries) {
                    evict(now);
                }
                cache.put(digest, new Entry(v, now + ttl));
            } else {
                cache.remove(digest);
            }
        }
        return v;
    }

    /** How many answers are remembered (tests, diagnostics). */
    public int size() {
        return cache.size();
    }

    /** Drops expired answers; if the cache is still full (a flood of distinct keys), forgets everything. */
    private void evict(long now) {
        cache.values().removeIf(e -> now - e.expiresNanos() >= 0);
        if (cache.size() >= maxEntries) {
            cache.clear();
        }
    }

    private static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }
}
