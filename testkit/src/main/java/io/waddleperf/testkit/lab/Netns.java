package io.waddleperf.testkit.lab;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Map;

/**
 * The {@code setns(2)} binding through the FFM API: moves the calling thread (only that thread) into a named network
 * namespace, {@code /run/netns/<name>} as made by {@code ip netns add}. Sockets the thread opens afterwards belong to
 * that namespace for their whole life, whichever thread uses them later.
 */
final class Netns {

    /** From {@code <sched.h>}; the same value on x86-64 and aarch64. */
    private static final int CLONE_NEWNET = 0x40000000;
    /** From {@code <fcntl.h>} on x86-64 and aarch64 (asm-generic): {@code O_RDONLY | O_CLOEXEC}. */
    private static final int O_RDONLY_CLOEXEC = 0x80000;
    private static final Map<Integer, String> ERRNO_NAMES =
            Map.of(1, "EPERM", 2, "ENOENT", 9, "EBADF", 13, "EACCES", 22, "EINVAL", 24, "EMFILE");

    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle OPEN;
    private static final MethodHandle SETNS;
    private static final MethodHandle CLOSE;

    static {
        Linker linker = Linker.nativeLinker();
        Linker.Option errno = Linker.Option.captureCallState("errno");
        OPEN = linker.downcallHandle(linker.defaultLookup().findOrThrow("open"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), errno);
        SETNS = linker.downcallHandle(linker.defaultLookup().findOrThrow("setns"),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), errno);
        CLOSE = linker.downcallHandle(linker.defaultLookup().findOrThrow("close"),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    }

    private Netns() {
    }

    /** Moves the calling thread into the network namespace {@code name}, or throws naming the errno. */
    static void enter(String name) {
        String path = "/run/netns/" + name;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            int fd = (int) OPEN.invokeExact(state, arena.allocateFrom(path), O_RDONLY_CLOEXEC);
            if (fd < 0) {
                throw new LabException("open " + path + ": " + errno(state));
            }
            try {
                int rc = (int) SETNS.invokeExact(state, fd, CLONE_NEWNET);
                if (rc != 0) {
                    throw new LabException("setns(" + path + ", CLONE_NEWNET): " + errno(state));
                }
            } finally {
                int _ = (int) CLOSE.invokeExact(fd);
            }
        } catch (LabException e) {
            throw e;
        } catch (Throwable t) {
            throw new LabException("setns(" + path + ") through FFM failed: " + t, t);
        }
    }

    private static String errno(MemorySegment state) {
        int errno = (int) ERRNO.get(state, 0L);
        return "errno " + errno + " (" + ERRNO_NAMES.getOrDefault(errno, "see errno(3)") + ")";
    }
}
