package io.waddleperf.core.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class RunningStatsTest {

    @Test
    void computes_mean_variance_and_extremes_of_a_textbook_sample() {
        RunningStats s = new RunningStats();
        for (double v : new double[] {2, 4, 4, 4, 5, 5, 7, 9}) {
            s.add(v);
        }
        assertThat(s.count()).isEqualTo(8);
        assertThat(s.mean()).isEqualTo(5.0);
        assertThat(s.populationVariance()).isCloseTo(4.0, within(1e-12));
        assertThat(s.populationStddev()).isCloseTo(2.0, within(1e-12));
        assertThat(s.sampleVariance()).isCloseTo(32.0 / 7, within(1e-12));
        assertThat(s.min()).isEqualTo(2.0);
        assertThat(s.max()).isEqualTo(9.0);
    }

    @Test
    void stays_accurate_with_a_large_common_offset() {
        // The naive E[x^2] - E[x]^2 loses every digit here; Welford keeps them.
        RunningStats s = new RunningStats();
        for (double v : new double[] {4, 7, 13, 16}) {
            s.add(1e9 + v);
        }
        assertThat(s.populationVariance()).isCloseTo(22.5, within(1e-6));
        assertThat(s.sampleVariance()).isCloseTo(30.0, within(1e-6));
    }

    @Test
    void empty_and_single_sample_results_are_defined() {
        RunningStats s = new RunningStats();
        assertThat(s.count()).isZero();
        assertThat(s.mean()).isNaN();
        assertThat(s.min()).isNaN();
        assertThat(s.populationVariance()).isNaN();
        s.add(3.5);
        assertThat(s.mean()).isEqualTo(3.5);
        assertThat(s.populationStddev()).isZero();
        assertThat(s.sampleStddev()).isNaN();
        assertThat(s.min()).isEqualTo(3.5);
        assertThat(s.max()).isEqualTo(3.5);
    }

    @Test
    void rejects_non_finite_values() {
        RunningStats s = new RunningStats();
        assertThatThrownBy(() -> s.add(Double.NaN)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not finite");
        assertThat(s.count()).isZero();
    }

    @Property
    void mean_lies_between_min_and_max_and_variance_is_not_negative(
            @ForAll @Size(min = 1, max = 200) List<@DoubleRange(min = -1e6, max = 1e6) Double> values) {
        RunningStats s = new RunningStats();
        values.forEach(s::add);
        assertThat(s.mean()).isBetween(s.min(), s.max());
        assertThat(s.populationVariance()).isGreaterThanOrEqualTo(0.0);
        assertThat(s.min()).isEqualTo(values.stream().mapToDouble(Double::doubleValue).min().orElseThrow());
        assertThat(s.max()).isEqualTo(values.stream().mapToDouble(Double::doubleValue).max().orElseThrow());
    }
}
