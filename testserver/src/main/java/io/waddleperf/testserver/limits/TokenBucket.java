package io.waddleperf.testserver.limits;

/**
 * A token bucket: holds up to {@code capacity} tokens, refilled continuously at {@code tokensPerMinute}; each
 * admitted request takes one. Not thread-safe; {@link AdmissionControl} guards it. Time comes from the caller
 * (monotonic nanoseconds) so tests need no sleeping.
 */
final class TokenBucket {

    private final double capacity;
    private final double tokensPerNano;
    private double tokens;
    private long lastNanos;

    TokenBucket(int capacity, int tokensPerMinute, long nowNanos) {
        this.capacity = capacity;
        this.tokensPerNano = tokensPerMinute / 60e9;
        this.tokens = capacity;
        this.lastNanos = nowNanos;
    }

    /** Takes a token: 0 when granted, else the nanoseconds until one will be available. */
    long tryTake(long nowNanos) {
        refill(nowNanos);
        if (tokens >= 1.0) {
            tokens -= 1.0;
            return 0;
        }
        return (long) Math.ceil((1.0 - tokens) / tokensPerNano);
    }

    /** True when the bucket is back to full, i.e. forgetting it loses nothing. */
    boolean isFull(long nowNanos) {
        refill(nowNanos);
        return tokens >= capacity;
    }

    private void refill(long nowNanos) {
        long elapsed = nowNanos - lastNanos;
        if (elapsed > 0) {
            tokens = Math.min(capacity, tokens + elapsed * tokensPerNano);
            lastNanos = nowNanos;
        }
    }
}
