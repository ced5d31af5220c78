package io.waddleperf.probes.speedtest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RateWindowTest {

    private static final long MS = 1_000_000L;

    @Test
    void bytes_of_the_grace_period_are_not_counted() {
        RateWindow w = new RateWindow(100 * MS, 3, 0.1);
        w.tick(50 * MS, 1_000_000);
        assertThat(w.measuring()).isFalse();
        w.tick(100 * MS, 2_000_000);
        assertThat(w.measuring()).isTrue();
        w.tick(300 * MS, 2_000_000 + 250_000);
        // 250,000 bytes in 200 ms after the grace period: 10 Mbit/s, whatever came before
        assertThat(w.rateBitsPerSecond()).isEqualTo(10_000_000.0);
        assertThat(w.hasRate()).isTrue();
    }

    @Test
    void the_tick_that_ends_the_grace_period_gives_no_rate() {
        RateWindow w = new RateWindow(100 * MS, 3, 0.1);
        w.tick(700 * MS, 5_000_000);
        assertThat(w.measuring()).isTrue();
        assertThat(w.hasRate()).as("a delayed first tick past the grace period starts the window only").isFalse();
        assertThat(w.rateBitsPerSecond()).isZero();
    }

    @Test
    void stable_needs_a_full_window_of_close_rates() {
        RateWindow w = new RateWindow(0, 3, 0.1);
        w.tick(0, 1);
        w.tick(200 * MS, 1 + 250_000);
        w.tick(400 * MS, 1 + 500_000);
        assertThat(w.stable()).isFalse();
        w.tick(600 * MS, 1 + 750_000);
        assertThat(w.stable()).isTrue();
    }
}
