package io.waddleperf.net;

import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.lang.foreign.MemorySegment;
import java.time.Instant;

/**
 * The kernel's own send and receive times of a socket's packets (Documentation/networking/timestamping.rst), so a
 * round trip is timed where the packet left and arrived, not where a Java thread got around to it. With
 * {@code SO_TIMESTAMPING} = {@code RX_SOFTWARE | TX_SCHED | SOFTWARE | OPT_TSONLY} every received packet — an
 * error-queue ICMP error too — carries an {@code SCM_TIMESTAMPING} control message stamped when the interface
 * handed it to the stack, and every send queues, on the error queue, a report stamped as the packet entered the
 * device's queue (origin {@code SO_EE_ORIGIN_TIMESTAMPING}, {@code ee_info} {@code SCM_TSTAMP_SCHED}, no packet
 * data). Both are {@code CLOCK_REALTIME} nanoseconds: only their differences, and differences with
 * {@link #realtimeNanos()}, mean anything.
 *
 * <p>Why: on a loaded 2-core machine the thread that waits in {@code poll} is woken 0.3-15 ms after the reply
 * arrived, and with C1-compiled or interpreted FFM code the {@code sendto} downcall enters the kernel 0.1-0.3 ms after
 * the caller took its time (docs/BENCHMARKS.md, icmp, trace and mtr against ping, traceroute and mtr).
 */
public final class KernelTime {

    /** What {@link #enable} asks for. */
    static final int FLAGS = LinuxNet.SOF_TIMESTAMPING_RX_SOFTWARE | LinuxNet.SOF_TIMESTAMPING_TX_SCHED
            | LinuxNet.SOF_TIMESTAMPING_SOFTWARE | LinuxNet.SOF_TIMESTAMPING_OPT_TSONLY;

    /**
     * How far a kernel round trip may exceed the user one bracketing it before it is taken for a clock step: the two
     * clocks run at rates that differ by at most NTP's 500 ppm slew, so this is generous.
     */
    static final long SLACK_NANOS = 50_000;

    private KernelTime() {
    }

    /** Switches kernel time stamps on for {@code socket}; false when the kernel refuses (then user times are used). */
    public static boolean enable(NativeSocket socket) {
        try {
            socket.setInt(LinuxNet.SOL_SOCKET, LinuxNet.SO_TIMESTAMPING, FLAGS);
            return true;
        } catch (NativeException e) {
            return false;
        }
    }

    /** The kernel's receive (or, for a transmit report, send) time of {@code d} in realtime nanoseconds, or -1. */
    public static long of(Datagram d) {
        ControlMessage c = d.control(LinuxNet.SOL_SOCKET, LinuxNet.SCM_TIMESTAMPING);
        if (c == null || c.data().length < 16) {
            return -1;
        }
        // struct scm_timestamping { struct timespec ts[3]; }: ts[0] = software stamp { long tv_sec; long tv_nsec; }.
        MemorySegment ts = MemorySegment.ofArray(c.data());
        long seconds = ts.get(JAVA_LONG_UNALIGNED, 0);
        long nanos = ts.get(JAVA_LONG_UNALIGNED, 8);
        return seconds == 0 && nanos == 0 ? -1 : seconds * 1_000_000_000L + nanos;
    }

    /** True when {@code d} (read from the error queue) is a transmit time-stamp report rather than an error. */
    public static boolean isTransmitReport(Datagram d) {
        ExtendedError e = d.extendedError();
        return e != null && e.origin() == LinuxNet.SO_EE_ORIGIN_TIMESTAMPING;
    }

    /** {@code CLOCK_REALTIME} now, in nanoseconds: the clock the kernel stamps with. */
    public static long realtimeNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /**
     * The round trip to report: {@code kernelNanos} when it is one (≥ 0) and no longer than {@code userNanos} — the
     * user-space interval that brackets it, taken before the send call and after the receive call — plus
     * {@link #SLACK_NANOS}; otherwise {@code userNanos} (no stamp, or the wall clock was stepped in between).
     */
    public static long roundTrip(long userNanos, long kernelNanos) {
        return kernelNanos >= 0 && kernelNanos <= userNanos + SLACK_NANOS ? kernelNanos : userNanos;
    }
}
