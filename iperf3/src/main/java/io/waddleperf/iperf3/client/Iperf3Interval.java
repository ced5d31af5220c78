package io.waddleperf.iperf3.client;

import io.waddleperf.iperf3.TcpStats;
import java.util.List;

/**
 * One reporting interval of a client run, as iperf3 prints it: seconds since the test start and each stream's
 * counters over the interval.
 *
 * @param omitted whether the interval lies in the {@code -O} omit period
 */
public record Iperf3Interval(double startSeconds, double endSeconds, boolean omitted, List<Stream> streams) {

    public Iperf3Interval {
        streams = List.copyOf(streams);
    }

    /**
     * One stream over the interval.
     *
     * @param packets UDP datagrams sent or received in the interval (0 for TCP)
     * @param lost UDP datagrams lost in the interval (receiver only)
     * @param jitterSeconds UDP receiver's jitter at the end of the interval
     * @param retransmits a TCP sender's retransmits in the interval, -1 when unknown (receivers, UDP, no figures)
     * @param tcp a TCP sender's kernel figures at the end of the interval (cwnd, RTT, PMTU), or null
     */
    public record Stream(int id, boolean sender, long bytes, long packets, long lost, double jitterSeconds,
            long retransmits, TcpStats tcp) {
    }

    public double seconds() {
        return endSeconds - startSeconds;
    }

    /** Retransmits of the streams in one direction, -1 unless every one of them knows its own. */
    public long retransmits(boolean sender) {
        List<Stream> side = streams.stream().filter(s -> s.sender() == sender).toList();
        return side.isEmpty() || side.stream().anyMatch(s -> s.retransmits() < 0) ? -1
                : side.stream().mapToLong(Stream::retransmits).sum();
    }

    /** Bytes of the streams in one direction ({@code sender} = streams this side sends on). */
    public long bytes(boolean sender) {
        return streams.stream().filter(s -> s.sender() == sender).mapToLong(Stream::bytes).sum();
    }
}
