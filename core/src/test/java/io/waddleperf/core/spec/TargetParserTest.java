package io.waddleperf.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waddleperf.core.result.TestType;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TargetParserTest {

    @Test
    void scheme_names_the_probe_type_and_defaults_fill_the_rest() {
        assertThat(TargetParser.parse("tcp://example.net", ProbeOptions.DEFAULTS)).isInstanceOfSatisfying(TcpSpec.class, s -> {
            assertThat(s.endpoint()).isEqualTo(new Endpoint("example.net", 80));
            assertThat(s.count()).isEqualTo(1);
            assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(10));
        });
        assertThat(TargetParser.parse("udp://[::1]", ProbeOptions.DEFAULTS).endpoint()).isEqualTo(new Endpoint("::1", 2000));
        assertThat(TargetParser.parse("https://h.example/x?q=1", ProbeOptions.DEFAULTS).endpoint().port()).isEqualTo(443);
    }

    @Test
    void test_api_form_takes_a_bare_host_and_an_explicit_port() {
        ProbeSpec s = TargetParser.forType(TestType.TCP, "10.0.0.1", 8443, ProbeOptions.DEFAULTS);
        assertThat(s.endpoint()).isEqualTo(new Endpoint("10.0.0.1", 8443));
        assertThat(TargetParser.forType(TestType.TCP, "10.0.0.1:22", null, ProbeOptions.DEFAULTS).endpoint().port()).isEqualTo(22);
    }

    @Test
    void secrets_in_the_target_reach_the_spec_but_not_the_shown_target() {
        UdpSpec ok = (UdpSpec) TargetParser.parse("udp://127.0.0.1?token=hunter2hunter2hunter2", ProbeOptions.DEFAULTS);
        assertThat(ok.token()).isEqualTo("hunter2hunter2hunter2");
        assertThat(ok.target()).isEqualTo("udp://127.0.0.1?token=***").doesNotContain("hunter2");
    }

    @Test
    void unknown_options_are_refused_by_name() {
        assertThatThrownBy(() -> TargetParser.parse("udp://127.0.0.1?colour=blue", ProbeOptions.DEFAULTS))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.field()).isEqualTo("colour"));
    }

    @Test
    void nonsense_is_refused_with_the_field_named() {
        assertThatThrownBy(() -> TargetParser.parse("nonsense", ProbeOptions.DEFAULTS))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.field()).isEqualTo("target"));
        assertThatThrownBy(() -> TargetParser.parse("tcp://host:70000", ProbeOptions.DEFAULTS))
                .isInstanceOf(InvalidSpecException.class);
        assertThatThrownBy(() -> TargetParser.forType(TestType.TCP, "h", 0, ProbeOptions.DEFAULTS))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.field()).isEqualTo("port"));
        assertThatThrownBy(() -> TargetParser.parse("tcp://" + "a".repeat(300), ProbeOptions.DEFAULTS))
                .hasMessageContaining("255");
    }
}
