package io.waddleperf.core.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class PercentilesTest {

    @Test
    void interpolates_between_closest_ranks_like_numpy_linear() {
        double[] sorted = {10, 20, 30, 40};
        // h = (n - 1) p: p50 -> 1.5 -> 20 + 0.5 * 10; p95 -> 2.85 -> 30 + 0.85 * 10; p99 -> 2.97.
        assertThat(Percentiles.of(sorted, 50)).isEqualTo(25.0);
        assertThat(Percentiles.of(sorted, 95)).isCloseTo(38.5, within(1e-12));
        assertThat(Percentiles.of(sorted, 99)).isCloseTo(39.7, within(1e-12));
        assertThat(Percentiles.of(sorted, 25)).isCloseTo(17.5, within(1e-12));
    }

    @Test
    void matches_numpy_percentile_for_one_to_ten() {
        double[] sorted = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        // numpy.percentile(range(1, 11), [10, 50, 90]) == [1.9, 5.5, 9.1]
        assertThat(Percentiles.of(sorted, 10)).isCloseTo(1.9, within(1e-12));
        assertThat(Percentiles.of(sorted, 50)).isCloseTo(5.5, within(1e-12));
        assertThat(Percentiles.of(sorted, 90)).isCloseTo(9.1, within(1e-12));
    }

    @Test
    void median_of_odd_sample_is_the_middle_value() {
        assertThat(Percentiles.of(new double[] {1, 3, 5}, 50)).isEqualTo(3.0);
    }

    @Test
    void zero_and_hundred_are_min_and_max() {
        double[] sorted = {2, 3, 9};
        assertThat(Percentiles.of(sorted, 0)).isEqualTo(2.0);
        assertThat(Percentiles.of(sorted, 100)).isEqualTo(9.0);
    }

    @Test
    void single_value_is_every_percentile() {
        assertThat(Percentiles.of(new double[] {4.2}, 0)).isEqualTo(4.2);
        assertThat(Percentiles.of(new double[] {4.2}, 99)).isEqualTo(4.2);
    }

    @Test
    void rejects_percent_outside_zero_to_hundred() {
        double[] sorted = {1, 2};
        assertThatThrownBy(() -> Percentiles.of(sorted, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[0, 100]");
        assertThatThrownBy(() -> Percentiles.of(sorted, 100.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Percentiles.of(sorted, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejects_empty_unsorted_and_non_finite_input() {
        assertThatThrownBy(() -> Percentiles.of(new double[0], 50)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> Percentiles.of(new double[] {3, 1}, 50)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("index 1");
        assertThatThrownBy(() -> Percentiles.of(new double[] {1, Double.NaN}, 50))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sorted[1]");
    }

    @Property
    void percentiles_are_monotone_in_p_and_within_the_sample(
            @ForAll @Size(min = 1, max = 200) List<@DoubleRange(min = 0, max = 1e6) Double> values,
            @ForAll @DoubleRange(min = 0, max = 100) double p1,
            @ForAll @DoubleRange(min = 0, max = 100) double p2) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double low = Percentiles.of(sorted, Math.min(p1, p2));
        double high = Percentiles.of(sorted, Math.max(p1, p2));
        assertThat(low).isLessThanOrEqualTo(high);
        assertThat(low).isGreaterThanOrEqualTo(sorted[0]);
        assertThat(high).isLessThanOrEqualTo(sorted[sorted.length - 1]);
    }

    @Property
    void does_not_modify_its_input(
            @ForAll @Size(min = 1, max = 50) List<@DoubleRange(min = 0, max = 1000) Double> values,
            @ForAll @DoubleRange(min = 0, max = 100) double p) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double[] copy = sorted.clone();
        Percentiles.of(sorted, p);
        assertThat(Arrays.equals(sorted, copy)).isTrue();
    }
}
