package io.waddleperf.probes.trace;

import io.waddleperf.net.KernelTime;
import java.util.List;

/**
 * One probe of a trace: sent with {@code ttl} as the {@code serial}-th probe of the run, and its reply once one came
 * (null while none did, and for a lost probe). Written by the one thread that runs the trace.
 */
final class PathProbe {

    private final int ttl;
    private final int serial;
    private long sentNanos;
    private long sentRealtimeNanos = -1;
    private long transmittedNanos = -1;
    private PathReply reply;

    PathProbe(int ttl, int serial) {
        this.ttl = ttl;
        this.serial = serial;
    }

    int ttl() {
        return ttl;
    }

    int serial() {
        return serial;
    }

    long sentNanos() {
        return sentNanos;
    }

    void sentAt(long nanos) {
        this.sentNanos = nanos;
    }

    PathReply reply() {
        return reply;
    }

    boolean answered() {
        return reply != null;
    }

    /** Records the first reply; later ones (duplicates, retransmitted SYNs) are ignored. */
    void answer(PathReply r) {
        if (reply == null) {
            reply = r;
        }
    }

    /** The wall clock just before the send call, to time replies from kernel receive stamps ({@link KernelTime}). */
    void sentAtRealtime(long realtimeNanos) {
        this.sentRealtimeNanos = realtimeNanos;
    }

    /** The kernel's transmit stamp of this probe, when its socket reported one. */
    void transmittedAt(long realtimeNanos) {
        this.transmittedNanos = realtimeNanos;
    }

    /** From the kernel's send stamp (else the time before the send call) to the kernel's {@code receivedNanos}; -1 if unknown. */
    long kernelRttTo(long receivedNanos) {
        long start = transmittedNanos >= 0 ? transmittedNanos : sentRealtimeNanos;
        return receivedNanos < 0 || start < 0 ? -1 : receivedNanos - start;
    }

    /**
     * Milliseconds from this probe's send to its answer: {@code kernelRttNanos} where the kernel timed it (see
     * {@link KernelTime#roundTrip}), else from the send on the monotonic clock to {@code nanos}, when the answer was read.
     */
    double millisTo(long nanos, long kernelRttNanos) {
        return KernelTime.roundTrip(nanos - sentNanos, kernelRttNanos) / 1_000_000.0;
    }

    /**
     * True when nothing more is worth waiting for among {@code probes}: each is answered, or the path ended — the
     * destination answered or a hop said unreachable — at some TTL and every probe up to that TTL is answered (later
     * ones only find the destination again, as traceroute stops looking at them).
     */
    static boolean settled(List<PathProbe> probes) {
        int end = Integer.MAX_VALUE;
        for (PathProbe p : probes) {
            if (p.answered() && p.reply().kind() != PathReply.Kind.TIME_EXCEEDED) {
                end = Math.min(end, p.ttl());
            }
        }
        for (PathProbe p : probes) {
            if (!p.answered() && p.ttl() <= end) {
                return false;
            }
        }
        return true;
    }
}
