package io.waddleperf.net;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;

/**
 * Encodes and decodes {@code struct sockaddr_in} (16 bytes: family, port, address, 8 zero bytes; ip(7)) and
 * {@code struct sockaddr_in6} (28 bytes: family, port, flow info, address, scope id; ipv6(7)). The family and scope
 * id are in host byte order, port and flow info in network byte order (big-endian).
 */
public final class SockAddr {

    public static final int SOCKADDR_IN_BYTES = 16;
    public static final int SOCKADDR_IN6_BYTES = 28;
    /** {@code sizeof(struct sockaddr_storage)}: room for any address family. */
    public static final int STORAGE_BYTES = 128;

    private static final ValueLayout.OfShort PORT = JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private SockAddr() {
    }

    /** A zeroed native {@code sockaddr_in} or {@code sockaddr_in6} for {@code address}. */
    public static MemorySegment encode(InetSocketAddress address, SegmentAllocator allocator) {
        InetAddress ip = address.getAddress();
        if (ip == null) {
            throw new IllegalArgumentException("unresolved address " + address);
        }
        if (ip instanceof Inet4Address) {
            MemorySegment s = allocator.allocate(SOCKADDR_IN_BYTES, 4).fill((byte) 0);
            s.set(JAVA_SHORT_UNALIGNED, 0, (short) LinuxNet.AF_INET);
            s.set(PORT, 2, (short) address.getPort());
            MemorySegment.copy(ip.getAddress(), 0, s, JAVA_BYTE, 4, 4);
            return s;
        }
        Inet6Address ip6 = (Inet6Address) ip;
        MemorySegment s = allocator.allocate(SOCKADDR_IN6_BYTES, 4).fill((byte) 0);
        s.set(JAVA_SHORT_UNALIGNED, 0, (short) LinuxNet.AF_INET6);
        s.set(PORT, 2, (short) address.getPort());
        MemorySegment.copy(ip6.getAddress(), 0, s, JAVA_BYTE, 8, 16);
        s.set(JAVA_INT_UNALIGNED, 24, ip6.getScopeId());
        return s;
    }

    /** The address family ({@code AF_INET}/{@code AF_INET6}) stored at the start of a sockaddr. */
    public static int family(MemorySegment sockaddr) {
        return sockaddr.get(JAVA_SHORT_UNALIGNED, 0) & 0xFFFF;
    }

    /**
     * Decodes the first {@code length} bytes of a sockaddr.
     *
     * @throws IllegalArgumentException for another family or a length too short for the family
     */
    public static InetSocketAddress decode(MemorySegment sockaddr, long length) {
        int family = length < 2 ? -1 : family(sockaddr);
        try {
            if (family == LinuxNet.AF_INET && length >= SOCKADDR_IN_BYTES) {
                byte[] ip = sockaddr.asSlice(4, 4).toArray(JAVA_BYTE);
                return new InetSocketAddress(InetAddress.getByAddress(ip), sockaddr.get(PORT, 2) & 0xFFFF);
            }
            if (family == LinuxNet.AF_INET6 && length >= SOCKADDR_IN6_BYTES) {
                byte[] ip = sockaddr.asSlice(8, 16).toArray(JAVA_BYTE);
                int scope = sockaddr.get(JAVA_INT_UNALIGNED, 24);
                InetAddress address = scope == 0 ? InetAddress.getByAddress(ip) : Inet6Address.getByAddress(null, ip, scope);
                return new InetSocketAddress(address, sockaddr.get(PORT, 2) & 0xFFFF);
            }
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("bad address bytes", e); // only thrown for a wrong array length
        }
        throw new IllegalArgumentException("not an AF_INET/AF_INET6 sockaddr of " + length + " bytes (family " + family + ")");
    }
}
