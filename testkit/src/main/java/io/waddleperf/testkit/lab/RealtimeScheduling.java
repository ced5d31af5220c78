package io.waddleperf.testkit.lab;

import io.waddleperf.net.Libc;
import io.waddleperf.net.LinuxNet;
import io.waddleperf.net.NativeException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Puts the calling thread under the {@code SCHED_FIFO} real-time policy ({@code sched_setscheduler(2)} on thread 0 =
 * the caller), for the delay relays' threads. On a loaded machine an ordinary (CFS) thread that wakes — from
 * {@code epoll_wait} when a datagram arrives, or from its timed park when a delivery is due — often waits behind
 * running threads for a millisecond or more, and that wait is added to the relay's delay; a real-time thread preempts
 * them at once. The kernel's RT throttling ({@code sched_rt_runtime_us}) keeps a runaway thread from freezing the
 * machine. Needs root ({@code CAP_SYS_NICE}); without it the thread keeps its ordinary policy.
 */
public final class RealtimeScheduling {

    /** Low among real-time priorities (1–99): above every ordinary thread, below the kernel's own RT threads. */
    static final int PRIORITY = 10;

    private static final AtomicBoolean WARNED = new AtomicBoolean();

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
        try {
            Libc.schedSetScheduler(0, LinuxNet.SCHED_FIFO, PRIORITY);
            return 0;
        } catch (NativeException e) {
            if (WARNED.compareAndSet(false, true)) {
                System.err.println("[lab] SCHED_FIFO refused (" + e.getMessage() + "): relay and measuring threads stay "
                        + "ordinary, so on a loaded host their wake-up delays show up as added delay");
            }
            return e.errno();
        }
    }
}
