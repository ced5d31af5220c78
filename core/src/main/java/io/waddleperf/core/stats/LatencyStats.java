package io.waddleperf.core.stats;

import java.util.Arrays;
import java.util.Objects;

/**
 * Summary of one run's round-trip times in milliseconds: extremes, mean, spread, percentiles and two jitter figures
 * (definitions in docs/RESULTS.md, "Statistics").
 *
 * <ul>
 *   <li>{@code stddevMs} is the <em>population</em> standard deviation (divide by n), as iputils ping's
 *       {@code mdev}; a single sample gives 0. (mtr's {@code StDev} divides by n - 1; see {@link RunningStats}.)</li>
 *   <li>{@code p50Ms}, {@code p95Ms}, {@code p99Ms} come from all samples by linear interpolation between closest
 *       ranks (Hyndman &amp; Fan type 7, numpy's default), as defined in {@link Percentiles}.</li>
 *   <li>{@code jitterMs} is RFC 3550 §6.4.1 interarrival jitter applied to consecutive RTTs in send order:
 *       {@code J += (|D| - J) / 16} over {@code D = rtt[i] - rtt[i-1]}, from {@code J = 0}. For RTTs the send-time
 *       difference cancels out of RFC 3550's {@code D(i,j)}, leaving the difference of consecutive RTTs.</li>
 *   <li>{@code ipdvMs} is the mean absolute difference of consecutive RTTs (IP packet delay variation in the sense of
 *       RFC 3393 with consecutive-packet selection, averaged; what the original WaddlePerf called jitter); 0 for one
 *       sample.</li>
 * </ul>
 *
 * <p>Everything except {@code jitterMs} and {@code ipdvMs} is computed from a sorted copy, so it does not depend on
 * sample order at all (not even in the last floating-point bit).
 *
 * <p>The browser client's {@code js/stats.js} implements the same definitions operation for operation, and the test
 * server recomputes a browser result's figures with this class; docs/RESULTS.md "Statistics" is the one description.
 */
public record LatencyStats(
        int count,
        double minMs,
        double avgMs,
        double maxMs,
        double stddevMs,
        double p50Ms,
        double p95Ms,
        double p99Ms,
        double jitterMs,
        double ipdvMs) {

    /**
     * Summarises RTT samples.
     *
     * @param rttMsInSendOrder RTTs in milliseconds, in the order the probes were sent (replies that never came are
     *     left out: loss is counted separately); not modified
     * @throws IllegalArgumentException if the array is empty or holds a NaN, infinite or negative value (the message
     *     names the index)
     */
    public static LatencyStats of(double[] rttMsInSendOrder) {
        Objects.requireNonNull(rttMsInSendOrder, "rttMsInSendOrder");
        validate(rttMsInSendOrder);
        int n = rttMsInSendOrder.length;

        double[] sorted = rttMsInSendOrder.clone();
        Arrays.sort(sorted);
        double min = sorted[0];
        double max = sorted[n - 1];
        double sum = 0.0;
        for (double v : sorted) {
            sum += v;
        }
        // Clamp: n copies of x summed and divided by n can round a hair outside [min, max].
        double avg = Math.min(max, Math.max(min, sum / n));
        double stddev = min == max ? 0.0 : populationStddev(sorted, avg);

        Rfc3550Jitter jitter = new Rfc3550Jitter();
        double absDiffSum = 0.0;
        for (int i = 1; i < n; i++) {
            double d = rttMsInSendOrder[i] - rttMsInSendOrder[i - 1];
            jitter.update(d);
            absDiffSum += Math.abs(d);
        }
        // Clamp: each |D| is at most max - min, but summing many of them can round a hair above it.
        double ipdv = n == 1 ? 0.0 : Math.min(max - min, absDiffSum / (n - 1));

        return new LatencyStats(
                n,
                min,
                avg,
                max,
                stddev,
                Percentiles.ofValidated(sorted, 50),
                Percentiles.ofValidated(sorted, 95),
                Percentiles.ofValidated(sorted, 99),
                jitter.valueMs(),
                ipdv);
    }

    /**
     * These figures as results carry them: each rounded to the microsecond ({@link #roundMs}); {@code count} kept.
     */
    public LatencyStats roundedToMicroseconds() {
        return new LatencyStats(count, roundMs(minMs), roundMs(avgMs), roundMs(maxMs), roundMs(stddevMs), roundMs(p50Ms),
                roundMs(p95Ms), roundMs(p99Ms), roundMs(jitterMs), roundMs(ipdvMs));
    }

    /**
     * Milliseconds rounded to the microsecond, half up ({@code Math.round(ms * 1000) / 1000}), the resolution result
     * fields carry; JavaScript's {@code Math.round} gives the same for the non-negative values used here.
     */
    public static double roundMs(double ms) {
        return Math.round(ms * 1000.0) / 1000.0;
    }

    private static void validate(double[] rttMs) {
        if (rttMs.length == 0) {
            throw new IllegalArgumentException("rttMsInSendOrder is empty: latency statistics need at least one RTT");
        }
        for (int i = 0; i < rttMs.length; i++) {
            double v = rttMs[i];
            if (Double.isNaN(v)) {
                throw new IllegalArgumentException("rttMsInSendOrder[" + i + "] is NaN");
            }
            if (Double.isInfinite(v)) {
                throw new IllegalArgumentException("rttMsInSendOrder[" + i + "] is infinite");
            }
            if (v < 0.0) {
                throw new IllegalArgumentException("rttMsInSendOrder[" + i + "] is negative: " + v);
            }
        }
    }

    // Two-pass population standard deviation: sqrt(sum((x - mean)^2) / n); more accurate than E[x^2] - E[x]^2.
    private static double populationStddev(double[] sorted, double avg) {
        double squares = 0.0;
        for (double v : sorted) {
            double d = v - avg;
            squares += d * d;
        }
        return Math.sqrt(squares / sorted.length);
    }
}
