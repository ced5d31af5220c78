package io.waddleperf.probes.trace;

/**
 * One probe of a trace: sent with {@code ttl} as the {@code serial}-th probe of the run, and its reply once one came
 * (null while none did, and for a lost probe). Written by the one thread that runs the trace.
 */
final class PathProbe {

    private final int ttl;
    private final int serial;
    private long sentNanos;
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

    /** Milliseconds from this probe's send to {@code nanos}. */
    double millisTo(long nanos) {
        return (nanos - sentNanos) / 1_000_000.0;
    }
}
