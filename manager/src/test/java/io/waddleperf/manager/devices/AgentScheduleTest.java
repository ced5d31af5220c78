package io.waddleperf.manager.devices;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waddleperf.core.result.UuidV7;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class AgentScheduleTest {

    @Test
    void each_device_keeps_one_factor_within_15_percent_and_a_fleet_spreads_over_the_whole_band() {
        List<Double> factors = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            UUID id = UuidV7.next(); // consecutive ids, as a burst of enrolments makes them
            double f = AgentSchedule.factor(id);
            assertThat(AgentSchedule.factor(new UUID(id.getMostSignificantBits(), id.getLeastSignificantBits())))
                    .isEqualTo(f);
            factors.add(f);
        }
        assertThat(factors).allMatch(f -> f >= 0.85 && f <= 1.15);
        // uniform over the band: every tenth of it holds about a tenth of the fleet
        int[] bins = new int[10];
        factors.forEach(f -> bins[Math.min(9, (int) ((f - 0.85) / 0.03))]++);
        for (int n : bins) {
            assertThat(n).isBetween(800, 1200);
        }
        assertThat(factors.stream().mapToDouble(Double::doubleValue).average().orElseThrow()).isBetween(0.99, 1.01);
    }

    @Test
    void a_device_interval_is_the_configured_one_times_its_factor_to_the_millisecond() {
        UUID id = UUID.fromString("01936f3e-0000-7000-8000-000000000001");
        Duration d = AgentSchedule.interval(Duration.ofSeconds(300), id);
        assertThat(d.toMillis()).isEqualTo(Math.round(300_000 * AgentSchedule.factor(id)));
        assertThat(d).isBetween(Duration.ofSeconds(255), Duration.ofSeconds(345));
    }

    @Test
    void rechecks_fall_anywhere_in_the_window_and_only_there() {
        AgentSchedule s = new AgentSchedule(Duration.ofMinutes(30), Duration.ofMinutes(60));
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 20_000; i++) {
            Duration r = s.nextRecheck();
            assertThat(r).isBetween(Duration.ofMinutes(30), Duration.ofMinutes(60));
            seen.add(r.toMinutes());
        }
        assertThat(seen).as("whole minutes drawn").hasSize(31);
        assertThat(new AgentSchedule(Duration.ofMinutes(5), Duration.ofMinutes(5)).nextRecheck())
                .isEqualTo(Duration.ofMinutes(5));
        assertThatThrownBy(() -> new AgentSchedule(Duration.ofMinutes(6), Duration.ofMinutes(5)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
