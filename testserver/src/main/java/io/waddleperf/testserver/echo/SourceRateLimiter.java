package io.waddleperf.testserver.echo;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * A token bucket per source address (docs/PROTOCOL-udp-echo.md §8) for the echo responder's single thread (not
 * thread-safe). A bucket that has refilled to its full size carries no information, so it is forgotten when the
 * table is full; if the table is full of active sources, a new source is refused (fail closed) rather than
 * waved through untracked. Allocation happens per new source only, never per datagram.
 */
final class SourceRateLimiter {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final double ratePerNano;
    private final double burst;
    private final int maxSources;
    private final Map<InetAddress, Bucket> buckets = new HashMap<>();
    private long lastSweepNanos;
    private boolean swept;

    private static final class Bucket {
        double tokens;
        long updatedNanos;

        Bucket(double tokens, long updatedNanos) {
            this.tokens = tokens;
            this.updatedNanos = updatedNanos;
        }
    }

    SourceRateLimiter(int perSecond, int burst, int maxSources) {
        this.ratePerNano = (double) perSecond / NANOS_PER_SECOND;
        this.burst = burst;
        this.maxSources = maxSources;
    }

    /** Takes one token from {@code source}'s bucket at time {@code nowNanos}; false when it has none. */
    boolean tryAcquire(InetAddress source, long nowNanos) {
        Bucket b = buckets.get(source);
        if (b == null) {
            if (buckets.size() >= maxSources && !sweep(nowNanos)) {
                return false;
            }
            buckets.put(source, new Bucket(burst - 1, nowNanos));
            return true;
        }
        b.tokens = refilled(b, nowNanos);
        b.updatedNanos = nowNanos;
        if (b.tokens < 1) {
            return false;
        }
        b.tokens -= 1;
        return true;
    }

    int trackedSources() {
        return buckets.size();
    }

    private double refilled(Bucket b, long nowNanos) {
        return Math.min(burst, b.tokens + (nowNanos - b.updatedNanos) * ratePerNano);
    }

    /** Forgets full buckets, at most once a second (so a table of active sources costs no rescans); true if room was made. */
    private boolean sweep(long nowNanos) {
        if (swept && nowNanos - lastSweepNanos < NANOS_PER_SECOND) {
            return false;
        }
        swept = true;
        lastSweepNanos = nowNanos;
        buckets.values().removeIf(b -> refilled(b, nowNanos) >= burst);
        return buckets.size() < maxSources;
    }
}
