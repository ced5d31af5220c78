package io.waddleperf.iperf3.stream;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RatePacerTest {

    @Test
    void unlimited_rate_never_waits() {
        RatePacer pacer = new RatePacer(0, 0, System.nanoTime());
        long t0 = System.nanoTime();
        for (int i = 0; i < 100_000; i++) {
            pacer.awaitTurn(i * 1_000_000L);
        }
        assertThat(System.nanoTime() - t0).isLessThan(1_000_000_000L);
    }

    @Test
    void sending_is_held_to_the_average_rate() {
        // 10 Mbit/s, 1250-byte blocks: each block is due 1 ms after the previous one.
        long start = System.nanoTime();
        RatePacer pacer = new RatePacer(10_000_000, 1, start);
        long sent = 0;
        for (int i = 0; i < 100; i++) {
            pacer.awaitTurn(sent);
            sent += 1250;
        }
        long elapsedNanos = System.nanoTime() - start;
        // The 100th block waits for 99 blocks' worth of time: 99 ms; generous upper bound for a busy machine.
        assertThat(elapsedNanos).isBetween(99_000_000L, 2_000_000_000L);
    }

    @Test
    void bursts_send_several_blocks_per_wait() {
        RatePacer pacer = new RatePacer(1_000_000, 10, System.nanoTime());
        long t0 = System.nanoTime();
        for (int i = 0; i < 9; i++) {
            pacer.awaitTurn(1_000_000);
        }
        // Nine blocks inside one burst go without waiting, though 1 MB sent is 8 s ahead of a 1 Mbit/s schedule.
        assertThat(System.nanoTime() - t0).isLessThan(1_000_000_000L);
    }
}
