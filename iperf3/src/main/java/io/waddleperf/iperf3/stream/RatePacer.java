package io.waddleperf.iperf3.stream;

import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * Holds a sender to a target rate on a schedule from a monotonic clock, as iperf3's throttle does
 * ({@code iperf_check_throttle}, {@code src/iperf_api.c}): before each burst, wait until the average rate since the
 * test started is back at or under the target, so time a sender lost (a stream thread that began late in a cold JVM,
 * a descheduled thread on a busy machine, a collection) is made up and the test's average is the target.
 *
 * <p>Unlike iperf3, the making up is not one back-to-back burst at line rate: a shaped link's queue drops such a burst
 * (docs/ACCURACY.md, iperf3 section: a child JVM's sender starting 0.2 s late lost 8–10 % of its datagrams to tbf at
 * 90 % of the link). A second limit, a virtual-scheduling token bucket (GCRA), lets a late sender go back to back for
 * at most {@link #BURST_NANOS} of the target rate and then no faster than {@link #CATCH_UP_OVERSPEED} above it until
 * the schedule is met again: a link that carries the target with 10 % to spare carries the catching up too.
 *
 * <p>Not thread-safe: one per stream.
 */
public final class RatePacer {

    /** How far behind schedule a sender may go back to back: 20 ms of the target rate. */
    static final long BURST_NANOS = 20_000_000;
    /** How much faster than the target a sender that is behind schedule may send, beyond the first burst. */
    static final double CATCH_UP_OVERSPEED = 0.10;

    private final long rateBitsPerSecond;
    private final int burst;
    private final long originNanos;
    private final LongSupplier clock;
    private final LongConsumer parker;
    private long startBytes = -1;
    private long lastBytes;
    private long lastGreenNanos;
    /** GCRA's theoretical arrival time: when the bytes let go so far would all have left at the catch-up rate. */
    private long catchUpDueNanos;
    private int inBurst;

    /**
     * @param rateBitsPerSecond target, 0 for unlimited
     * @param burst blocks sent back to back per green light ({@code --burst}); 0 or 1 means one
     * @param originNanos the monotonic instant the schedule starts (the test's start), as {@link System#nanoTime()}
     */
    public RatePacer(long rateBitsPerSecond, int burst, long originNanos) {
        this(rateBitsPerSecond, burst, originNanos, System::nanoTime, LockSupport::parkNanos);
    }

    /** With an injected monotonic clock and a way to wait on it, for tests. */
    RatePacer(long rateBitsPerSecond, int burst, long originNanos, LongSupplier clock, LongConsumer parker) {
        this.rateBitsPerSecond = rateBitsPerSecond;
        this.burst = Math.max(1, burst);
        this.originNanos = originNanos;
        this.clock = clock;
        this.parker = parker;
    }

    /** Blocks until the next block may go, given the bytes sent so far; returns at once when unlimited. */
    void awaitTurn(long bytesSent) {
        if (rateBitsPerSecond <= 0) {
            return;
        }
        if (startBytes < 0) {
            startBytes = bytesSent;
            lastBytes = bytesSent;
            lastGreenNanos = clock.getAsLong();
            catchUpDueNanos = lastGreenNanos;
        }
        if (++inBurst < burst) {
            return;
        }
        inBurst = 0;
        // The bytes since the last green light went at that moment: advance the catch-up bucket by their time.
        double catchUpRate = rateBitsPerSecond * (1 + CATCH_UP_OVERSPEED);
        catchUpDueNanos = Math.max(catchUpDueNanos, lastGreenNanos)
                + (long) ((bytesSent - lastBytes) * 8.0 * 1e9 / catchUpRate);
        lastBytes = bytesSent;
        // The moment the bytes sent so far are due at the target rate; multiply first in double to avoid overflow.
        long dueNanos = originNanos + (long) ((bytesSent - startBytes) * 8.0 * 1e9 / rateBitsPerSecond);
        long goNanos = Math.max(dueNanos, catchUpDueNanos - BURST_NANOS);
        long wait;
        while ((wait = goNanos - clock.getAsLong()) > 0) {
            parker.accept(wait);
            if (Thread.currentThread().isInterrupted()) {
                break;
            }
        }
        lastGreenNanos = clock.getAsLong();
    }
}
