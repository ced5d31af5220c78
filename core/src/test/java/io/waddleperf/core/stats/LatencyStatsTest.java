package io.waddleperf.core.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class LatencyStatsTest {

    @Test
    void summarises_four_evenly_spaced_rtts() {
        LatencyStats s = LatencyStats.of(new double[] {10, 20, 30, 40});
        assertThat(s.count()).isEqualTo(4);
        assertThat(s.minMs()).isEqualTo(10.0);
        assertThat(s.avgMs()).isEqualTo(25.0);
        assertThat(s.maxMs()).isEqualTo(40.0);
        // Population: deviations 15, 5, 5, 15 -> (225 + 25 + 25 + 225) / 4 = 125.
        assertThat(s.stddevMs()).isCloseTo(Math.sqrt(125), within(1e-12));
        assertThat(s.p50Ms()).isEqualTo(25.0);
        assertThat(s.p95Ms()).isCloseTo(38.5, within(1e-12));
        assertThat(s.p99Ms()).isCloseTo(39.7, within(1e-12));
        // |D| = 10 three times: 0.625, 1.2109375, 1.76025390625.
        assertThat(s.jitterMs()).isEqualTo(1.76025390625);
        assertThat(s.ipdvMs()).isEqualTo(10.0);
    }

    @Test
    void jitter_and_ipdv_follow_send_order() {
        LatencyStats s = LatencyStats.of(new double[] {10, 30, 20, 40});
        // Differences 20, -10, 20: J = 1.25, 1.796875, 2.9345703125; mean |D| = 50 / 3.
        assertThat(s.jitterMs()).isEqualTo(2.9345703125);
        assertThat(s.ipdvMs()).isCloseTo(50.0 / 3, within(1e-12));
        assertThat(s.p50Ms()).isEqualTo(25.0);
    }

    @Test
    void summarises_an_odd_sample() {
        LatencyStats s = LatencyStats.of(new double[] {5, 1, 3});
        assertThat(s.minMs()).isEqualTo(1.0);
        assertThat(s.maxMs()).isEqualTo(5.0);
        assertThat(s.avgMs()).isEqualTo(3.0);
        assertThat(s.stddevMs()).isCloseTo(Math.sqrt(8.0 / 3), within(1e-12));
        assertThat(s.p50Ms()).isEqualTo(3.0);
        assertThat(s.p95Ms()).isCloseTo(4.8, within(1e-12));
        assertThat(s.p99Ms()).isCloseTo(4.96, within(1e-12));
        // Differences -4, 2: J = 0.25, 0.25 + (2 - 0.25) / 16.
        assertThat(s.jitterMs()).isEqualTo(0.359375);
        assertThat(s.ipdvMs()).isEqualTo(3.0);
    }

    @Test
    void single_sample_has_no_spread_and_no_jitter() {
        LatencyStats s = LatencyStats.of(new double[] {7.5});
        assertThat(s).isEqualTo(new LatencyStats(1, 7.5, 7.5, 7.5, 0, 7.5, 7.5, 7.5, 0, 0));
    }

    @Test
    void identical_samples_have_zero_stddev_and_jitter() {
        double[] rtts = new double[7];
        Arrays.fill(rtts, 0.1); // 7 * 0.1 / 7 is not exactly 0.1 in binary floating point
        LatencyStats s = LatencyStats.of(rtts);
        assertThat(s.avgMs()).isEqualTo(0.1);
        assertThat(s.stddevMs()).isZero();
        assertThat(s.jitterMs()).isZero();
        assertThat(s.ipdvMs()).isZero();
        assertThat(s.p99Ms()).isEqualTo(0.1);
    }

    @Test
    void rejects_empty_nan_infinite_and_negative_rtts_naming_the_problem() {
        assertThatThrownBy(() -> LatencyStats.of(new double[0])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> LatencyStats.of(new double[] {1, Double.NaN}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("rttMsInSendOrder[1] is NaN");
        assertThatThrownBy(() -> LatencyStats.of(new double[] {1, 2, -0.5}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("rttMsInSendOrder[2] is negative: -0.5");
        assertThatThrownBy(() -> LatencyStats.of(new double[] {Double.POSITIVE_INFINITY}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("rttMsInSendOrder[0] is infinite");
    }

    @Test
    void does_not_reorder_the_callers_array() {
        double[] rtts = {3, 1, 2};
        LatencyStats.of(rtts);
        assertThat(rtts).containsExactly(3, 1, 2);
    }

    @Property
    void order_statistics_are_nested_and_the_mean_lies_between_the_extremes(
            @ForAll @Size(min = 1, max = 300) List<@DoubleRange(min = 0, max = 1e6) Double> rtts) {
        LatencyStats s = LatencyStats.of(toArray(rtts));
        assertThat(s.count()).isEqualTo(rtts.size());
        assertThat(s.minMs()).isLessThanOrEqualTo(s.p50Ms());
        assertThat(s.p50Ms()).isLessThanOrEqualTo(s.p95Ms());
        assertThat(s.p95Ms()).isLessThanOrEqualTo(s.p99Ms());
        assertThat(s.p99Ms()).isLessThanOrEqualTo(s.maxMs());
        assertThat(s.avgMs()).isBetween(s.minMs(), s.maxMs());
        assertThat(s.minMs()).isEqualTo(Collections.min(rtts));
        assertThat(s.maxMs()).isEqualTo(Collections.max(rtts));
    }

    @Property
    void spread_and_jitter_are_bounded_by_the_range(
            @ForAll @Size(min = 1, max = 300) List<@DoubleRange(min = 0, max = 1e6) Double> rtts) {
        LatencyStats s = LatencyStats.of(toArray(rtts));
        double range = s.maxMs() - s.minMs();
        // Popoviciu: a population standard deviation never exceeds half the range.
        assertThat(s.stddevMs()).isBetween(0.0, range / 2 * (1 + 1e-12));
        assertThat(s.jitterMs()).isBetween(0.0, range);
        assertThat(s.ipdvMs()).isBetween(0.0, range);
    }

    @Property
    void everything_but_jitter_and_ipdv_ignores_sample_order(
            @ForAll @Size(min = 1, max = 300) List<@DoubleRange(min = 0, max = 1e6) Double> rtts,
            @ForAll long seed) {
        List<Double> shuffled = new ArrayList<>(rtts);
        Collections.shuffle(shuffled, new Random(seed));
        LatencyStats a = LatencyStats.of(toArray(rtts));
        LatencyStats b = LatencyStats.of(toArray(shuffled));
        assertThat(b.count()).isEqualTo(a.count());
        assertThat(b.minMs()).isEqualTo(a.minMs());
        assertThat(b.avgMs()).isEqualTo(a.avgMs());
        assertThat(b.maxMs()).isEqualTo(a.maxMs());
        assertThat(b.stddevMs()).isEqualTo(a.stddevMs());
        assertThat(b.p50Ms()).isEqualTo(a.p50Ms());
        assertThat(b.p95Ms()).isEqualTo(a.p95Ms());
        assertThat(b.p99Ms()).isEqualTo(a.p99Ms());
    }

    @Property
    void mean_and_stddev_agree_with_the_online_accumulator(
            @ForAll @Size(min = 1, max = 300) List<@DoubleRange(min = 0, max = 1e4) Double> rtts) {
        LatencyStats s = LatencyStats.of(toArray(rtts));
        RunningStats online = new RunningStats();
        rtts.forEach(online::add);
        assertThat(online.mean()).isCloseTo(s.avgMs(), within(1e-6));
        assertThat(online.populationStddev()).isCloseTo(s.stddevMs(), within(1e-6));
    }

    private static double[] toArray(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
