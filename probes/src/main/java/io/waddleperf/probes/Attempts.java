package io.waddleperf.probes;

import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.stats.LatencyStats;
import java.time.Duration;

/**
 * Shared bookkeeping of probes that make {@code count} attempts {@code interval} apart: the attempt schedule,
 * millisecond rounding, loss and the latency fields of the result object (docs/RESULTS.md).
 */
public final class Attempts {

    private Attempts() {
    }

    /**
     * Waits until attempt {@code index} (0-based) is due at {@code startNanos + index × interval}. The schedule
     * is fixed from the start, so a slow attempt does not push later ones back (no coordinated
     * omission); an attempt that is already late starts at once.
     */
    public static void awaitSlot(ProbeContext context, long startNanos, int index, Duration interval) throws InterruptedException {
        long dueNanos = startNanos + interval.toNanos() * index;
        long waitNanos = dueNanos - context.clock().nanos();
        if (waitNanos > 0) {
            Thread.sleep(Duration.ofNanos(waitNanos));
        }
    }

    /** Nanoseconds as milliseconds rounded to the microsecond, the resolution results carry. */
    public static double millis(long nanos) {
        return round(nanos / 1_000_000.0);
    }

    /** Milliseconds rounded to the microsecond. */
    public static double round(double ms) {
        return Math.round(ms * 1000.0) / 1000.0;
    }

    /** Percentage of {@code sent} attempts that got no answer; 0 when nothing was sent. */
    public static double lossPercent(long sent, long received) {
        return sent == 0 ? 0.0 : round(100.0 * (sent - received) / sent);
    }

    /**
     * Puts {@code latency_ms} (mean) and min/max/p50/p95/p99/stddev of {@code samplesMs} into {@code result};
     * leaves them absent when there are no samples (a failed probe has no latency, not a latency of 0).
     */
    public static void putLatencyStats(ProbeResult.Builder result, double[] samplesMs) {
        if (samplesMs.length == 0) {
            return;
        }
        LatencyStats s = LatencyStats.of(samplesMs);
        result.latencyMs(round(s.avgMs()))
                .minLatencyMs(round(s.minMs()))
                .maxLatencyMs(round(s.maxMs()))
                .p50LatencyMs(round(s.p50Ms()))
                .p95LatencyMs(round(s.p95Ms()))
                .p99LatencyMs(round(s.p99Ms()))
                .stddevLatencyMs(round(s.stddevMs()));
    }

    /** The mean of {@code samplesMs}, rounded; null when there are none. */
    public static Double mean(double[] samplesMs) {
        if (samplesMs.length == 0) {
            return null;
        }
        double sum = 0;
        for (double v : samplesMs) {
            sum += v;
        }
        return round(sum / samplesMs.length);
    }
}
