package io.waddleperf.iperf3.stream;

import io.waddleperf.iperf3.TcpStatsSource;
import io.waddleperf.iperf3.TestParameters;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the streams of one test share: the parameters, the monotonic start and omit-end instants, and the test-wide
 * byte and block budgets of {@code -n}/{@code -k} (iperf3 counts those over all sending streams of one side), and
 * where TCP senders read their kernel figures.
 */
public final class StreamContext {

    private final TestParameters params;
    private final long startNanos;
    private final long omitEndNanos;
    private final TcpStatsSource tcpStats;
    private final AtomicLong bytesSent = new AtomicLong();
    private final AtomicLong blocksSent = new AtomicLong();

    /** A context whose TCP senders cannot read kernel figures (retransmits -1). */
    public StreamContext(TestParameters params, long startNanos) {
        this(params, startNanos, TcpStatsSource.UNAVAILABLE);
    }

    public StreamContext(TestParameters params, long startNanos, TcpStatsSource tcpStats) {
        this.params = params;
        this.startNanos = startNanos;
        this.omitEndNanos = startNanos + params.omitSeconds() * 1_000_000_000L;
        this.tcpStats = java.util.Objects.requireNonNull(tcpStats, "tcpStats");
    }

    /** Where TCP senders read their connection's retransmits, cwnd and RTT. */
    public TcpStatsSource tcpStats() {
        return tcpStats;
    }

    public TestParameters params() {
        return params;
    }

    /** Monotonic instant ({@link System#nanoTime()}) the test started. */
    public long startNanos() {
        return startNanos;
    }

    /** Monotonic instant the omit period ends (equal to the start without {@code -O}). */
    public long omitEndNanos() {
        return omitEndNanos;
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
