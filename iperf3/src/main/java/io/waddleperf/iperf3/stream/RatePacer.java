package io.waddleperf.iperf3.stream;

import java.util.concurrent.locks.LockSupport;

/**
 * Holds a sender to a target rate on a schedule from a monotonic clock, as iperf3's throttle does
 * ({@code iperf_check_throttle}, {@code src/iperf_api.c}): before each burst, wait until the average rate since the
 * stream started is back at or under the target. Waiting for the average (not a fixed gap per block) lets a late wake-up
 * be made up by the next blocks. The schedule starts at the first block, not at the test's start: a stream thread that
 * begins late (a cold JVM, a busy CPU, the peer's TEST_RUNNING still on its way) would otherwise send the time it
 * missed as one back-to-back burst, which a shaped link's queue drops (docs/ACCURACY.md, iperf3 section). For the same
 * reason a sender that fell more than {@link #MAX_DEBT_NANOS} behind (its thread was descheduled, a collection ran)
 * makes up only that much and forgives the rest: the sent rate then shows the shortfall instead of the receiver
 * showing a line-rate burst's drops as path loss. Not thread-safe: one per stream.
 */
public final class RatePacer {

    /** How far behind schedule a sender may catch up back to back: 20 ms of the target rate. */
    static final long MAX_DEBT_NANOS = 20_000_000;

    private final long rateBitsPerSecond;
    private final int burst;
    private long startNanos;
    private long startBytes = -1;
    private int inBurst;

    /**
     * @param rateBitsPerSecond target, 0 for unlimited
     * @param burst blocks sent back to back per green light ({@code --burst}); 0 or 1 means one
     */
    public RatePacer(long rateBitsPerSecond, int burst) {
        this.rateBitsPerSecond = rateBitsPerSecond;
        this.burst = Math.max(1, burst);
    }

    /** Blocks until the next block may go, given the bytes sent so far; returns at once when unlimited. */
    void awaitTurn(long bytesSent) {
        if (rateBitsPerSecond <= 0) {
            return;
        }
        if (startBytes < 0) {
            startBytes = bytesSent;
            startNanos = System.nanoTime();
        }
        if (++inBurst < burst) {
            return;
        }
        inBurst = 0;
        // The moment the bytes sent so far are due at the target rate; multiply first in double to avoid overflow.
        long dueNanos = startNanos + (long) ((bytesSent - startBytes) * 8.0 * 1e9 / rateBitsPerSecond);
        long now = System.nanoTime();
        if (now - dueNanos > MAX_DEBT_NANOS) {
            // move the schedule so the bytes sent so far were due MAX_DEBT_NANOS ago
            startNanos += now - dueNanos - MAX_DEBT_NANOS;
            return;
        }
        long wait;
        while ((wait = dueNanos - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
        }
    }
}
