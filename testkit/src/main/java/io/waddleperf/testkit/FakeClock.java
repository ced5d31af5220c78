package io.waddleperf.testkit;

import io.waddleperf.core.clock.MonotonicClock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A hand-driven {@link MonotonicClock} for tests: time moves only when the test advances it, never backwards, and
 * readings are safe to take from any thread while another advances it.
 */
public final class FakeClock implements MonotonicClock {

    private final AtomicLong nanos;

    /** A clock reading 0 ns. */
    public FakeClock() {
        this(0);
    }

    /**
     * A clock reading {@code startNanos}; a non-zero start catches code that treats a reading as absolute time.
     */
    public FakeClock(long startNanos) {
        this.nanos = new AtomicLong(startNanos);
    }

    @Override
    public long nanos() {
        return nanos.get();
    }

    /**
     * Moves the clock forward by {@code step}.
     *
     * @throws IllegalArgumentException if {@code step} is negative (a monotonic clock never goes back)
     * @throws ArithmeticException if {@code step} does not fit in a long of nanoseconds
     */
    public void advance(Duration step) {
        Objects.requireNonNull(step, "step");
        if (step.isNegative()) {
            throw new IllegalArgumentException("a monotonic clock cannot go back: step " + step + " is negative");
        }
        advanceNanos(step.toNanos());
    }

    /**
     * Moves the clock forward by {@code stepNanos}; atomic, so concurrent advances all count.
     *
     * @throws IllegalArgumentException if {@code stepNanos} is negative
     */
    public void advanceNanos(long stepNanos) {
        if (stepNanos < 0) {
            throw new IllegalArgumentException(
                    "a monotonic clock cannot go back: stepNanos " + stepNanos + " is negative");
        }
        nanos.addAndGet(stepNanos);
    }
}
