package io.waddleperf.core.stats;

/**
 * An online accumulator of count, mean, variance, minimum and maximum (Welford's algorithm), for per-hop or
 * per-interval figures that arrive one sample at a time and must not keep every sample.
 *
 * <p>Welford (1962) / Knuth TAOCP vol. 2 §4.2.2: {@code delta = x - mean; mean += delta / n;
 * m2 += delta * (x - mean)}; this stays accurate where the naive sum-of-squares formula cancels catastrophically.
 * Not thread-safe.
 */
public final class RunningStats {

    private long count;
    private double mean;
    private double m2;
    private double min = Double.NaN;
    private double max = Double.NaN;

    /**
     * Adds one sample.
     *
     * @throws IllegalArgumentException if the value is NaN or infinite
     */
    public void add(double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("value is not finite: " + value);
        }
        count++;
        // Welford's online update (Knuth TAOCP 4.2.2, recurrence 15-16).
        double delta = value - mean;
        mean += delta / count;
        m2 += delta * (value - mean);
        min = count == 1 ? value : Math.min(min, value);
        max = count == 1 ? value : Math.max(max, value);
    }

    /** Number of samples added. */
    public long count() {
        return count;
    }

    /** Arithmetic mean, clamped into {@code [min, max]} against rounding; NaN when empty. */
    public double mean() {
        return count == 0 ? Double.NaN : Math.min(max, Math.max(min, mean));
    }

    /** Smallest sample; NaN when empty. */
    public double min() {
        return min;
    }

    /** Largest sample; NaN when empty. */
    public double max() {
        return max;
    }

    /** Population variance (divide by n, as iputils ping's {@code mdev}); NaN when empty. */
    public double populationVariance() {
        return count == 0 ? Double.NaN : m2 / count;
    }

    /**
     * Sample variance (divide by n - 1, Bessel's correction, as mtr's {@code StDev} column); NaN with fewer than two
     * samples.
     */
    public double sampleVariance() {
        return count < 2 ? Double.NaN : m2 / (count - 1);
    }

    /** Population standard deviation; NaN when empty. */
    public double populationStddev() {
        return Math.sqrt(populationVariance());
    }

    /** Sample standard deviation; NaN with fewer than two samples. */
    public double sampleStddev() {
        return Math.sqrt(sampleVariance());
    }
}
