package io.waddleperf.net;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * A socket file descriptor opened through {@link Libc}: options, send, poll, receive with control messages, close.
 * Not thread-safe except {@link #close()}; blocking calls ({@link #poll}) block the OS thread, so use it from a
 * platform thread.
 */
public final class NativeSocket implements AutoCloseable {

    /**
     * {@code struct msghdr} on LP64 (recvmsg(2)): name, namelen (+4 padding), iov, iovlen, control, controllen,
     * flags (+4 padding) — 56 bytes on x86-64 and aarch64.
     */
    static final StructLayout MSGHDR = MemoryLayout.structLayout(
            ADDRESS.withName("msg_name"), JAVA_INT.withName("msg_namelen"), MemoryLayout.paddingLayout(4),
            ADDRESS.withName("msg_iov"), JAVA_LONG.withName("msg_iovlen"),
            ADDRESS.withName("msg_control"), JAVA_LONG.withName("msg_controllen"),
            JAVA_INT.withName("msg_flags"), MemoryLayout.paddingLayout(4));
    /** {@code struct iovec { void *iov_base; size_t iov_len; }}. */
    static final StructLayout IOVEC = MemoryLayout.structLayout(ADDRESS.withName("iov_base"), JAVA_LONG.withName("iov_len"));

    private final int fd;
    private final int family;
    private volatile boolean closed;

    private NativeSocket(int fd, int family) {
        this.fd = fd;
        this.family = family;
    }

    /** socket(2) with close-on-exec. */
    public static NativeSocket open(int family, int type, int protocol) throws NativeException {
        return new NativeSocket(Libc.socket(family, type | LinuxNet.SOCK_CLOEXEC, protocol), family);
    }

    public int fd() {
        return fd;
    }

    public int family() {
        return family;
    }

    /** setsockopt(2) with an {@code int} value. */
    public void setInt(int level, int name, int value) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            Libc.setsockopt(live("setsockopt"), level, name, arena.allocateFrom(JAVA_INT, value));
        }
    }

    /** getsockopt(2) of an {@code int} option. */
    public int getInt(int level, int name) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(JAVA_INT);
            Libc.getsockopt(live("getsockopt"), level, name, value);
            return value.get(JAVA_INT, 0);
        }
    }

    public void bind(InetSocketAddress local) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            Libc.bind(live("bind"), SockAddr.encode(local, arena));
        }
    }

    /**
     * connect(2) to {@code remote}; for a non-blocking socket ({@code SOCK_NONBLOCK}) returns false while the
     * connection is still being made (EINPROGRESS: wait for {@code POLLOUT}, then read {@code SO_ERROR}), true when it
     * completed at once.
     */
    public boolean connect(InetSocketAddress remote) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            Libc.connect(live("connect"), SockAddr.encode(remote, arena));
            return true;
        } catch (NativeException e) {
            if (e.errno() == Errno.EINPROGRESS) {
                return false;
            }
            throw e;
        }
    }

    /**
     * poll(2) on several sockets for {@code events}; the {@code revents} of each in order, all 0 on timeout or EINTR
     * (callers loop on their own deadline).
     */
    public static short[] poll(List<NativeSocket> sockets, short events, Duration timeout) throws NativeException {
        int[] fds = new int[sockets.size()];
        for (int i = 0; i < fds.length; i++) {
            fds[i] = sockets.get(i).live("poll");
        }
        int timeoutMs = (int) Math.min(Integer.MAX_VALUE, Math.max(0, timeout.toMillis()));
        try {
            return Libc.poll(fds, events, timeoutMs);
        } catch (NativeException e) {
            if (e.errno() == Errno.EINTR) {
                return new short[fds.length];
            }
            throw e;
        }
    }

    /** getsockname(2); for ICMP datagram sockets the port is the echo identifier the kernel uses. */
    public InetSocketAddress localAddress() throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment address = arena.allocate(SockAddr.STORAGE_BYTES, 8);
            return SockAddr.decode(address, Libc.getsockname(live("getsockname"), address));
        }
    }

    /** sendto(2) of {@code data} to {@code to}; returns the bytes sent. */
    public int sendTo(byte[] data, InetSocketAddress to, int flags) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            return (int) Libc.sendto(live("sendto"), arena.allocateFrom(JAVA_BYTE, data), flags, SockAddr.encode(to, arena));
        }
    }

    /**
     * poll(2) for {@code events}; returns the {@code revents} ({@code POLLERR} is always reported), 0 on timeout.
     * EINTR counts as a timeout: callers loop on their own deadline.
     */
    public int poll(short events, Duration timeout) throws NativeException {
        int timeoutMs = (int) Math.min(Integer.MAX_VALUE, Math.max(0, timeout.toMillis()));
        try {
            return Libc.poll(live("poll"), events, timeoutMs);
        } catch (NativeException e) {
            if (e.errno() == Errno.EINTR) {
                return 0;
            }
            throw e;
        }
    }

    /** recvfrom(2) of one datagram of at most {@code maxBytes}; null when none is waiting and {@code MSG_DONTWAIT}. */
    public Datagram receiveFrom(int maxBytes, int flags) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(maxBytes);
            MemorySegment from = arena.allocate(SockAddr.STORAGE_BYTES, 8);
            long n = Libc.recvfrom(live("recvfrom"), buffer, flags, from);
            return new Datagram(buffer.asSlice(0, Math.min(n, maxBytes)).toArray(JAVA_BYTE), sender(from), List.of(), 0);
        } catch (NativeException e) {
            if (e.errno() == Errno.EAGAIN) {
                return null;
            }
            throw e;
        }
    }

    /**
     * recvmsg(2) of one message of at most {@code maxBytes} with up to {@code controlBytes} of ancillary data;
     * {@code flags} may include {@code MSG_ERRQUEUE}. Null when none is waiting and {@code MSG_DONTWAIT} was given.
     */
    public Datagram receive(int maxBytes, int controlBytes, int flags) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(maxBytes);
            MemorySegment from = arena.allocate(SockAddr.STORAGE_BYTES, 8).fill((byte) 0);
            MemorySegment control = arena.allocate(controlBytes, 8);
            MemorySegment iov = arena.allocate(IOVEC);
            iov.set(ADDRESS, 0, buffer);
            iov.set(JAVA_LONG, 8, maxBytes);
            MemorySegment msg = arena.allocate(MSGHDR).fill((byte) 0);
            msg.set(ADDRESS, MSGHDR.byteOffset(MemoryLayout.PathElement.groupElement("msg_name")), from);
            msg.set(JAVA_INT, MSGHDR.byteOffset(MemoryLayout.PathElement.groupElement("msg_namelen")), SockAddr.STORAGE_BYTES);
            msg.set(ADDRESS, MSGHDR.byteOffset(MemoryLayout.PathElement.groupElement("msg_iov")), iov);
            msg.set(JAVA_LONG, MSGHDR.byteOffset(MemoryLayout.PathElement.groupElement("msg_iovlen")), 1L);
            msg.set(ADDRESS, MSGHDR.byteOffset(MemoryLayout.PathElement.groupElement("msg_control")), control);
            msg.set(JAVA_LONG, MSGHDR.byteOffset(MemoryLayout.PathElement.groupElement("msg_controllen")), controlBytes);
            long n = Libc.recvmsg(live("recvmsg"), msg, flags);
            long controlLength = msg.get(JAVA_LONG, MSGHDR.byteOffset(MemoryLayout.PathElement.groupElement("msg_controllen")));
            int msgFlags = msg.get(JAVA_INT, MSGHDR.byteOffset(MemoryLayout.PathElement.groupElement("msg_flags")));
            int nameLength = msg.get(JAVA_INT, MSGHDR.byteOffset(MemoryLayout.PathElement.groupElement("msg_namelen")));
            byte[] data = buffer.asSlice(0, Math.min(n, maxBytes)).toArray(JAVA_BYTE);
            return new Datagram(data, nameLength >= 2 ? sender(from) : null, ControlMessage.parse(control, controlLength), msgFlags);
        } catch (NativeException e) {
            if (e.errno() == Errno.EAGAIN) {
                return null;
            }
            throw e;
        }
    }

    // A closed descriptor number may already belong to another file: fail as the kernel would for a bad fd.
    private int live(String call) throws NativeException {
        if (closed) {
            throw new NativeException(call, Errno.EBADF);
        }
        return fd;
    }

    private static InetSocketAddress sender(MemorySegment from) {
        int family = SockAddr.family(from);
        return family == LinuxNet.AF_INET || family == LinuxNet.AF_INET6 ? SockAddr.decode(from, from.byteSize()) : null;
    }

    /** close(2); idempotent. */
    @Override
    public synchronized void close() throws NativeException {
        if (!closed) {
            closed = true;
            Libc.close(fd);
        }
    }
}
