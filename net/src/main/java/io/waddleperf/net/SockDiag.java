package io.waddleperf.net;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads a TCP connection's {@code struct tcp_info} and congestion control name the way {@code ss -ti} does, through
 * the kernel's socket diagnostics over netlink ({@code sock_diag(7)}): one {@code SOCK_DIAG_BY_FAMILY} request with a
 * {@code struct inet_diag_req_v2} naming the exact four-tuple and no cookie ({@code INET_DIAG_NOCOOKIE}), which the
 * kernel answers with one {@code struct inet_diag_msg} plus attributes, {@code INET_DIAG_INFO} carrying
 * {@code tcp_info} and {@code INET_DIAG_CONG} the algorithm's NUL-terminated name — or, when no such connection
 * exists, with the listening socket of the local port or an {@code NLMSG_ERROR} ({@code ENOENT}). This needs no file descriptor of the connection (a
 * {@code SocketChannel} hides it) and no privileges.
 *
 * <p>Layouts from {@code linux/netlink.h}, {@code linux/sock_diag.h}, {@code linux/inet_diag.h} and
 * {@code linux/tcp.h} (offsets checked with {@code offsetof} against the UAPI headers): {@code nlmsghdr} 16 bytes,
 * {@code inet_diag_req_v2} 56, {@code inet_diag_sockid} 48, {@code inet_diag_msg} 72, {@code rtattr} 4 aligned to 4.
 * Netlink headers and {@code tcp_info} are in host byte order, ports and addresses in network byte order. The
 * lookup runs in the calling thread's network namespace.
 */
public final class SockDiag {

    static final int NLMSG_HDR_BYTES = 16;
    static final int REQ_V2_BYTES = 56;
    static final int DIAG_MSG_BYTES = 72;
    static final int REQUEST_BYTES = NLMSG_HDR_BYTES + REQ_V2_BYTES;
    static final int SOCK_DIAG_BY_FAMILY = 20;
    /** {@code INET_DIAG_INFO}, the attribute carrying {@code struct tcp_info}; requested as bit {@code 1 << (2-1)}. */
    static final int INET_DIAG_INFO = 2;
    /**
     * {@code INET_DIAG_CONG}, the attribute carrying the congestion control's name as a NUL-terminated string;
     * requested as bit {@code 1 << (4-1)}.
     */
    static final int INET_DIAG_CONG = 4;
    /** {@code idiag_ext}: the attributes asked for. */
    static final int EXTENSIONS = (1 << (INET_DIAG_INFO - 1)) | (1 << (INET_DIAG_CONG - 1));
    static final int INET_DIAG_NOCOOKIE = 0xFFFFFFFF;
    static final int ALL_STATES = 0xFFFFFFFF;

    // struct tcp_info offsets (linux/tcp.h).
    static final int TCPI_SND_MSS = 16;
    static final int TCPI_PMTU = 60;
    static final int TCPI_RTT = 68;
    static final int TCPI_RTTVAR = 72;
    static final int TCPI_SND_CWND = 80;
    static final int TCPI_TOTAL_RETRANS = 100;
    static final int TCPI_SND_WND = 228;
    /** The shortest {@code tcp_info} with every field read here but {@code tcpi_snd_wnd} (through total_retrans). */
    static final int TCP_INFO_MIN_BYTES = TCPI_TOTAL_RETRANS + 4;

    private static final ValueLayout.OfShort NET_SHORT = JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(1);
    private static final int REPLY_BYTES = 8192;
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private SockDiag() {
    }

    /**
     * The {@code tcp_info} figures and congestion control of the TCP connection from {@code local} to {@code remote}
     * in family {@code family}
     * ({@code AF_INET} or {@code AF_INET6}; IPv4 addresses asked for in {@code AF_INET6} are sent IPv4-mapped).
     * Empty when the kernel knows no such connection.
     *
     * @throws NativeException when the netlink socket cannot be used or the kernel refuses the request otherwise
     */
    public static Optional<TcpInfo> tcpInfo(int family, InetSocketAddress local, InetSocketAddress remote)
            throws NativeException {
        int seq = SEQUENCE.incrementAndGet();
        try (Arena arena = Arena.ofConfined();
                NativeSocket socket = NativeSocket.open(LinuxNet.AF_NETLINK, LinuxNet.SOCK_DGRAM,
                        LinuxNet.NETLINK_SOCK_DIAG)) {
            MemorySegment request = arena.allocate(REQUEST_BYTES, 8);
            encodeRequest(request, seq, family, local, remote);
            // struct sockaddr_nl { sa_family_t nl_family; unsigned short nl_pad; __u32 nl_pid; __u32 nl_groups; }:
            // pid 0 is the kernel.
            MemorySegment kernel = arena.allocate(12, 4).fill((byte) 0);
            kernel.set(JAVA_SHORT_UNALIGNED, 0, (short) LinuxNet.AF_NETLINK);
            Libc.sendto(socket.fd(), request, 0, kernel);
            MemorySegment reply = arena.allocate(REPLY_BYTES, 8);
            MemorySegment from = arena.allocate(12, 4);
            while (true) {
                if ((socket.poll(LinuxNet.POLLIN, REPLY_TIMEOUT) & LinuxNet.POLLIN) == 0) {
                    throw new NativeException("sock_diag reply", Errno.ETIMEDOUT);
                }
                long n = Libc.recvfrom(socket.fd(), reply, LinuxNet.MSG_DONTWAIT, from);
                Reply r = decodeReply(reply, n, seq, local.getPort(), remote.getPort());
                if (r.done()) {
                    return r.stats();
                }
            }
        }
    }

    /**
     * As {@link #tcpInfo(int, InetSocketAddress, InetSocketAddress)} for the two ends of a Java socket, which is often a
     * dual-stack {@code AF_INET6} socket even for an IPv4 peer (the JDK then reports plain IPv4 addresses): an IPv4
     * pair is asked for as {@code AF_INET} — the kernel's exact lookup finds IPv4-mapped sockets there too — and,
     * should that find nothing, once more as IPv4-mapped {@code AF_INET6}.
     */
    public static Optional<TcpInfo> tcpInfoOfJavaSocket(InetSocketAddress local, InetSocketAddress remote)
            throws NativeException {
        boolean v4 = local.getAddress() instanceof Inet4Address && remote.getAddress() instanceof Inet4Address;
        Optional<TcpInfo> info = tcpInfo(v4 ? LinuxNet.AF_INET : LinuxNet.AF_INET6, local, remote);
        if (info.isEmpty() && v4) {
            info = tcpInfo(LinuxNet.AF_INET6, local, remote);
        }
        return info;
    }

    /**
     * Writes the 72-byte request: {@code nlmsghdr} (length, type {@code SOCK_DIAG_BY_FAMILY}, {@code NLM_F_REQUEST},
     * sequence, port id 0) and {@code inet_diag_req_v2} (family, {@code IPPROTO_TCP}, {@code INET_DIAG_INFO} and
     * {@code INET_DIAG_CONG} wanted, all states, the socket id with no interface and no cookie).
     */
    static void encodeRequest(MemorySegment s, int seq, int family, InetSocketAddress local,
            InetSocketAddress remote) {
        s.asSlice(0, REQUEST_BYTES).fill((byte) 0);
        s.set(JAVA_INT_UNALIGNED, 0, REQUEST_BYTES);
        s.set(JAVA_SHORT_UNALIGNED, 4, (short) SOCK_DIAG_BY_FAMILY);
        s.set(JAVA_SHORT_UNALIGNED, 6, (short) LinuxNet.NLM_F_REQUEST);
        s.set(JAVA_INT_UNALIGNED, 8, seq);
        long r = NLMSG_HDR_BYTES;
        s.set(JAVA_BYTE, r, (byte) family);
        s.set(JAVA_BYTE, r + 1, (byte) LinuxNet.IPPROTO_TCP);
        s.set(JAVA_BYTE, r + 2, (byte) EXTENSIONS);
        s.set(JAVA_INT_UNALIGNED, r + 4, ALL_STATES);
        long id = r + 8; // struct inet_diag_sockid
        s.set(NET_SHORT, id, (short) local.getPort());
        s.set(NET_SHORT, id + 2, (short) remote.getPort());
        int addressBytes = family == LinuxNet.AF_INET ? 4 : 16;
        MemorySegment.copy(address(family, local.getAddress()), 0, s, JAVA_BYTE, id + 4, addressBytes);
        MemorySegment.copy(address(family, remote.getAddress()), 0, s, JAVA_BYTE, id + 20, addressBytes);
        s.set(JAVA_INT_UNALIGNED, id + 36, 0); // idiag_if: any interface
        s.set(JAVA_INT_UNALIGNED, id + 40, INET_DIAG_NOCOOKIE);
        s.set(JAVA_INT_UNALIGNED, id + 44, INET_DIAG_NOCOOKIE);
    }

    /** The address bytes as the family carries them: 4 for AF_INET, 16 (IPv4-mapped if need be) for AF_INET6. */
    static byte[] address(int family, InetAddress ip) {
        byte[] raw = ip.getAddress();
        if (family == LinuxNet.AF_INET) {
            if (!(ip instanceof Inet4Address)) {
                throw new IllegalArgumentException("an AF_INET lookup needs IPv4 addresses, got " + ip);
            }
            return raw;
        }
        if (raw.length == 16) {
            return raw;
        }
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(raw, 0, mapped, 12, 4);
        return mapped;
    }

    /** What one received datagram said: finished (with figures or without), or more to read. */
    record Reply(boolean done, Optional<TcpInfo> stats) {
    }

    /**
     * Walks the netlink messages in the first {@code length} bytes of {@code buf}. A {@code SOCK_DIAG_BY_FAMILY}
     * answer to {@code seq} for the asked ports ends the lookup with its {@code tcp_info} (empty when it carries
     * none); one for other ports (the listener the kernel found instead of a connection that is gone),
     * {@code NLMSG_DONE} and {@code NLMSG_ERROR} with {@code ENOENT} end it empty, another error is thrown. Messages
     * for other sequence numbers are skipped.
     */
    static Reply decodeReply(MemorySegment buf, long length, int seq, int localPort, int remotePort)
            throws NativeException {
        long off = 0;
        while (off + NLMSG_HDR_BYTES <= length) {
            int msgLen = buf.get(JAVA_INT_UNALIGNED, off);
            if (msgLen < NLMSG_HDR_BYTES || off + msgLen > length) {
                throw new NativeException("sock_diag reply (malformed netlink message)", Errno.EINVAL);
            }
            int type = buf.get(JAVA_SHORT_UNALIGNED, off + 4) & 0xFFFF;
            int msgSeq = buf.get(JAVA_INT_UNALIGNED, off + 8);
            if (msgSeq == seq) {
                if (type == LinuxNet.NLMSG_ERROR && msgLen >= NLMSG_HDR_BYTES + 4) {
                    int error = -buf.get(JAVA_INT_UNALIGNED, off + NLMSG_HDR_BYTES);
                    if (error == 0 || error == Errno.ENOENT) {
                        return new Reply(true, Optional.empty());
                    }
                    throw new NativeException("sock_diag", error);
                }
                if (type == LinuxNet.NLMSG_DONE) {
                    return new Reply(true, Optional.empty());
                }
                if (type == SOCK_DIAG_BY_FAMILY && msgLen >= NLMSG_HDR_BYTES + DIAG_MSG_BYTES) {
                    long msg = off + NLMSG_HDR_BYTES;
                    int sport = buf.get(NET_SHORT, msg + 4) & 0xFFFF;
                    int dport = buf.get(NET_SHORT, msg + 6) & 0xFFFF;
                    if (sport == localPort && dport == remotePort) {
                        int state = buf.get(JAVA_BYTE, msg + 1) & 0xFF; // idiag_state
                        return new Reply(true, attributes(buf, msg + DIAG_MSG_BYTES, off + msgLen, state));
                    }
                    // The exact lookup (inet_diag_find_one_icsk → inet_lookup) falls back to the listening socket of
                    // the local port when the connection itself is gone: the answer to this request, and a "no".
                    return new Reply(true, Optional.empty());
                }
            }
            off += align(msgLen);
        }
        return new Reply(false, Optional.empty());
    }

    /**
     * Decodes {@code INET_DIAG_INFO} and {@code INET_DIAG_CONG} among the {@code rtattr}s in {@code [from, to)} (the
     * kernel puts the name after the info, so every attribute is walked); empty without a usable {@code tcp_info}
     * or when an attribute runs past the message.
     */
    static Optional<TcpInfo> attributes(MemorySegment buf, long from, long to, int state) {
        MemorySegment info = null;
        String congestion = null;
        long off = from;
        while (off + 4 <= to) {
            int attrLen = buf.get(JAVA_SHORT_UNALIGNED, off) & 0xFFFF;
            int attrType = buf.get(JAVA_SHORT_UNALIGNED, off + 2) & 0xFFFF;
            if (attrLen < 4 || off + attrLen > to) {
                return Optional.empty();
            }
            if (attrType == INET_DIAG_INFO) {
                info = buf.asSlice(off + 4, attrLen - 4);
            } else if (attrType == INET_DIAG_CONG) {
                congestion = cString(buf.asSlice(off + 4, attrLen - 4));
            }
            off += align(attrLen);
        }
        return info == null ? Optional.empty() : decodeTcpInfo(info, congestion, state);
    }

    /**
     * The string up to the first NUL (or the whole payload if there is none); null when empty, as a kernel without
     * a name to give would send it.
     */
    static String cString(MemorySegment payload) {
        byte[] bytes = payload.toArray(JAVA_BYTE);
        int n = 0;
        while (n < bytes.length && bytes[n] != 0) {
            n++;
        }
        return n == 0 ? null : new String(bytes, 0, n, StandardCharsets.US_ASCII);
    }

    /**
     * The fields read here from a {@code struct tcp_info} of {@code info.byteSize()} bytes (older kernels send
     * a shorter struct: {@code tcpi_snd_wnd} is -1 when it is not there, and a struct without
     * {@code tcpi_total_retrans} gives nothing), with the congestion control's name (null when not sent).
     */
    static Optional<TcpInfo> decodeTcpInfo(MemorySegment info, String congestion, int state) {
        if (info.byteSize() < TCP_INFO_MIN_BYTES) {
            return Optional.empty();
        }
        long sndWnd = info.byteSize() >= TCPI_SND_WND + 4 ? u32(info, TCPI_SND_WND) : -1;
        return Optional.of(new TcpInfo(u32(info, TCPI_TOTAL_RETRANS), u32(info, TCPI_SND_CWND), sndWnd,
                u32(info, TCPI_RTT), u32(info, TCPI_RTTVAR), u32(info, TCPI_PMTU), u32(info, TCPI_SND_MSS), congestion,
                state));
    }

    private static long u32(MemorySegment s, long offset) {
        return Integer.toUnsignedLong(s.get(JAVA_INT_UNALIGNED, offset));
    }

    /** NLMSG_ALIGN / RTA_ALIGN: 4 bytes. */
    static long align(long n) {
        return (n + 3) & ~3L;
    }
}
