package io.waddleperf.manager.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DeviceStatusTest {

    private static final Instant NOW = Instant.parse("2026-05-01T12:00:00Z");

    private static DeviceStatus aged(Duration age) {
        return DeviceStatus.of(NOW.minus(age), NOW);
    }

    @Test
    void buckets_are_under_5_minutes_under_an_hour_under_a_day_and_beyond() {
        assertThat(DeviceStatus.of(null, NOW)).isEqualTo(DeviceStatus.NEVER);
        assertThat(aged(Duration.ZERO)).isEqualTo(DeviceStatus.ONLINE);
        assertThat(aged(Duration.ofSeconds(-30))).as("a clock ahead of ours").isEqualTo(DeviceStatus.ONLINE);
        assertThat(aged(Duration.ofMinutes(5).minusNanos(1000))).isEqualTo(DeviceStatus.ONLINE);
        assertThat(aged(Duration.ofMinutes(5))).isEqualTo(DeviceStatus.RECENT);
        assertThat(aged(Duration.ofMinutes(59))).isEqualTo(DeviceStatus.RECENT);
        assertThat(aged(Duration.ofMinutes(60))).isEqualTo(DeviceStatus.OFFLINE);
        assertThat(aged(Duration.ofHours(23).plusMinutes(59))).isEqualTo(DeviceStatus.OFFLINE);
        assertThat(aged(Duration.ofHours(24))).isEqualTo(DeviceStatus.STALE);
        assertThat(aged(Duration.ofDays(400))).isEqualTo(DeviceStatus.STALE);
    }

    @Test
    void external_names_parse_back() {
        for (DeviceStatus s : DeviceStatus.values()) {
            assertThat(DeviceStatus.parse(s.externalName())).contains(s);
        }
        assertThat(DeviceStatus.parse("ONLINE")).isEmpty();
    }
}
