package io.waddleperf.core.stats;

import java.util.Objects;

/**
 * Percentiles of an already sorted sample, by linear interpolation between closest ranks.
 *
 * <p>The method is Hyndman &amp; Fan's definition 7 (R's default {@code quantile(type = 7)}, numpy's default
 * {@code percentile(method = "linear")}, Excel's {@code PERCENTILE.INC}): for {@code n} sorted values
 * {@code x[0..n-1]} and a percent {@code p}, let {@code h = (n - 1) * p / 100}; the result is
 * {@code x[floor(h)] + (h - floor(h)) * (x[floor(h) + 1] - x[floor(h)])}. So {@code p = 0} is the minimum,
 * {@code p = 100} the maximum, and the median of an even-sized sample is the mean of the two middle values
 * ({@code [10, 20, 30, 40]} gives p50 = 25, p95 = 38.5, p99 = 39.7). Every sample is used; nothing is binned.
 */
public final class Percentiles {

    private Percentiles() {
    }

    /**
     * The {@code p}-th percentile of {@code sorted}.
     *
     * @param sorted values in ascending order (not modified); must be non-empty, finite and sorted
     * @param p the percentile in percent, {@code 0 <= p <= 100} (95 means the 95th percentile, not 0.95)
     * @throws IllegalArgumentException if {@code sorted} is empty, unsorted or holds NaN/infinite values, or
     *     {@code p} is outside {@code [0, 100]}
     */
    public static double of(double[] sorted, double p) {
        Objects.requireNonNull(sorted, "sorted");
        requireSorted(sorted);
        return ofValidated(sorted, p);
    }

    /** {@link #of} without the O(n) sortedness check, for callers that sorted the array themselves. */
    static double ofValidated(double[] sorted, double p) {
        if (!(p >= 0.0 && p <= 100.0)) {
            throw new IllegalArgumentException("percentile p must be within [0, 100] (percent), got " + p);
        }
        int n = sorted.length;
        // Hyndman & Fan (1996) definition 7: h = (n - 1) p, interpolate between x[floor h] and x[floor h + 1].
        double h = (n - 1) * (p / 100.0);
        int lo = (int) Math.floor(h);
        if (lo >= n - 1) {
            return sorted[n - 1];
        }
        double fraction = h - lo;
        double a = sorted[lo];
        double b = sorted[lo + 1];
        if (fraction == 0.0) {
            return a;
        }
        // Clamp: a + (b - a) * f can round just past b, which would break p50 <= p95 <= p99 <= max.
        return Math.min(b, Math.max(a, a + (b - a) * fraction));
    }

    private static void requireSorted(double[] sorted) {
        if (sorted.length == 0) {
            throw new IllegalArgumentException("sorted is empty: a percentile needs at least one value");
        }
        for (int i = 0; i < sorted.length; i++) {
            if (!Double.isFinite(sorted[i])) {
                throw new IllegalArgumentException("sorted[" + i + "] is not finite: " + sorted[i]);
            }
            if (i > 0 && sorted[i] < sorted[i - 1]) {
                throw new IllegalArgumentException(
                        "sorted is not in ascending order at index " + i + ": " + sorted[i - 1] + " > " + sorted[i]);
            }
        }
    }
}
