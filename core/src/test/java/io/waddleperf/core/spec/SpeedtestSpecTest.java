package io.waddleperf.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SpeedtestSpecTest {

    @Test
    void speedtest_defaults_are_librespeeds() {
        SpeedtestSpec s = (SpeedtestSpec) TargetParser.parse("speedtest://example.org", ProbeOptions.DEFAULTS);
        assertThat(s.endpoint().port()).isEqualTo(8080);
        assertThat(s.downloadStreams()).isEqualTo(6);
        assertThat(s.uploadStreams()).isEqualTo(3);
        assertThat(s.downloadGrace()).isEqualTo(Duration.ofMillis(1500));
        assertThat(s.uploadGrace()).isEqualTo(Duration.ofSeconds(3));
        assertThat(s.duration()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.librespeed()).isFalse();
    }

    @Test
    void speedtest_options_come_from_the_query() {
        SpeedtestSpec s = (SpeedtestSpec) TargetParser.parse(
                "speedtest://h:81?librespeed=true&path=/backend/&download_streams=2&duration_ms=700", ProbeOptions.DEFAULTS);
        assertThat(s.path()).isEqualTo("/backend");
        assertThat(s.librespeed()).isTrue();
        assertThat(s.downloadStreams()).isEqualTo(2);
        assertThat(s.duration()).isEqualTo(Duration.ofMillis(700));
        assertThatThrownBy(() -> TargetParser.parse("speedtest://h?download_streams=0", ProbeOptions.DEFAULTS))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("download_streams");
        assertThatThrownBy(() -> TargetParser.parse("speedtest://h?path=backend", ProbeOptions.DEFAULTS))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("path");
    }

    @Test
    void rpm_defaults_follow_the_draft() {
        RpmSpec r = (RpmSpec) TargetParser.parse("rpm://example.org:4043", ProbeOptions.DEFAULTS);
        assertThat(r.maxConnections()).isEqualTo(16);
        assertThat(r.movingAverageIntervals()).isEqualTo(4);
        assertThat(r.stabilityPercent()).isEqualTo(5.0);
        assertThat(r.trimmedMeanPercent()).isEqualTo(95.0);
        assertThat(r.direction()).isEqualTo("download");
        assertThatThrownBy(() -> TargetParser.parse("rpm://h?direction=sideways", ProbeOptions.DEFAULTS))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("direction");
    }
}
