package io.waddleperf.net;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * Downcalls into libc for the socket calls of this package, each returning its result or throwing a
 * {@link NativeException} with the errno captured by {@link Linker.Option#captureCallState} (reading errno after
 * the call from Java would see a value clobbered by the JVM). Signatures are from the man pages (socket(2),
 * setsockopt(2), getsockname(2), getpeername(2), bind(2), connect(2), sendto(2), recvmsg(2), poll(2), setns(2), open(2), close(2),
 * sched_setscheduler(2));
 * {@code size_t}/{@code ssize_t}/{@code nfds_t} are 64-bit and {@code socklen_t} 32-bit on both LP64 targets.
 * A call blocks its OS thread: call blocking ones ({@code poll}) from platform threads. On a platform
 * {@link NativePlatform} does not vouch for, every call throws {@link UnsupportedPlatformException}.
 */
public final class Libc {

    private Libc() {
    }

    /**
     * The linker and the downcall handles, in a class of their own: linking happens when this class is first used,
     * which every call below does only after {@link NativePlatform#require()} passed, so on another OS or
     * architecture the caller gets an {@link UnsupportedPlatformException} rather than a link error.
     */
    private static final class Downcalls {

        private static final Linker LINKER = Linker.nativeLinker();
        private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
        private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

        private static final MethodHandle SOCKET = handle("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        private static final MethodHandle CLOSE = handle("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        private static final MethodHandle SETSOCKOPT = handle("setsockopt",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
        private static final MethodHandle GETSOCKOPT = handle("getsockopt",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
        private static final MethodHandle CONNECT = handle("connect", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
        private static final MethodHandle BIND = handle("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
        private static final MethodHandle GETSOCKNAME = handle("getsockname", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
        private static final MethodHandle GETPEERNAME = handle("getpeername", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
        private static final MethodHandle SENDTO = handle("sendto",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
        private static final MethodHandle RECVFROM = handle("recvfrom",
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS));
        private static final MethodHandle RECVMSG = handle("recvmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
        private static final MethodHandle POLL = handle("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
        private static final MethodHandle SETNS = handle("setns", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
        private static final MethodHandle SCHED_SETSCHEDULER = handle("sched_setscheduler",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
        // open(2) is variadic (the mode argument); declare it so, as the x86-64 ABI passes variadic calls differently.
        private static final MethodHandle OPEN = handle("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
                Linker.Option.firstVariadicArg(2));

        private static MethodHandle handle(String name, FunctionDescriptor descriptor, Linker.Option... extra) {
            MemorySegment symbol = LINKER.defaultLookup().find(name)
                    .orElseThrow(() -> new UnsatisfiedLinkError("libc has no symbol " + name));
            Linker.Option[] options = new Linker.Option[extra.length + 1];
            options[0] = Linker.Option.captureCallState("errno");
            System.arraycopy(extra, 0, options, 1, extra.length);
            return LINKER.downcallHandle(symbol, descriptor, options);
        }
    }

    /** The errno capture buffer of one call; first checks that this platform's layouts are the ones used here. */
    private static MemorySegment capture(Arena arena) {
        NativePlatform.require();
        return arena.allocate(Downcalls.CAPTURE);
    }

    private static int errno(MemorySegment capture) {
        return (int) Downcalls.ERRNO.get(capture, 0L);
    }

    private static int check(String call, int result, MemorySegment capture) throws NativeException {
        if (result < 0) {
            throw new NativeException(call, errno(capture));
        }
        return result;
    }

    private static long check(String call, long result, MemorySegment capture) throws NativeException {
        if (result < 0) {
            throw new NativeException(call, errno(capture));
        }
        return result;
    }

    // invokeExact declares Throwable; only runtime exceptions and errors can actually come out of these downcalls.
    private static RuntimeException unexpected(Throwable t) {
        if (t instanceof Error e) {
            throw e;
        }
        return t instanceof RuntimeException r ? r : new IllegalStateException("downcall failed", t);
    }

    /** socket(2): a new file descriptor. */
    public static int socket(int domain, int type, int protocol) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = capture(arena);
            return check("socket", (int) Downcalls.SOCKET.invokeExact(capture, domain, type, protocol), capture);
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** close(2). */
    public static void close(int fd) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = capture(arena);
            check("close", (int) Downcalls.CLOSE.invokeExact(capture, fd), capture);
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** setsockopt(2) with an option value in native memory. */
    public static void setsockopt(int fd, int level, int name, MemorySegment value) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = capture(arena);
            check("setsockopt", (int) Downcalls.SETSOCKOPT.invokeExact(capture, fd, level, name, value, (int) value.byteSize()), capture);
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** getsockopt(2) into {@code value}; returns the length the kernel wrote. */
    public static int getsockopt(int fd, int level, int name, MemorySegment value) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = capture(arena);
            MemorySegment length = arena.allocateFrom(JAVA_INT, (int) value.byteSize());
            check("getsockopt", (int) Downcalls.GETSOCKOPT.invokeExact(capture, fd, level, name, value, length), capture);
            return length.get(JAVA_INT, 0);
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** bind(2) to the socket address in {@code address}. */
    public static void bind(int fd, MemorySegment address) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = capture(arena);
            check("bind", (int) Downcalls.BIND.invokeExact(capture, fd, address, (int) address.byteSize()), capture);
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** connect(2) to the socket address in {@code address}; a non-blocking socket fails with EINPROGRESS. */
    public static void connect(int fd, MemorySegment address) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = capture(arena);
            check("connect", (int) Downcalls.CONNECT.invokeExact(capture, fd, address, (int) address.byteSize()), capture);
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** getsockname(2) into {@code address}; returns the address length. */
    public static int getsockname(int fd, MemorySegment address) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = capture(arena);
            MemorySegment length = arena.allocateFrom(JAVA_INT, (int) address.byteSize());
            check("getsockname", (int) Downcalls.GETSOCKNAME.invokeExact(capture, fd, address, length), capture);
            return length.get(JAVA_INT, 0);
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** getpeername(2) into {@code address}; returns the address length (ENOTCONN for an unconnected socket). */
    public static int getpeername(int fd, MemorySegment address) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = capture(arena);
            MemorySegment length = arena.allocateFrom(JAVA_INT, (int) address.byteSize());
            check("getpeername", (int) Downcalls.GETPEERNAME.invokeExact(capture, fd, address, length), capture);
            return length.get(JAVA_INT, 0);
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** sendto(2); returns the bytes sent. */
    public static long sendto(int fd, MemorySegment data, int flags, MemorySegment address) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = capture(arena);
            return check("sendto", (long) Downcalls.SENDTO.invokeExact(capture, fd, data, data.byteSize(), flags, address,
                    (int) address.byteSize()), capture);
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** recvfrom(2) into {@code buffer}, the sender into {@code address}; returns the datagram length. */
    public static long recvfrom(int fd, MemorySegment buffer, int flags, MemorySegment address) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = capture(arena);
            MemorySegment length = arena.allocateFrom(JAVA_INT, (int) address.byteSize());
            return check("recvfrom", (long) Downcalls.RECVFROM.invokeExact(capture, fd, buffer, buffer.byteSize(), flags, address,
                    length), capture);
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** recvmsg(2) with a {@code struct msghdr} built by {@link MessageHeader}; returns the datagram length. */
    public static long recvmsg(int fd, MemorySegment msghdr, int flags) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = capture(arena);
            return check("recvmsg", (long) Downcalls.RECVMSG.invokeExact(capture, fd, msghdr, flags), capture);
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** poll(2) on one descriptor; returns its {@code revents}, 0 on timeout. */
    public static int poll(int fd, short events, int timeoutMs) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = capture(arena);
            // struct pollfd { int fd; short events; short revents; } — 8 bytes.
            MemorySegment pollfd = arena.allocate(8, 4);
            pollfd.set(JAVA_INT, 0, fd);
            pollfd.set(JAVA_SHORT, 4, events);
            int ready = check("poll", (int) Downcalls.POLL.invokeExact(capture, pollfd, 1L, timeoutMs), capture);
            return ready == 0 ? 0 : pollfd.get(JAVA_SHORT, 6) & 0xFFFF;
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * poll(2) on several descriptors, each for {@code events}; returns their {@code revents} in the same order (all 0
     * on timeout).
     */
    public static short[] poll(int[] fds, short events, int timeoutMs) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = capture(arena);
            MemorySegment pollfds = arena.allocate(8L * Math.max(1, fds.length), 4);
            for (int i = 0; i < fds.length; i++) {
                pollfds.set(JAVA_INT, 8L * i, fds[i]);
                pollfds.set(JAVA_SHORT, 8L * i + 4, events);
                pollfds.set(JAVA_SHORT, 8L * i + 6, (short) 0);
            }
            check("poll", (int) Downcalls.POLL.invokeExact(capture, pollfds, (long) fds.length, timeoutMs), capture);
            short[] revents = new short[fds.length];
            for (int i = 0; i < fds.length; i++) {
                revents[i] = pollfds.get(JAVA_SHORT, 8L * i + 6);
            }
            return revents;
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** setns(2): moves the calling OS thread into the namespace {@code fd} refers to. */
    public static void setns(int fd, int nstype) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = capture(arena);
            check("setns", (int) Downcalls.SETNS.invokeExact(capture, fd, nstype), capture);
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * sched_setscheduler(2) of thread {@code tid} (0: the calling OS thread) to {@code policy} at {@code priority}
     * ({@code struct sched_param} is one {@code int}).
     */
    public static void schedSetScheduler(int tid, int policy, int priority) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = capture(arena);
            MemorySegment param = arena.allocateFrom(JAVA_INT, priority);
            check("sched_setscheduler", (int) Downcalls.SCHED_SETSCHEDULER.invokeExact(capture, tid, policy, param), capture);
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** open(2) of a path, read-only and close-on-exec. */
    public static int openReadOnly(String path) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment capture = capture(arena);
            MemorySegment cPath = arena.allocateFrom(path);
            return check("open", (int) Downcalls.OPEN.invokeExact(capture, cPath, LinuxNet.O_RDONLY | LinuxNet.O_CLOEXEC, 0), capture);
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }
}
