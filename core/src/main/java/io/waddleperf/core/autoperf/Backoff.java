package io.waddleperf.core.autoperf;

import io.waddleperf.core.config.Problems;
import io.waddleperf.core.config.Validated;
import java.time.Duration;

/**
 * How repeated escalations are spaced: the first escalation of a streak runs at once, each further one waits
 * {@code initial} × 2^(n-1) (at most {@code max}) after the previous; {@code reset_after_healthy_rounds} healthy
 * rounds in a row end the streak.
 */
public record Backoff(Duration initial, Duration max, int resetAfterHealthyRounds) implements Validated {

    public static Backoff defaults() {
        return new Backoff(Duration.ofMinutes(10), Duration.ofHours(2), 3);
    }

    @Override
    public void validate(Problems problems) {
        problems.require(initial != null && !initial.isNegative(), "initial", "must not be negative");
        problems.require(max != null && (initial == null || max.compareTo(initial) >= 0), "max", "must be at least initial (" + initial + ")");
        problems.require(resetAfterHealthyRounds >= 1 && resetAfterHealthyRounds <= 1000,
                "reset_after_healthy_rounds", "must be between 1 and 1000, got " + resetAfterHealthyRounds);
    }
}
