package io.waddleperf.manager.stats;

import io.waddleperf.core.stats.Percentiles;
import java.util.Arrays;
import java.util.Map;

/**
 * The running figures of one group of results: counts, latency (sum, extremes and either the merged
 * {@link LatencyHistogram} of rollups or, for exact statistics, every latency), loss and throughput. Written out as the
 * fields every statistics answer shares.
 */
public final class Figures {

    private long count;
    private long successes;
    private long latencyCount;
    private double latencySum;
    private double latencyMin = Double.POSITIVE_INFINITY;
    private double latencyMax = Double.NEGATIVE_INFINITY;
    private long lossCount;
    private double lossSum;
    private long throughputCount;
    private double throughputSum;
    private final LatencyHistogram histogram = new LatencyHistogram();
    /** Every latency, for exact percentiles; null when the figures come from rollups. */
    private double[] exact;

    private Figures(boolean exact) {
        this.exact = exact ? new double[16] : null;
    }

    /** Figures merged from rollup rows: percentiles from the histograms, within 1 %. */
    public static Figures fromRollups() {
        return new Figures(false);
    }

    /** Figures of raw results: exact percentiles. */
    public static Figures exact() {
        return new Figures(true);
    }

    /** Adds one rollup row's figures. */
    public void addRollup(long n, long ok, long latencies, double latSum, Double latMin, Double latMax, long losses,
                          double loss, long throughputs, double throughput, byte[] encodedHistogram) {
        count += n;
        successes += ok;
        latencyCount += latencies;
        latencySum += latSum;
        if (latMin != null) {
            latencyMin = Math.min(latencyMin, latMin);
        }
        if (latMax != null) {
            latencyMax = Math.max(latencyMax, latMax);
        }
        lossCount += losses;
        lossSum += loss;
        throughputCount += throughputs;
        throughputSum += throughput;
        histogram.mergeEncoded(encodedHistogram);
    }

    /** Adds one raw result's figures. */
    public void addResult(boolean success, Double latencyMs, Double lossPercent, Double throughputMbps) {
        count++;
        if (success) {
            successes++;
        }
        if (latencyMs != null && Double.isFinite(latencyMs)) {
            if (exact != null) {
                if (latencyCount == exact.length) {
                    exact = Arrays.copyOf(exact, exact.length * 2);
                }
                exact[(int) latencyCount] = latencyMs;
            } else {
                histogram.add(latencyMs);
            }
            latencyCount++;
            latencySum += latencyMs;
            latencyMin = Math.min(latencyMin, latencyMs);
            latencyMax = Math.max(latencyMax, latencyMs);
        }
        if (lossPercent != null && Double.isFinite(lossPercent)) {
            lossCount++;
            lossSum += lossPercent;
        }
        if (throughputMbps != null && Double.isFinite(throughputMbps)) {
            throughputCount++;
            throughputSum += throughputMbps;
        }
    }

    public long count() {
        return count;
    }

    public long successCount() {
        return successes;
    }

    /**
     * Puts the figures into {@code out}: {@code count}, {@code success_count}, {@code success_rate},
     * {@code latency_samples}, and where there is data {@code mean_latency_ms}, {@code min_latency_ms},
     * {@code max_latency_ms}, {@code p50_latency_ms}, {@code p95_latency_ms}, {@code p99_latency_ms},
     * {@code mean_packet_loss_percent}, {@code mean_throughput_mbps}.
     */
    public void writeTo(Map<String, Object> out) {
        out.put("count", count);
        out.put("success_count", successes);
        if (count > 0) {
            out.put("success_rate", (double) successes / count);
        }
        out.put("latency_samples", latencyCount);
        if (latencyCount > 0) {
            out.put("mean_latency_ms", latencySum / latencyCount);
            out.put("min_latency_ms", latencyMin);
            out.put("max_latency_ms", latencyMax);
            double[] p = percentiles(50, 95, 99);
            out.put("p50_latency_ms", p[0]);
            out.put("p95_latency_ms", p[1]);
            out.put("p99_latency_ms", p[2]);
        }
        if (lossCount > 0) {
            out.put("mean_packet_loss_percent", lossSum / lossCount);
        }
        if (throughputCount > 0) {
            out.put("mean_throughput_mbps", throughputSum / throughputCount);
        }
    }

    /** Latency percentiles: exact from every value, or from the merged histogram within its relative accuracy. */
    public double[] percentiles(double... ps) {
        double[] out = new double[ps.length];
        if (exact != null) {
            double[] sorted = Arrays.copyOf(exact, (int) latencyCount);
            Arrays.sort(sorted);
            for (int i = 0; i < ps.length; i++) {
                out[i] = Percentiles.of(sorted, ps[i]);
            }
        } else {
            for (int i = 0; i < ps.length; i++) {
                out[i] = histogram.percentile(ps[i], latencyMin, latencyMax);
            }
        }
        return out;
    }
}
