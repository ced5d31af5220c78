package io.waddleperf.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Control-message and sock_extended_err parsing from hand-made buffers laid out as the LP64 kernel writes them. */
class ControlMessageTest {

    /** Appends one cmsghdr (size_t len, int level, int type) + data, padded to 8 bytes as CMSG_SPACE does. */
    private static void cmsg(ByteBuffer b, int level, int type, byte[] data) {
        int start = b.position();
        b.putLong(16 + data.length).putInt(level).putInt(type).put(data);
        while ((b.position() - start) % 8 != 0) {
            b.put((byte) 0);
        }
    }

    private static byte[] intBytes(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(v).array();
    }

    private static byte[] extendedError(int errno, int origin, int type, int code, int info, byte[] offenderSockaddr) {
        ByteBuffer b = ByteBuffer.allocate(16 + offenderSockaddr.length).order(ByteOrder.nativeOrder());
        b.putInt(errno).put((byte) origin).put((byte) type).put((byte) code).put((byte) 0).putInt(info).putInt(0);
        b.put(offenderSockaddr);
        return b.array();
    }

    private static byte[] sockaddrIn(int a, int b, int c, int d) {
        ByteBuffer s = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
        s.putShort((short) LinuxNet.AF_INET).put((byte) 0).put((byte) 0).put(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
        return s.array();
    }

    @Test
    void parses_ttl_and_frag_needed_error_with_next_hop_mtu_and_offender() throws Exception {
        ByteBuffer b = ByteBuffer.allocate(256).order(ByteOrder.nativeOrder());
        cmsg(b, LinuxNet.IPPROTO_IP, LinuxNet.IP_TTL, intBytes(63));
        // RFC 792 / RFC 1191: type 3 code 4 "fragmentation needed and DF set", next-hop MTU 1400 in ee_info.
        cmsg(b, LinuxNet.IPPROTO_IP, LinuxNet.IP_RECVERR,
                extendedError(Errno.EMSGSIZE, LinuxNet.SO_EE_ORIGIN_ICMP, 3, 4, 1400, sockaddrIn(10, 0, 0, 2)));
        int length = b.position();

        List<ControlMessage> messages = ControlMessage.parse(MemorySegment.ofArray(b.array()), length);

        assertThat(messages).hasSize(2);
        assertThat(messages.get(0).is(LinuxNet.IPPROTO_IP, LinuxNet.IP_TTL)).isTrue();
        assertThat(messages.get(0).intValue()).isEqualTo(63);
        Datagram d = new Datagram(new byte[0], null, messages, LinuxNet.MSG_ERRQUEUE);
        ExtendedError e = d.extendedError();
        assertThat(e).isEqualTo(new ExtendedError(Errno.EMSGSIZE, LinuxNet.SO_EE_ORIGIN_ICMP, 3, 4, 1400,
                InetAddress.getByName("10.0.0.2")));
        assertThat(e.fromIcmp()).isTrue();
    }

    @Test
    void parses_icmpv6_time_exceeded_with_ipv6_offender() throws Exception {
        ByteBuffer sa = ByteBuffer.allocate(28).order(ByteOrder.nativeOrder());
        sa.putShort((short) LinuxNet.AF_INET6).putShort((short) 0).putInt(0).put(InetAddress.getByName("2001:db8::1").getAddress()).putInt(0);
        ByteBuffer b = ByteBuffer.allocate(128).order(ByteOrder.nativeOrder());
        // RFC 4443 §3.3: type 3 time exceeded, code 0 hop limit exceeded in transit.
        cmsg(b, LinuxNet.IPPROTO_IPV6, LinuxNet.IPV6_RECVERR,
                extendedError(Errno.EHOSTUNREACH, LinuxNet.SO_EE_ORIGIN_ICMP6, 3, 0, 0, sa.array()));
        List<ControlMessage> messages = ControlMessage.parse(MemorySegment.ofArray(b.array()), b.position());
        ExtendedError e = new Datagram(new byte[0], null, messages, 0).extendedError();
        assertThat(e.origin()).isEqualTo(LinuxNet.SO_EE_ORIGIN_ICMP6);
        assertThat(e.icmpType()).isEqualTo(3);
        assertThat(e.offender()).isEqualTo(InetAddress.getByName("2001:db8::1"));
    }

    @Test
    void local_errors_have_no_offender() {
        byte[] unspecified = new byte[16]; // SO_EE_OFFENDER with AF_UNSPEC
        ExtendedError e = ExtendedError.parse(extendedError(Errno.EMSGSIZE, LinuxNet.SO_EE_ORIGIN_LOCAL, 0, 0, 1280, unspecified));
        assertThat(e.offender()).isNull();
        assertThat(e.info()).isEqualTo(1280);
        assertThat(e.fromIcmp()).isFalse();
    }

    @Test
    void stops_at_truncated_or_malformed_headers() {
        ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.nativeOrder());
        cmsg(b, LinuxNet.IPPROTO_IPV6, LinuxNet.IPV6_HOPLIMIT, intBytes(64));
        int good = b.position();
        b.putLong(200).putInt(0).putInt(0); // claims more bytes than the buffer holds (MSG_CTRUNC case)
        List<ControlMessage> messages = ControlMessage.parse(MemorySegment.ofArray(b.array()), b.position());
        assertThat(messages).singleElement().satisfies(m -> assertThat(m.intValue()).isEqualTo(64));
        assertThat(ControlMessage.parse(MemorySegment.ofArray(b.array()), good - 5)).isEmpty(); // one byte short of cmsg_len 20
        MemorySegment zeroLength = MemorySegment.ofArray(new byte[32]);
        assertThat(ControlMessage.parse(zeroLength, 32)).isEmpty();
        assertThat(zeroLength.get(ValueLayout.JAVA_BYTE, 0)).isZero();
    }
}
