package io.waddleperf.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class BinomialIntervalTest {

    @Test
    void log_gamma_matches_factorials() {
        assertThat(BinomialInterval.logGamma(1)).isCloseTo(0, within(1e-12));
        assertThat(BinomialInterval.logGamma(11)).isCloseTo(Math.log(3_628_800), within(1e-9));
        assertThat(BinomialInterval.logGamma(1001)).isCloseTo(5912.128178939938, within(1e-6));
    }

    @Test
    void interval_of_1000_trials_at_20_percent_is_close_to_the_normal_one() {
        // Normal approximation: 200 ± 3.29 · sqrt(1000 · 0.2 · 0.8) = 200 ± 41.6; the exact one is slightly skewed.
        BinomialInterval i = BinomialInterval.of(1000, 0.2, 0.999);
        assertThat(i.low()).isBetween(157, 161);
        assertThat(i.high()).isBetween(240, 244);
        assertThat(i.contains(200)).isTrue();
        assertThat(i.contains(150)).isFalse();
    }

    @Test
    void small_expected_counts_give_a_skewed_interval() {
        BinomialInterval i = BinomialInterval.of(1000, 0.01, 0.999);
        // Poisson(10) 0.05 % and 99.95 % quantiles are 2 and 22.
        assertThat(i.low()).isEqualTo(2);
        assertThat(i.high()).isEqualTo(22);
    }

    @Test
    void degenerate_probabilities_pin_the_count() {
        assertThat(BinomialInterval.of(100, 0, 0.999)).isEqualTo(new BinomialInterval(0, 0));
        assertThat(BinomialInterval.of(100, 1, 0.999)).isEqualTo(new BinomialInterval(100, 100));
    }
}
