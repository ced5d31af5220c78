package io.waddleperf.testserver.limits;

import io.waddleperf.core.clock.MonotonicClock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes each key (a client address, an API key id) may move per window: a token bucket per key holding
 * {@code bytesPerWindow} that refills continuously over {@code window}. Takes may overdraw it (the bytes moved are
 * only known afterwards), which the refill then pays back before anything is granted again. Keys whose bucket is
 * full carry no information and are forgotten once the table grows large, at most once a second.
 */
public final class ByteBudget {

    static final int SWEEP_THRESHOLD = 10_000;

    private final long bytesPerWindow;
    private final double bytesPerNano;
    private final MonotonicClock clock;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final AtomicLong lastSweepNanos;

    private static final class Bucket {
        double tokens;
        long refilledNanos;
        boolean retired;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.refilledNanos = now;
        }
    }

    public ByteBudget(long bytesPerWindow, Duration window, MonotonicClock clock) {
        this.bytesPerWindow = bytesPerWindow;
        this.bytesPerNano = (double) bytesPerWindow / window.toNanos();
        this.clock = clock;
        this.lastSweepNanos = new AtomicLong(clock.nanos());
    }

    public long bytesPerWindow() {
        return bytesPerWindow;
    }

    /** Bytes {@code key} may move now (negative while it pays back an overdraft). */
    public long available(String key) {
        return (long) Math.floor(apply(key, 0));
    }

    /** Takes {@code bytes} from {@code key}'s budget, overdrawing it if need be. */
    public void take(String key, long bytes) {
        apply(key, -bytes);
    }

    /** Gives back {@code bytes} taken earlier and not used (never above the full budget). */
    public void giveBack(String key, long bytes) {
        apply(key, bytes);
    }

    /** How long until {@code key} has {@code bytes} available, at the refill rate. */
    public Duration untilAvailable(String key, long bytes) {
        double missing = bytes - apply(key, 0);
        return missing <= 0 ? Duration.ZERO : Duration.ofNanos((long) Math.ceil(missing / bytesPerNano));
    }

    /** Keys tracked now (tests of the sweeping). */
    int trackedKeys() {
        return buckets.size();
    }

    /** Refills {@code key}'s bucket to now, adds {@code delta} and returns the tokens left. */
    private double apply(String key, long delta) {
        long now = clock.nanos();
        if (buckets.size() > SWEEP_THRESHOLD) {
            sweep(now);
        }
        while (true) {
            Bucket b = buckets.computeIfAbsent(key, k -> new Bucket(bytesPerWindow, now));
            synchronized (b) {
                if (b.retired) {
                    continue;
                }
                refill(b, now);
                b.tokens = Math.min(bytesPerWindow, b.tokens + delta);
                return b.tokens;
            }
        }
    }

    private void refill(Bucket b, long now) {
        long elapsed = now - b.refilledNanos;
        if (elapsed > 0) {
            b.tokens = Math.min(bytesPerWindow, b.tokens + elapsed * bytesPerNano);
            b.refilledNanos = now;
        }
    }

    private void sweep(long now) {
        long last = lastSweepNanos.get();
        if (now - last < 1_000_000_000L || !lastSweepNanos.compareAndSet(last, now)) {
            return;
        }
        buckets.entrySet().removeIf(e -> {
            Bucket b = e.getValue();
            synchronized (b) {
                refill(b, now);
                b.retired = b.tokens >= bytesPerWindow;
                return b.retired;
            }
        });
    }
}
