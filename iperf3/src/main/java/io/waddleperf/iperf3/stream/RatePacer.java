package io.waddleperf.iperf3.stream;

import java.util.concurrent.locks.LockSupport;

/**
 * Holds a sender to a target rate on a schedule from a monotonic clock, as iperf3's throttle does
 * ({@code iperf_check_throttle}, {@code src/iperf_api.c}): before each burst, wait until the average rate since the
 * stream started is back at or under the target. Waiting for the average (not a fixed gap per block) lets a late wake-up
 * be made up by the next blocks. Not thread-safe: one per stream.
 */
public final class RatePacer {

    private final long rateBitsPerSecond;
    private final int burst;
    private final long startNanos;
    private int inBurst;

    /**
     * @param rateBitsPerSecond target, 0 for unlimited
     * @param burst blocks sent back to back per green light ({@code --burst}); 0 or 1 means one
     */
    public RatePacer(long rateBitsPerSecond, int burst, long startNanos) {
        this.rateBitsPerSecond = rateBitsPerSecond;
        this.burst = Math.max(1, burst);
        this.startNanos = startNanos;
    }

    /** Blocks until the next block may go, given the bytes sent so far; returns at once when unlimited. */
    void awaitTurn(long bytesSent) {
        if (rateBitsPerSecond <= 0) {
            return;
        }
        if (++inBurst < burst) {
            return;
        }
        inBurst = 0;
        // The moment the bytes sent so far are due at the target rate; multiply first in double to avoid overflow.
        long dueNanos = startNanos + (long) (bytesSent * 8.0 * 1e9 / rateBitsPerSecond);
        long wait;
        while ((wait = dueNanos - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
        }
    }
}
