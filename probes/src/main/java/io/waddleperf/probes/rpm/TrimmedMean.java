package io.waddleperf.probes.rpm;

import java.util.Arrays;
import java.util.List;

/** The draft's single-sided trimmed mean: the mean of the lowest {@code percent} % of the samples ("TM(x)"). */
final class TrimmedMean {

    private TrimmedMean() {
    }

    static double of(List<Double> samples, double percent) {
        if (samples.isEmpty()) {
            return Double.NaN;
        }
        double[] sorted = samples.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        int keep = Math.max(1, (int) Math.floor(sorted.length * percent / 100.0));
        double sum = 0;
        for (int i = 0; i < keep; i++) {
            sum += sorted[i];
        }
        return sum / keep;
    }

    /** Standard deviation of {@code values} (population), for the draft's stability test. */
    static double stddev(List<Double> values) {
        double mean = values.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        double ss = values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
        return Math.sqrt(ss / values.size());
    }
}
