package io.waddleperf.core.address;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClientAddressTest {

    private final ClientAddress behindProxy = new ClientAddress(List.of("10.0.0.0/8", "::1"));

    @Test
    void uses_the_peer_when_no_proxy_is_trusted() {
        ClientAddress direct = new ClientAddress(List.of());
        assertThat(direct.resolve("203.0.113.5", List.of("198.51.100.1"))).isEqualTo("203.0.113.5");
    }

    @Test
    void ignores_forwarded_for_from_an_untrusted_peer() {
        assertThat(behindProxy.resolve("203.0.113.5", List.of("198.51.100.1"))).isEqualTo("203.0.113.5");
    }

    @Test
    void takes_the_right_most_untrusted_hop_never_the_whole_header() {
        assertThat(behindProxy.resolve("10.0.0.1", List.of("1.2.3.4, 198.51.100.7, 10.0.0.9"))).isEqualTo("198.51.100.7");
        assertThat(behindProxy.resolve("::1", List.of("1.2.3.4", "198.51.100.7"))).isEqualTo("198.51.100.7");
    }

    @Test
    void stops_at_a_malformed_hop() {
        assertThat(behindProxy.resolve("10.0.0.1", List.of("198.51.100.7, garbage, 10.0.0.2"))).isEqualTo("10.0.0.2");
    }

    @Test
    void uses_the_left_most_hop_when_every_hop_is_a_trusted_proxy() {
        assertThat(behindProxy.resolve("10.0.0.1", List.of("10.0.0.3, 10.0.0.2"))).isEqualTo("10.0.0.3");
        assertThat(behindProxy.resolve("10.0.0.1", List.of())).isEqualTo("10.0.0.1");
    }

    @Test
    void says_which_peers_are_trusted_proxies() {
        assertThat(behindProxy.isTrustedProxy("10.1.2.3")).isTrue();
        assertThat(behindProxy.isTrustedProxy("0:0:0:0:0:0:0:1")).isTrue();
        assertThat(behindProxy.isTrustedProxy("11.0.0.1")).isFalse();
        assertThat(behindProxy.isTrustedProxy("not an address")).isFalse();
        assertThat(new ClientAddress(List.of()).isTrustedProxy("10.1.2.3")).isFalse();
    }
}
