package io.waddleperf.iperf3.server;

import io.waddleperf.iperf3.Iperf3Error;
import io.waddleperf.iperf3.Iperf3Exception;
import io.waddleperf.iperf3.TestParameters;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server-wide bit rate limit, iperf3's {@code --server-bitrate-limit} over every test this server runs at once.
 * Two checks, as in iperf3: the rate a client asks for ({@code parallel × bandwidth × (bidir ? 2 : 1)},
 * {@code iperf_run_server}) plus what running tests asked for must fit, else IETOTALRATE before any stream opens;
 * and the rate moved, averaged over a moving window ({@code iperf_check_total_rate}, default 5 s) or since the test
 * began, summed over all tests, must stay under the limit, else the test moving the most gets IETOTALRATE.
 */
final class TotalRateGuard {

    /** With a whole-test average, how long a test runs before its average counts (iperf3's first 1 s interval). */
    private static final long MIN_SPAN_NANOS = Duration.ofSeconds(1).toNanos();

    private final long limitBitsPerSecond;
    private final long windowNanos;
    private final Map<Object, Long> reservations = new ConcurrentHashMap<>();
    private final Map<Object, Meter> meters = new ConcurrentHashMap<>();
    private long reservedBitsPerSecond;

    TotalRateGuard(long limitBitsPerSecond, Duration window) {
        this.limitBitsPerSecond = limitBitsPerSecond;
        this.windowNanos = window.toNanos();
    }

    /** The rate a test asks for, counted as iperf3 counts it (UDP without {@code bandwidth} is 1 Mbit/s). */
    static long requestedBitsPerSecond(TestParameters params) {
        try {
            return Math.multiplyExact(params.effectiveRateBitsPerSecond(), params.totalStreams());
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    /** Reserves the test's requested rate, or refuses the test when it does not fit under the limit. */
    synchronized void admit(Object test, TestParameters params) throws Iperf3Exception {
        if (limitBitsPerSecond == 0) {
            return;
        }
        long requested = requestedBitsPerSecond(params);
        if (requested > limitBitsPerSecond - reservedBitsPerSecond) {
            throw new Iperf3Exception(Iperf3Error.IETOTALRATE, "requested " + requested + " bit/s; the limit is "
                    + limitBitsPerSecond + " bit/s and running tests hold " + reservedBitsPerSecond);
        }
        reservedBitsPerSecond += requested;
        reservations.put(test, requested);
    }

    /** Starts measuring a test whose data began to move at {@code startNanos}. */
    void started(Object test, long startNanos) {
        if (limitBitsPerSecond != 0) {
            meters.put(test, new Meter(startNanos));
        }
    }

    /** Forgets a finished test: its reservation and its meter. */
    synchronized void release(Object test) {
        Long held = reservations.remove(test);
        if (held != null) {
            reservedBitsPerSecond -= held;
        }
        meters.remove(test);
    }

    /**
     * Records how many bytes the test has moved by {@code nowNanos} and fails it when the server's moved rate is over
     * the limit and this test moves the most (with one test at a time that is iperf3's rule exactly).
     */
    void check(Object test, long nowNanos, long bytesMoved) throws Iperf3Exception {
        Meter mine = meters.get(test);
        if (mine == null) {
            return;
        }
        mine.add(nowNanos, bytesMoved);
        double own = mine.bitsPerSecond();
        if (own < 0) {
            return;
        }
        double total = 0;
        for (Meter m : meters.values()) {
            double r = m.bitsPerSecond();
            if (r > 0) {
                total += r;
                if (r > own) {
                    return;
                }
            }
        }
        if (total > limitBitsPerSecond) {
            throw new Iperf3Exception(Iperf3Error.IETOTALRATE, String.format("moved %.0f bit/s over %s (%.0f bit/s "
                    + "server-wide), limit %d bit/s", own, windowNanos == 0 ? "the test" : Duration.ofNanos(windowNanos),
                    total, limitBitsPerSecond));
        }
    }

    /** Byte-count samples of one test, trimmed to the averaging window. */
    private final class Meter {
        private final ArrayDeque<long[]> samples = new ArrayDeque<>();

        Meter(long startNanos) {
            samples.add(new long[] {startNanos, 0});
        }

        synchronized void add(long nanos, long bytes) {
            samples.addLast(new long[] {nanos, bytes});
            if (windowNanos > 0) {
                // Keep the newest sample at or before the window's start so the span always covers the window.
                while (samples.size() > 2 && nanos - secondOldest()[0] >= windowNanos) {
                    samples.removeFirst();
                }
            }
        }

        private long[] secondOldest() {
            var it = samples.iterator();
            it.next();
            return it.next();
        }

        /** Average bits per second over the window (or since the start), or -1 while too little time has passed. */
        synchronized double bitsPerSecond() {
            long[] first = samples.peekFirst();
            long[] last = samples.peekLast();
            long span = last[0] - first[0];
            if (span <= 0 || span < (windowNanos > 0 ? windowNanos : MIN_SPAN_NANOS)) {
                return -1;
            }
            return (last[1] - first[1]) * 8e9 / span;
        }
    }
}
