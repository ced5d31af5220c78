package io.waddleperf.speed;

import java.time.Duration;

/** A request refused by an admission limit; says which limit and when to try again (HTTP 429 + Retry-After). */
public final class LimitExceededException extends Exception {

    private final Duration retryAfter;

    public LimitExceededException(String message, Duration retryAfter) {
        super(message);
        this.retryAfter = retryAfter;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
