package io.waddleperf.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waddleperf.core.result.TestType;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class TargetParserTest {

    @Test
    void scheme_names_the_probe_type_and_defaults_fill_the_rest() {
        assertThat(TargetParser.parse("tcp://example.net:80", ProbeOptions.DEFAULTS)).isInstanceOfSatisfying(TcpSpec.class, s -> {
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
    void a_size_is_refused_by_probes_that_send_nothing_sized_and_kept_by_those_that_do() {
        ProbeOptions sized = new ProbeOptions(null, null, null, 100L, java.util.Map.of());
        for (String target : new String[] {"tcp://h:1", "tls://h", "dns://h/x", "https://h/", "trace://h", "mtr://h",
            "speedtest://h", "rpm://h", "iperf3://h", "tcp-trace://h", "http-trace://h"}) {
            assertThatThrownBy(() -> TargetParser.parse(target, sized)).as(target)
                    .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.field()).isEqualTo("size"))
                    .hasMessageContaining("no size");
        }
        assertThat(((UdpSpec) TargetParser.parse("udp://h", sized)).sizeBytes()).isEqualTo(100);
        assertThat(((IcmpSpec) TargetParser.parse("icmp://h", sized)).sizeBytes()).isEqualTo(100);
        assertThat(TargetParser.parse("udp-raw://h:53", sized)).isInstanceOf(UdpRawSpec.class);
        assertThat(TargetParser.parse("udp-trace://h", sized)).isInstanceOf(ServiceTraceSpec.class);
        assertThat(TargetParser.parse("ssh://h", sized)).isInstanceOf(SshSpec.class);
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

    @Test
    void a_tcp_target_needs_a_port_and_the_error_shows_how_to_write_it() {
        assertThatThrownBy(() -> TargetParser.parse("tcp://127.0.0.1", ProbeOptions.DEFAULTS))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.field()).isEqualTo("port"))
                .hasMessageContaining("tcp://127.0.0.1:PORT");
        assertThatThrownBy(() -> TargetParser.parse("tcp://::1", ProbeOptions.DEFAULTS))
                .hasMessageContaining("tcp://[::1]:PORT");
    }

    /**
     * glibc's inet_aton and curl read 0177.0.0.1 as octal (127.0.0.1) and 127.1 or 2130706433 as 127.0.0.1, the JDK
     * reads the first as 177.0.0.1: a target one tool would reach and another not is refused, not guessed.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"0177.0.0.1", "127.1", "127.0.1", "2130706433",
        "0x7f.0.0.1", "0x7f000001", "127.0.0.01", "1.2.3.04", "00.0.0.0", "0X7F.1", "017700000001"})
    void refuses_legacy_ipv4_forms_that_tools_read_differently(String host) {
        for (String target : List.of("tcp://" + host + ":80", "icmp://" + host, "http://" + host + "/")) {
            assertThatThrownBy(() -> TargetParser.parse(target, ProbeOptions.DEFAULTS))
                    .isInstanceOfSatisfying(InvalidSpecException.class, e -> {
                        assertThat(e.field()).isEqualTo("target");
                        assertThat(e.getMessage()).contains("'" + host + "'").contains("ambiguous")
                                .contains("four decimal numbers");
                    });
        }
        assertThatThrownBy(() -> TargetParser.forType(io.waddleperf.core.result.TestType.ICMP, host, null,
                ProbeOptions.DEFAULTS)).isInstanceOf(InvalidSpecException.class);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"127.0.0.1", "10.0.0.1", "0.0.0.0", "255.255.255.255",
        "192.0.2.10", "example.com", "1password.com", "123.example", "0x.example", "a0177.0.0.1.example"})
    void keeps_dotted_quads_and_names(String host) {
        assertThat(TargetParser.parse("icmp://" + host, ProbeOptions.DEFAULTS).endpoint().host()).isEqualTo(host);
    }

    @Test
    void a_bare_ipv6_literal_is_a_host_without_a_port() {
        assertThat(TargetParser.parse("icmp://::1", ProbeOptions.DEFAULTS).endpoint()).isEqualTo(Endpoint.hostOnly("::1"));
        assertThat(TargetParser.parse("mtu://fe80::1", ProbeOptions.DEFAULTS).endpoint().host()).isEqualTo("fe80::1");
        assertThat(TargetParser.parse("udp://::1", ProbeOptions.DEFAULTS).endpoint()).isEqualTo(new Endpoint("::1", 2000));
        assertThat(TargetParser.parse("udp://[::1]:2001", ProbeOptions.DEFAULTS).endpoint()).isEqualTo(new Endpoint("::1", 2001));
        assertThat(TargetParser.parse("http://::1/x", ProbeOptions.DEFAULTS).endpoint()).isEqualTo(new Endpoint("::1", 80));
        assertThat(TargetParser.parse("dns://::1/example.com", ProbeOptions.DEFAULTS).endpoint().host()).isEqualTo("::1");
        assertThat(TargetParser.forType(TestType.ICMP, "::1", null, ProbeOptions.DEFAULTS).endpoint().host()).isEqualTo("::1");
        assertThat(TargetParser.bracketBareIpv6("tcp://host:80")).isEqualTo("tcp://host:80");
        assertThat(TargetParser.bracketBareIpv6("ssh://me@::1")).isEqualTo("ssh://me@[::1]");
    }

    @Test
    void size_is_bounded_by_each_probe_not_by_the_udp_datagram_limit() {
        ProbeOptions twentyMeg = new ProbeOptions(null, null, null, 20L << 20, null);
        assertThat(((SshSpec) TargetParser.parse("ssh://127.0.0.1", twentyMeg)).uploadBytes()).isEqualTo(20 << 20);
        assertThatThrownBy(() -> TargetParser.parse("udp://127.0.0.1", twentyMeg))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.field()).isEqualTo("size"));
        assertThatThrownBy(() -> TargetParser.parse("udp-raw://127.0.0.1", twentyMeg))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.field()).isEqualTo("size"));
        assertThatThrownBy(() -> TargetParser.parse("icmp://127.0.0.1", twentyMeg))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.field()).isEqualTo("size"));
        assertThatThrownBy(() -> TargetParser.parse("ssh://127.0.0.1?upload_bytes=5",
                new ProbeOptions(null, null, null, 10L, null))).hasMessageContaining("not both");
        assertThatThrownBy(() -> new ProbeOptions(null, null, null, (1L << 30) + 1, null))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.field()).isEqualTo("size"));
    }

    @Test
    void ssh_cipher_is_one_the_probe_can_offer() {
        assertThat(((SshSpec) TargetParser.parse("ssh://127.0.0.1", ProbeOptions.DEFAULTS)).cipher()).isNull();
        SshSpec gcm = (SshSpec) TargetParser.parse("ssh://127.0.0.1?cipher=AES128-GCM@openssh.com", ProbeOptions.DEFAULTS);
        assertThat(gcm.cipher()).isEqualTo("aes128-gcm@openssh.com");
        assertThatThrownBy(() -> TargetParser.parse("ssh://127.0.0.1?cipher=3des-cbc", ProbeOptions.DEFAULTS))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> {
                    assertThat(e.field()).isEqualTo("cipher");
                    assertThat(e.getMessage()).contains("3des-cbc").contains("aes128-ctr");
                });
    }
}
