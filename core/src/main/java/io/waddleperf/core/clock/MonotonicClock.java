package io.waddleperf.core.clock;

/**
 * A monotonic nanosecond time source for intervals (never wall-clock time); injectable so statistics and
 * schedules can be tested with a fake clock (HikariCP's ClockSource idea).
 */
@FunctionalInterface
public interface MonotonicClock {

    /** The system's monotonic clock ({@link System#nanoTime()}). */
    MonotonicClock SYSTEM = System::nanoTime;

    /** Current reading in nanoseconds; only differences between readings are meaningful. */
    long nanos();

    /** Milliseconds elapsed since an earlier reading of this clock. */
    default double millisSince(long startNanos) {
        return (nanos() - startNanos) / 1_000_000.0;
    }
}
