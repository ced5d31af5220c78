package io.waddleperf.iperf3.stream;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RatePacerTest {

    @Test
    void unlimited_rate_never_waits() {
        RatePacer pacer = new RatePacer(0, 0);
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
        RatePacer pacer = new RatePacer(10_000_000, 1);
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
        RatePacer pacer = new RatePacer(1_000_000, 10);
        long t0 = System.nanoTime();
        for (int i = 0; i < 9; i++) {
            pacer.awaitTurn(1_000_000);
        }
        // Nine blocks inside one burst go without waiting, though 1 MB sent is 8 s ahead of a 1 Mbit/s schedule.
        assertThat(System.nanoTime() - t0).isLessThan(1_000_000_000L);
    }

    @Test
    void a_late_first_block_starts_the_schedule_instead_of_a_catch_up_burst() {
        // The first block comes 1 MB into the stream (as after a late start): the next 1250-byte blocks at 10 Mbit/s
        // are still due 1 ms apart from it, not all at once.
        RatePacer pacer = new RatePacer(10_000_000, 1);
        long sent = 1_000_000;
        long t0 = System.nanoTime();
        for (int i = 0; i < 50; i++) {
            pacer.awaitTurn(sent);
            sent += 1250;
        }
        assertThat(System.nanoTime() - t0).isBetween(49_000_000L, 2_000_000_000L);
    }

    @Test
    void a_stalled_sender_catches_up_at_most_the_allowed_debt() throws InterruptedException {
        // 10 Mbit/s, 1250-byte blocks due 1 ms apart; after a 200 ms stall only 20 ms (20 blocks) may go back to back.
        RatePacer pacer = new RatePacer(10_000_000, 1);
        long sent = 0;
        pacer.awaitTurn(sent);
        sent += 1250;
        Thread.sleep(200);
        long t0 = System.nanoTime();
        for (int i = 0; i < 60; i++) {
            pacer.awaitTurn(sent);
            sent += 1250;
        }
        // without the cap all 60 would go at once (200 blocks owed); with it about 40 of them wait 1 ms each
        assertThat(System.nanoTime() - t0).isBetween(35_000_000L, 2_000_000_000L);
    }
}
