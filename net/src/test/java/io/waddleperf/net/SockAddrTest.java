package io.waddleperf.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class SockAddrTest {

    @Test
    void encodes_sockaddr_in_with_host_order_family_and_network_order_port() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = SockAddr.encode(new InetSocketAddress(InetAddress.getByName("192.0.2.7"), 0x1234), arena);
            assertThat(s.byteSize()).isEqualTo(16);
            byte[] bytes = s.toArray(ValueLayout.JAVA_BYTE);
            // Little-endian hosts (x86-64, aarch64 Linux): AF_INET = 2 as 02 00.
            assertThat(bytes).containsExactly(2, 0, 0x12, 0x34, (byte) 192, 0, 2, 7, 0, 0, 0, 0, 0, 0, 0, 0);
        }
    }

    @Test
    void encodes_sockaddr_in6_with_scope_id() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            Inet6Address ip = Inet6Address.getByAddress(null, InetAddress.getByName("fe80::1").getAddress(), 3);
            MemorySegment s = SockAddr.encode(new InetSocketAddress(ip, 53), arena);
            byte[] bytes = s.toArray(ValueLayout.JAVA_BYTE);
            assertThat(s.byteSize()).isEqualTo(28);
            assertThat(bytes[0]).isEqualTo((byte) 10);
            assertThat(bytes[3]).isEqualTo((byte) 53);
            assertThat(bytes[8]).isEqualTo((byte) 0xfe);
            assertThat(bytes[23]).isEqualTo((byte) 1);
            assertThat(bytes[24]).isEqualTo((byte) 3);
            assertThat(SockAddr.decode(s, 28)).isEqualTo(new InetSocketAddress(ip, 53));
        }
    }

    @Property(tries = 200)
    void ipv4_round_trips(@ForAll @Size(4) byte[] ip, @ForAll @IntRange(min = 0, max = 65535) int port) throws Exception {
        InetSocketAddress address = new InetSocketAddress(InetAddress.getByAddress(ip), port);
        try (Arena arena = Arena.ofConfined()) {
            assertThat(SockAddr.decode(SockAddr.encode(address, arena), 16)).isEqualTo(address);
        }
    }

    @Property(tries = 200)
    void ipv6_round_trips(@ForAll @Size(16) byte[] ip, @ForAll @IntRange(min = 0, max = 65535) int port) throws Exception {
        InetAddress address = InetAddress.getByAddress(ip);
        // Java maps ::ffff:a.b.c.d to an Inet4Address; those encode as sockaddr_in, so they round-trip as IPv4.
        InetSocketAddress socketAddress = new InetSocketAddress(address, port);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = SockAddr.encode(socketAddress, arena);
            assertThat(SockAddr.decode(s, s.byteSize())).isEqualTo(socketAddress);
        }
    }

    @Test
    void rejects_unknown_families_and_short_lengths() {
        MemorySegment s = MemorySegment.ofArray(new byte[16]);
        s.set(ValueLayout.JAVA_SHORT_UNALIGNED, 0, (short) 1); // AF_UNIX
        assertThatThrownBy(() -> SockAddr.decode(s, 16)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("family 1");
        s.set(ValueLayout.JAVA_SHORT_UNALIGNED, 0, (short) 10);
        assertThatThrownBy(() -> SockAddr.decode(s, 16)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("16 bytes");
    }
}
