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

class Rfc3550JitterTest {

    @Test
    void starts_at_zero() {
        Rfc3550Jitter jitter = new Rfc3550Jitter();
        assertThat(jitter.valueMs()).isZero();
        assertThat(jitter.updates()).isZero();
    }

    @Test
    void smooths_absolute_differences_with_gain_one_sixteenth() {
        Rfc3550Jitter jitter = new Rfc3550Jitter();
        jitter.update(10);
        assertThat(jitter.valueMs()).isEqualTo(0.625); // 0 + (10 - 0) / 16
        jitter.update(-10);
        assertThat(jitter.valueMs()).isEqualTo(1.2109375); // 0.625 + (10 - 0.625) / 16
        jitter.update(0);
        assertThat(jitter.valueMs()).isEqualTo(1.2109375 - 1.2109375 / 16);
        assertThat(jitter.updates()).isEqualTo(3);
    }

    @Test
    void alternating_plus_minus_d_converges_to_d() {
        double d = 5.0;
        Rfc3550Jitter jitter = new Rfc3550Jitter();
        for (int n = 1; n <= 300; n++) {
            jitter.update(n % 2 == 0 ? d : -d);
            // Closed form for constant |D| = d from J = 0: J_n = d (1 - (15/16)^n).
            assertThat(jitter.valueMs()).isCloseTo(d * (1 - Math.pow(15.0 / 16.0, n)), within(1e-9));
            assertThat(jitter.valueMs()).isLessThanOrEqualTo(d);
        }
        assertThat(jitter.valueMs()).isCloseTo(d, within(1e-6));
    }

    @Test
    void transit_updates_use_the_difference_of_consecutive_transits() {
        Rfc3550Jitter jitter = new Rfc3550Jitter();
        jitter.updateWithTransit(100);
        assertThat(jitter.updates()).isZero();
        jitter.updateWithTransit(110); // D = 10
        jitter.updateWithTransit(105); // D = -5
        assertThat(jitter.valueMs()).isEqualTo(0.625 + (5 - 0.625) / 16);
        assertThat(jitter.updates()).isEqualTo(2);
    }

    @Test
    void rejects_non_finite_input() {
        Rfc3550Jitter jitter = new Rfc3550Jitter();
        assertThatThrownBy(() -> jitter.update(Double.NaN)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("transitDifferenceMs");
        assertThatThrownBy(() -> jitter.updateWithTransit(Double.POSITIVE_INFINITY))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("transitMs");
        assertThat(jitter.updates()).isZero();
    }

    @Property
    void a_constant_clock_offset_between_sender_and_receiver_cancels_out(
            @ForAll @Size(min = 2, max = 100) List<@DoubleRange(min = 0, max = 1000) Double> transitsMs,
            @ForAll @DoubleRange(min = -1e6, max = 1e6) double offsetMs) {
        Rfc3550Jitter plain = new Rfc3550Jitter();
        Rfc3550Jitter shifted = new Rfc3550Jitter();
        for (double t : transitsMs) {
            plain.updateWithTransit(t);
            shifted.updateWithTransit(t + offsetMs);
        }
        assertThat(shifted.valueMs()).isCloseTo(plain.valueMs(), within(1e-6));
    }

    @Property
    void estimate_stays_between_zero_and_the_largest_difference(
            @ForAll @Size(min = 1, max = 200) List<@DoubleRange(min = -1e4, max = 1e4) Double> differencesMs) {
        Rfc3550Jitter jitter = new Rfc3550Jitter();
        double largest = 0;
        for (double d : differencesMs) {
            jitter.update(d);
            largest = Math.max(largest, Math.abs(d));
        }
        assertThat(jitter.valueMs()).isBetween(0.0, largest);
    }
}
