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
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Puts the calling thread under the {@code SCHED_FIFO} real-time policy ({@code sched_setscheduler(2)} on thread 0 =
 * the caller, through the FFM API), for the delay relays' threads. On a loaded machine an ordinary (CFS) thread that
 * wakes — from {@code epoll_wait} when a datagram arrives, or from its timed park when a delivery is due — often waits
 * behind running threads for a millisecond or more, and that wait is added to the relay's delay; a real-time thread
 * preempts them at once. The kernel's RT throttling ({@code sched_rt_runtime_us}) keeps a runaway thread from freezing
 * the machine. Needs root ({@code CAP_SYS_NICE}); without it the thread keeps its ordinary policy.
 */
public final class RealtimeScheduling {

    /** {@code SCHED_FIFO} from {@code <sched.h>}, the same on x86-64 and aarch64. */
    private static final int SCHED_FIFO = 1;
    /** Low among real-time priorities (1–99): above every ordinary thread, below the kernel's own RT threads. */
    static final int PRIORITY = 10;

    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle SCHED_SETSCHEDULER;
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    static {
        Linker linker = Linker.nativeLinker();
        SCHED_SETSCHEDULER = linker.downcallHandle(linker.defaultLookup().findOrThrow("sched_setscheduler"),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS), Linker.Option.captureCallState("errno"));
    }

    private RealtimeScheduling() {
    }

    /**
     * Makes the calling platform thread {@code SCHED_FIFO} at {@link #PRIORITY}; returns 0 on success, else the errno
     * (EPERM without {@code CAP_SYS_NICE}). Never call it from a virtual thread: it would change a shared carrier.
     */
    public static int raiseCallingThread() {
        if (Thread.currentThread().isVirtual()) {
            throw new IllegalStateException("real-time scheduling applies to OS threads, not virtual threads");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
            MemorySegment param = arena.allocateFrom(JAVA_INT, PRIORITY); // struct sched_param { int sched_priority; }
            int rc = (int) SCHED_SETSCHEDULER.invokeExact(state, 0, SCHED_FIFO, param);
            int errno = rc == 0 ? 0 : (int) ERRNO.get(state, 0L);
            if (errno != 0 && WARNED.compareAndSet(false, true)) {
                System.err.println("[lab] SCHED_FIFO refused (errno " + errno + "): relay and measuring threads stay "
                        + "ordinary, so on a loaded host their wake-up delays show up as added delay");
            }
            return errno;
        } catch (Throwable t) {
            throw new LabException("sched_setscheduler through FFM failed: " + t, t);
        }
    }
}
