package io.waddleperf.iperf3.server;

import io.waddleperf.iperf3.TestParameters;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the streams of one test share: the parameters, the monotonic start and omit-end instants, and the test-wide
 * byte and block budgets of {@code -n}/{@code -k} (iperf3 counts those over all streams of the test).
 */
final class StreamContext {

    final TestParameters params;
    final long startNanos;
    final long omitEndNanos;
    private final AtomicLong bytesSent = new AtomicLong();
    private final AtomicLong blocksSent = new AtomicLong();

    StreamContext(TestParameters params, long startNanos) {
        this.params = params;
        this.startNanos = startNanos;
        this.omitEndNanos = startNanos + params.omitSeconds() * 1_000_000_000L;
    }

    /** Whether a sender may send one more block under {@code num}/{@code blockcount}; counts it if so. */
    boolean takeBlock(int blockBytes) {
        if (params.numBytes() == 0 && params.blockCount() == 0) {
            return true;
        }
        if (params.numBytes() > 0 && bytesSent.getAndAdd(blockBytes) >= params.numBytes()) {
            return false;
        }
        return params.blockCount() <= 0 || blocksSent.getAndIncrement() < params.blockCount();
    }
}
