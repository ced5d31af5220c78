package io.waddleperf.core.address;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class CidrTest {

    @Test
    void matches_addresses_inside_the_block_only() {
        Cidr block = Cidr.parse("172.16.0.0/12");
        assertThat(block.contains(InetAddress.ofLiteral("172.31.1.1"))).isTrue();
        assertThat(block.contains(InetAddress.ofLiteral("172.32.0.0"))).isFalse();
        assertThat(block.contains(InetAddress.ofLiteral("::ffff:172.16.0.1"))).as("mapped literal reads as IPv4").isTrue();
    }

    @Test
    void never_matches_the_other_address_family() {
        assertThat(Cidr.parse("::/0").contains(InetAddress.ofLiteral("10.0.0.1"))).isFalse();
        assertThat(Cidr.parse("0.0.0.0/0").contains(InetAddress.ofLiteral("2001:db8::1"))).isFalse();
    }

    @Test
    void normalises_host_bits_and_treats_a_bare_address_as_one_host() {
        assertThat(Cidr.parse("10.1.2.3/8")).isEqualTo(Cidr.parse("10.0.0.0/8"));
        assertThat(Cidr.parse("10.1.2.3/8")).hasToString("10.0.0.0/8");
        assertThat(Cidr.parse("2001:db8::1").contains(InetAddress.ofLiteral("2001:db8::2"))).isFalse();
        assertThat(Cidr.parse("fe80::/10").contains(InetAddress.ofLiteral("febf:ffff::1"))).isTrue();
    }

    @Test
    void refuses_malformed_blocks_without_a_dns_lookup() {
        assertThatThrownBy(() -> Cidr.parse("example.com/8")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).hasMessageContaining("prefix length");
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/x")).hasMessageContaining("prefix");
        assertThatThrownBy(() -> Cidr.parse(" ")).isInstanceOf(IllegalArgumentException.class);
    }
}
