package io.waddleperf.iperf3.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The pacer on a fake monotonic clock: waiting advances the clock by exactly the time asked for, so the instants at
 * which blocks go are exact and the tests say what the schedule is, whatever the machine's load.
 */
class RatePacerTest {

    /** 1250-byte blocks at 10 Mbit/s: one block per millisecond. */
    private static final int BLOCK = 1250;
    private static final long RATE = 10_000_000;
    private static final long MS = 1_000_000;

    /** A clock that only moves when the pacer waits or the test says time passed. */
    private static final class FakeClock {
        long now = 1_000 * MS;

        RatePacer pacer(long rate, int burst, long origin) {
            return new RatePacer(rate, burst, origin, () -> now, nanos -> now += nanos);
        }
    }

    /** Sends {@code blocks} blocks through {@code pacer}, returning the instant each one went. */
    private static List<Long> send(FakeClock clock, RatePacer pacer, long[] sent, int blocks) {
        List<Long> at = new ArrayList<>();
        for (int i = 0; i < blocks; i++) {
            pacer.awaitTurn(sent[0]);
            at.add(clock.now);
            sent[0] += BLOCK;
        }
        return at;
    }

    @Test
    void unlimited_rate_never_waits() {
        FakeClock clock = new FakeClock();
        RatePacer pacer = clock.pacer(0, 0, clock.now);
        long start = clock.now;
        send(clock, pacer, new long[] {0}, 100_000);
        assertThat(clock.now).isEqualTo(start);
    }

    @Test
    void on_schedule_each_block_goes_when_it_is_due() {
        FakeClock clock = new FakeClock();
        long origin = clock.now;
        List<Long> at = send(clock, clock.pacer(RATE, 1, origin), new long[] {0}, 100);
        for (int i = 0; i < 100; i++) {
            assertThat(at.get(i)).as("block %d", i).isEqualTo(origin + i * MS);
        }
    }

    @Test
    void bursts_send_several_blocks_per_wait() {
        FakeClock clock = new FakeClock();
        long origin = clock.now;
        List<Long> at = send(clock, clock.pacer(RATE, 10, origin), new long[] {0}, 30);
        // blocks 0-8 go at once; the 10th waits for the 9 blocks before it (9 ms), then 10 more go together
        assertThat(at.subList(0, 9)).containsOnly(origin);
        assertThat(at.subList(9, 19)).containsOnly(origin + 9 * MS);
        assertThat(at.subList(19, 29)).containsOnly(origin + 19 * MS);
    }

    @Test
    void a_late_start_is_made_up_without_a_line_rate_burst() {
        // The stream's first block comes 200 ms after the test started (a cold thread): 200 blocks are owed.
        FakeClock clock = new FakeClock();
        long origin = clock.now;
        clock.now += 200 * MS;
        long[] sent = {0};
        List<Long> at = send(clock, clock.pacer(RATE, 1, origin), sent, 2400);

        // At first only 20 ms of the target (22 blocks at the catch-up rate, the GCRA tolerance) go back to back …
        long backToBack = at.stream().filter(t -> t == origin + 200 * MS).count();
        assertThat(backToBack).isBetween(22L, 23L);
        // … then no faster than 10 % over the target: any 110 consecutive blocks take at least 100 ms …
        for (int i = (int) backToBack; i + 110 < at.size(); i += 50) {
            assertThat(at.get(i + 110) - at.get(i)).as("blocks %d..%d", i, i + 110).isGreaterThanOrEqualTo(99 * MS);
        }
        // … and the debt is repaid: 2400 blocks at 10 Mbit/s are due over 2.4 s from the test's start.
        assertThat(at.getLast()).isEqualTo(origin + 2399 * MS);
    }

    @Test
    void a_stall_mid_stream_is_made_up_at_the_catch_up_rate() {
        FakeClock clock = new FakeClock();
        long origin = clock.now;
        RatePacer pacer = clock.pacer(RATE, 1, origin);
        long[] sent = {0};
        send(clock, pacer, sent, 100);
        clock.now += 100 * MS; // the thread is descheduled for 100 ms: 100 blocks owed
        long stallEnd = clock.now;
        List<Long> at = send(clock, pacer, sent, 1200);
        long backToBack = at.stream().filter(t -> t == stallEnd).count();
        assertThat(backToBack).isBetween(22L, 23L);
        // 100 ms owed: about 22 ms go at once, the other ~78 ms are made up at 1 ms per 10 ms of sending, so the
        // sender is back on the schedule (block n going at origin + n ms) after about 880 more blocks.
        int onSchedule = -1;
        for (int i = 0; i < at.size(); i++) {
            if (at.get(i) == origin + (100 + i) * MS) {
                onSchedule = i;
                break;
            }
        }
        assertThat(onSchedule).as("first block back on schedule").isBetween(800, 950);
        assertThat(at.getLast()).isEqualTo(origin + 1299 * MS);
    }

    @Test
    void a_sender_slower_than_the_target_gains_no_burst_credit() {
        // Each send takes 2 ms (the CPU cannot do 10 Mbit/s): the pacer never waits, and when the sender speeds up it
        // may burst only the usual 20 ms, not everything it fell behind.
        FakeClock clock = new FakeClock();
        long origin = clock.now;
        RatePacer pacer = clock.pacer(RATE, 1, origin);
        long sent = 0;
        for (int i = 0; i < 500; i++) {
            long before = clock.now;
            pacer.awaitTurn(sent);
            assertThat(clock.now).isEqualTo(before);
            sent += BLOCK;
            clock.now += 2 * MS;
        }
        long fastFrom = clock.now;
        int atOnce = 0;
        while (true) {
            pacer.awaitTurn(sent);
            sent += BLOCK;
            if (clock.now != fastFrom) {
                break;
            }
            atOnce++;
        }
        assertThat(atOnce).isBetween(22, 23);
    }
}
