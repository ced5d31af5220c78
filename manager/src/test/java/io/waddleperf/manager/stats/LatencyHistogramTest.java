package io.waddleperf.manager.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waddleperf.core.stats.Percentiles;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    private static final double[] PS = {0, 1, 5, 25, 50, 75, 90, 95, 99, 99.9, 100};

    /** Merged histograms of split samples against the exact definition-7 percentiles of all values. */
    @Test
    void percentiles_of_merged_histograms_stay_within_the_relative_accuracy_of_the_exact_ones() {
        Random rnd = new Random(42);
        List<DoubleSupplier> distributions = List.of(
                () -> Math.exp(rnd.nextGaussian() * 1.5 + 2),              // log-normal around 7 ms
                () -> 0.05 + rnd.nextDouble() * 2000,                       // uniform, 50 µs .. 2 s
                () -> rnd.nextBoolean() ? 0.3 + rnd.nextDouble() : 180 + rnd.nextGaussian() * 3, // two paths
                () -> 12.5);                                                // constant
        for (DoubleSupplier d : distributions) {
            for (int n : new int[] {1, 2, 3, 10, 1000, 100_000}) {
                double[] values = new double[n];
                LatencyHistogram merged = new LatencyHistogram();
                LatencyHistogram part = new LatencyHistogram();
                double min = Double.MAX_VALUE;
                double max = 0;
                for (int i = 0; i < n; i++) {
                    values[i] = Math.abs(d.getAsDouble());
                    min = Math.min(min, values[i]);
                    max = Math.max(max, values[i]);
                    part.add(values[i]);
                    if (i % 97 == 0) {
                        // stored and merged as the rollups do, bucket by bucket
                        merged.mergeEncoded(part.encode());
                        part = new LatencyHistogram();
                    }
                }
                merged.mergeEncoded(part.encode());
                assertThat(merged.count()).isEqualTo(n);
                Arrays.sort(values);
                for (double p : PS) {
                    double exact = Percentiles.of(values, p);
                    double estimate = merged.percentile(p, min, max);
                    assertThat(Math.abs(estimate - exact))
                            .as("p%s of %d values: exact %s, estimate %s", p, n, exact, estimate)
                            .isLessThanOrEqualTo(exact * LatencyHistogram.RELATIVE_ACCURACY * (1 + 1e-9));
                }
            }
        }
    }

    @Test
    void every_value_is_represented_within_the_relative_accuracy_and_tiny_ones_within_a_microsecond() {
        for (double v = LatencyHistogram.MIN_MS; v < LatencyHistogram.MAX_MS; v *= 1.0007) {
            double rep = LatencyHistogram.representative(LatencyHistogram.bin(v));
            assertThat(Math.abs(rep - v) / v).as("value %s", v).isLessThanOrEqualTo(LatencyHistogram.RELATIVE_ACCURACY * (1 + 1e-9));
        }
        LatencyHistogram h = new LatencyHistogram();
        h.add(0.0004);
        h.add(0);
        assertThat(h.percentile(100, 0, Double.POSITIVE_INFINITY)).isLessThan(LatencyHistogram.MIN_MS);
        // beyond an hour: counted in the top bin, reported as the exact maximum the caller keeps
        LatencyHistogram big = new LatencyHistogram();
        big.add(7_200_000);
        assertThat(big.percentile(50, 7_200_000, 7_200_000)).isEqualTo(7_200_000);
    }

    @Test
    void the_stored_form_is_compact_round_trips_and_fits_the_column_even_with_every_bin_used() {
        LatencyHistogram one = new LatencyHistogram();
        one.add(12.3);
        assertThat(one.encode()).hasSizeLessThanOrEqualTo(4);
        assertThat(new LatencyHistogram().encode()).isEmpty();
        LatencyHistogram all = new LatencyHistogram();
        for (int b = 0; b < LatencyHistogram.BINS; b++) {
            for (int k = 0; k < 3; k++) {
                all.add(b == 0 ? 0 : LatencyHistogram.representative(b));
            }
        }
        byte[] encoded = all.encode();
        assertThat(encoded.length).isLessThanOrEqualTo(LatencyHistogram.MAX_ENCODED_BYTES).isLessThanOrEqualTo(16384);
        LatencyHistogram back = new LatencyHistogram();
        back.mergeEncoded(encoded);
        assertThat(back.encode()).isEqualTo(encoded);
        assertThat(back.count()).isEqualTo(3L * LatencyHistogram.BINS);
    }

    @Test
    void a_corrupt_stored_form_is_refused_not_misread() {
        LatencyHistogram h = new LatencyHistogram();
        assertThatThrownBy(() -> h.mergeEncoded(new byte[] {9, 1, 1})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> h.mergeEncoded(new byte[] {1, (byte) 0x81})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> h.mergeEncoded(new byte[] {1, 0, 1})).isInstanceOf(IllegalArgumentException.class);
        assertThat(h.count()).isZero();
        assertThatThrownBy(() -> h.percentile(50, 0, 1)).isInstanceOf(IllegalStateException.class);
    }
}
