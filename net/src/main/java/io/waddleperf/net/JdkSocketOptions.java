package io.waddleperf.net;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * TCP socket options the JDK has no name for — {@code TCP_CONGESTION} and {@code TCP_MAXSEG} — on a JDK
 * {@link SocketChannel}. The JDK does not expose a channel's file descriptor, so it is found among the process's
 * descriptors ({@code /proc/self/fd}) as the socket whose local address, and peer when connected, are the channel's:
 * a bound TCP socket is unique by its local address while unconnected and by its two ends once connected. The
 * channel must therefore be bound (an unbound socket has no name to find it by); bind it to port 0 first where
 * the option must precede {@code connect} ({@code TCP_MAXSEG} is only announced in the SYN).
 */
public final class JdkSocketOptions {

    private static final Path FDS = Path.of("/proc/self/fd");
    private static final int ENOTCONN = 107;

    private JdkSocketOptions() {
    }

    /** Sets the channel's congestion control algorithm by name ({@code reno}, {@code cubic}, {@code bbr}, …). */
    public static void setTcpCongestion(SocketChannel channel, String algorithm) throws IOException {
        byte[] name = algorithm.getBytes(StandardCharsets.US_ASCII);
        if (name.length == 0 || name.length >= LinuxNet.TCP_CA_NAME_MAX) {
            throw new IllegalArgumentException("a congestion control name has 1-" + (LinuxNet.TCP_CA_NAME_MAX - 1)
                    + " characters, got '" + algorithm + "'");
        }
        int fd = descriptor(channel);
        try (Arena arena = Arena.ofConfined()) {
            // the kernel copies at most the option length and stops at a NUL; no terminator is needed
            Libc.setsockopt(fd, LinuxNet.IPPROTO_TCP, LinuxNet.TCP_CONGESTION, arena.allocateFrom(JAVA_BYTE, name));
        }
    }

    /** The channel's congestion control algorithm. */
    public static String tcpCongestion(SocketChannel channel) throws IOException {
        int fd = descriptor(channel);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(LinuxNet.TCP_CA_NAME_MAX);
            int length = Libc.getsockopt(fd, LinuxNet.IPPROTO_TCP, LinuxNet.TCP_CONGESTION, value);
            byte[] bytes = value.asSlice(0, length).toArray(JAVA_BYTE);
            int end = 0;
            while (end < bytes.length && bytes[end] != 0) {
                end++;
            }
            return new String(bytes, 0, end, StandardCharsets.US_ASCII);
        }
    }

    /**
     * Sets {@code TCP_MAXSEG}, the most the socket will announce and send per segment; before {@code connect}, for the
     * kernel takes it into the SYN and the connection's MSS clamp only then.
     */
    public static void setTcpMaxSegment(SocketChannel channel, int bytes) throws IOException {
        int fd = descriptor(channel);
        try (Arena arena = Arena.ofConfined()) {
            Libc.setsockopt(fd, LinuxNet.IPPROTO_TCP, LinuxNet.TCP_MAXSEG, arena.allocateFrom(JAVA_INT, bytes));
        }
    }

    /** {@code TCP_MAXSEG}: the asked-for value before connect, the connection's current MSS after. */
    public static int tcpMaxSegment(SocketChannel channel) throws IOException {
        int fd = descriptor(channel);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(JAVA_INT);
            Libc.getsockopt(fd, LinuxNet.IPPROTO_TCP, LinuxNet.TCP_MAXSEG, value);
            return value.get(JAVA_INT, 0);
        }
    }

    /**
     * The descriptor of a bound channel.
     *
     * @throws IOException when the channel is not bound, or no descriptor of this process is its socket
     * @throws UnsupportedPlatformException where the native layer does not run
     */
    static int descriptor(SocketChannel channel) throws IOException {
        NativePlatform.require();
        InetSocketAddress local = (InetSocketAddress) channel.getLocalAddress();
        if (local == null) {
            throw new IOException("the socket must be bound before its options can be reached");
        }
        SocketAddress remote = channel.getRemoteAddress();
        OptionalInt fd = find(local, (InetSocketAddress) remote);
        if (fd.isEmpty()) {
            throw new IOException("no descriptor of this process is the socket " + local
                    + (remote == null ? "" : " -> " + remote));
        }
        return fd.getAsInt();
    }

    private static OptionalInt find(InetSocketAddress local, InetSocketAddress remote)
            throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(FDS); Arena arena = Arena.ofConfined()) {
            MemorySegment address = arena.allocate(SockAddr.STORAGE_BYTES, 8);
            MemorySegment type = arena.allocate(JAVA_INT);
            for (Path entry : entries) {
                int fd;
                try {
                    fd = Integer.parseInt(entry.getFileName().toString());
                    if (!Files.readSymbolicLink(entry).toString().startsWith("socket:")) {
                        continue;
                    }
                } catch (NumberFormatException | IOException e) {
                    continue; // not a descriptor, or closed since the listing: not ours either way
                }
                if (isSocket(fd, local, remote, address, type)) {
                    return OptionalInt.of(fd);
                }
            }
        }
        return OptionalInt.empty();
    }

    /** Whether {@code fd} is a stream socket, not listening, with these ends (no peer when {@code remote} is null). */
    private static boolean isSocket(int fd, InetSocketAddress local, InetSocketAddress remote, MemorySegment address,
            MemorySegment value) {
        try {
            Libc.getsockopt(fd, LinuxNet.SOL_SOCKET, LinuxNet.SO_TYPE, value);
            if (value.get(JAVA_INT, 0) != LinuxNet.SOCK_STREAM) {
                return false;
            }
            Libc.getsockopt(fd, LinuxNet.SOL_SOCKET, LinuxNet.SO_ACCEPTCONN, value);
            if (value.get(JAVA_INT, 0) != 0 || !same(local, decode(address, Libc.getsockname(fd, address)))) {
                return false;
            }
            InetSocketAddress peer;
            try {
                peer = decode(address, Libc.getpeername(fd, address));
            } catch (NativeException e) {
                if (e.errno() != ENOTCONN) {
                    return false;
                }
                peer = null;
            }
            return remote == null ? peer == null : peer != null && same(remote, peer);
        } catch (NativeException | IllegalArgumentException e) {
            return false; // another kind of socket (Unix, netlink), or closed meanwhile
        }
    }

    private static InetSocketAddress decode(MemorySegment address, int length) {
        return SockAddr.decode(address, length);
    }

    /**
     * The same end: same port and address, IPv4-mapped addresses taken as the IPv4 ones (both sides decode them so)
     * and any wildcard as any other (a dual-stack socket bound to {@code ::} is {@code 0.0.0.0} to the JDK).
     */
    private static boolean same(InetSocketAddress a, InetSocketAddress b) {
        if (a.getPort() != b.getPort()) {
            return false;
        }
        if (a.getAddress().isAnyLocalAddress() || b.getAddress().isAnyLocalAddress()) {
            return a.getAddress().isAnyLocalAddress() && b.getAddress().isAnyLocalAddress();
        }
        return a.getAddress().equals(b.getAddress());
    }
}
