package io.waddleperf.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waddleperf.core.clock.MonotonicClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FakeClockTest {

    @Test
    void moves_only_when_advanced() {
        FakeClock clock = new FakeClock();
        assertThat(clock.nanos()).isZero();
        assertThat(clock.nanos()).isZero();
        clock.advance(Duration.ofMillis(5));
        assertThat(clock.nanos()).isEqualTo(5_000_000L);
        clock.advanceNanos(250);
        assertThat(clock.nanos()).isEqualTo(5_000_250L);
    }

    @Test
    void measures_intervals_through_the_monotonic_clock_interface() {
        MonotonicClock clock = new FakeClock(Long.MAX_VALUE - 1_000);
        long start = clock.nanos();
        ((FakeClock) clock).advance(Duration.ofMillis(12).plusNanos(500_000));
        // Differences stay right even when the reading wraps past Long.MAX_VALUE, as with System.nanoTime().
        assertThat(clock.millisSince(start)).isEqualTo(12.5);
    }

    @Test
    void refuses_to_go_back() {
        FakeClock clock = new FakeClock(42);
        assertThatThrownBy(() -> clock.advance(Duration.ofNanos(-1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("negative");
        assertThatThrownBy(() -> clock.advanceNanos(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(clock.nanos()).isEqualTo(42);
    }

    @Test
    void concurrent_advances_all_count() throws InterruptedException {
        FakeClock clock = new FakeClock();
        List<Thread> threads = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 10_000; i++) {
                    clock.advanceNanos(1);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(clock.nanos()).isEqualTo(40_000L);
    }
}
