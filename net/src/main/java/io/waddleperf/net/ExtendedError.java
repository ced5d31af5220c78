package io.waddleperf.net;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;

import java.lang.foreign.MemorySegment;
import java.net.InetAddress;

/**
 * A {@code struct sock_extended_err} from the socket error queue (ip(7) {@code IP_RECVERR}, ipv6(7)
 * {@code IPV6_RECVERR}; linux/errqueue.h): {@code u32 ee_errno; u8 ee_origin, ee_type, ee_code, ee_pad;
 * u32 ee_info, ee_data;} (16 bytes) followed by the offender's sockaddr ({@code SO_EE_OFFENDER}).
 *
 * @param errno the error as an errno (e.g. EHOSTUNREACH, EMSGSIZE)
 * @param origin {@code SO_EE_ORIGIN_*}: who reported it (local stack, ICMP, ICMPv6)
 * @param icmpType ICMP type (RFC 792: 3 unreachable, 11 time exceeded; RFC 4443: 1, 2 packet too big, 3)
 * @param icmpCode ICMP code (RFC 792: code 4 with type 3 is fragmentation needed)
 * @param info the next-hop MTU for fragmentation needed / packet too big (RFC 1191, RFC 4443 §3.2), else 0
 * @param offender the address of the node that sent the ICMP message, or null (local errors)
 */
public record ExtendedError(int errno, int origin, int icmpType, int icmpCode, int info, InetAddress offender) {

    static final int STRUCT_BYTES = 16;

    /** True if an ICMP or ICMPv6 message caused this error (as opposed to the local stack). */
    public boolean fromIcmp() {
        return origin == LinuxNet.SO_EE_ORIGIN_ICMP || origin == LinuxNet.SO_EE_ORIGIN_ICMP6;
    }

    /** Parses the data of an {@code IP_RECVERR} / {@code IPV6_RECVERR} control message. */
    public static ExtendedError parse(byte[] data) {
        if (data.length < STRUCT_BYTES) {
            throw new IllegalArgumentException("sock_extended_err needs " + STRUCT_BYTES + " bytes, got " + data.length);
        }
        MemorySegment s = MemorySegment.ofArray(data);
        InetAddress offender = null;
        if (data.length >= STRUCT_BYTES + 2) {
            MemorySegment address = s.asSlice(STRUCT_BYTES);
            int family = SockAddr.family(address);
            if (family == LinuxNet.AF_INET || family == LinuxNet.AF_INET6) {
                offender = SockAddr.decode(address, address.byteSize()).getAddress();
            }
        }
        return new ExtendedError(s.get(JAVA_INT_UNALIGNED, 0), s.get(JAVA_BYTE, 4) & 0xFF, s.get(JAVA_BYTE, 5) & 0xFF,
                s.get(JAVA_BYTE, 6) & 0xFF, s.get(JAVA_INT_UNALIGNED, 8), offender);
    }
}
