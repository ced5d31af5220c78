package io.waddleperf.testserver.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.testkit.FakeClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ByteBudgetTest {

    private final FakeClock clock = new FakeClock(1_000_000_000L);
    /** 600 bytes per 10 minutes: one byte a second. */
    private final ByteBudget budget = new ByteBudget(600, Duration.ofMinutes(10), clock);

    @Test
    void starts_full_and_refills_over_the_window() {
        assertThat(budget.available("a")).isEqualTo(600);
        budget.take("a", 500);
        assertThat(budget.available("a")).isEqualTo(100);
        clock.advance(Duration.ofSeconds(50));
        assertThat(budget.available("a")).isEqualTo(150);
        clock.advance(Duration.ofHours(1));
        assertThat(budget.available("a")).as("never above the window's bytes").isEqualTo(600);
    }

    @Test
    void an_overdraft_is_paid_back_before_anything_is_available() {
        budget.take("a", 700);
        assertThat(budget.available("a")).isEqualTo(-100);
        assertThat(budget.untilAvailable("a", 64)).isEqualTo(Duration.ofSeconds(164));
        budget.giveBack("a", 1_000);
        assertThat(budget.available("a")).isEqualTo(600);
        assertThat(budget.untilAvailable("a", 64)).isZero();
    }

    @Test
    void keys_have_separate_budgets_and_full_ones_are_forgotten() {
        budget.take("a", 600);
        for (int i = 0; i <= ByteBudget.SWEEP_THRESHOLD; i++) {
            budget.available("idle-" + i);
        }
        clock.advance(Duration.ofSeconds(2));
        budget.available("newcomer");
        assertThat(budget.trackedKeys()).isLessThan(10);
        assertThat(budget.available("a")).as("a spent key is kept").isEqualTo(2);
    }
}
