package io.waddleperf.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UdpSpecTest {

    private static ProbeOptions size(long bytes, Map<String, String> params) {
        return new ProbeOptions(null, null, null, bytes, params);
    }

    @Test
    void defaults_to_ten_datagrams_of_64_bytes_every_100_ms_on_port_2000() {
        UdpSpec s = (UdpSpec) TargetParser.parse("udp://echo.example", ProbeOptions.DEFAULTS);
        assertThat(s.endpoint().port()).isEqualTo(2000);
        assertThat(s.count()).isEqualTo(10);
        assertThat(s.sizeBytes()).isEqualTo(64);
        assertThat(s.interval()).isEqualTo(Duration.ofMillis(100));
        assertThat(s.token()).isNull();
    }

    @Test
    void refuses_datagrams_too_small_for_the_echo_header() {
        assertThat(UdpSpec.of("t", "h", null, size(40, Map.of())).sizeBytes()).isEqualTo(40);
        assertThatThrownBy(() -> UdpSpec.of("t", "h", null, size(39, Map.of())))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.field()).isEqualTo("size"));
    }

    @Test
    void needs_room_for_the_mac_when_a_token_is_given() {
        assertThat(UdpSpec.of("t", "h", null, size(60, Map.of("token", "k"))).token()).isEqualTo("k");
        assertThatThrownBy(() -> UdpSpec.of("t", "h", null, size(59, Map.of("token", "k"))))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.field()).isEqualTo("size"));
        assertThatThrownBy(() -> UdpSpec.of("t", "h", null, size(64, Map.of("token", ""))))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.field()).isEqualTo("token"));
    }
}
