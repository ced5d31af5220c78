package io.waddleperf.iperf3.client;

import io.waddleperf.iperf3.stream.DataStream;
import io.waddleperf.iperf3.stream.IntervalReporter;
import io.waddleperf.iperf3.stream.StreamContext;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the reporter's cumulative samples into per-interval figures, one {@link Iperf3Interval} per sample. A TCP
 * sender's retransmits in an interval are the growth of the kernel's total since the last sample that read it (from 0
 * at the connection's start), as iperf3's {@code iperf_stats_callback} keeps {@code stream_prev_total_retrans}; after a
 * failed read the next interval takes both intervals' share, so the intervals still add up to the total. The server
 * uses it too, for its interval log.
 */
public final class Intervals {

    private final List<DataStream> streams;
    private final StreamContext context;
    private final List<Iperf3Interval> done = new ArrayList<>();
    private IntervalReporter.Sample previous;
    /** Per stream: the kernel's total retransmits at the last sample that read it. */
    private final long[] previousRetransmits;

    public Intervals(List<DataStream> streams, StreamContext context) {
        this.streams = List.copyOf(streams);
        this.context = context;
        List<DataStream.Counters> zero = new ArrayList<>();
        for (int i = 0; i < streams.size(); i++) {
            zero.add(new DataStream.Counters(0, 0, 0, 0, 0));
        }
        this.previous = new IntervalReporter.Sample(context.startNanos(), List.copyOf(zero));
        this.previousRetransmits = new long[streams.size()];
    }

    /** The interval from the previous sample to {@code sample}. */
    public synchronized Iperf3Interval add(IntervalReporter.Sample sample) {
        List<Iperf3Interval.Stream> perStream = new ArrayList<>(streams.size());
        for (int i = 0; i < streams.size(); i++) {
            DataStream.Counters a = previous.counters().get(i);
            DataStream.Counters b = sample.counters().get(i);
            long retransmits = -1;
            if (b.tcp() != null) {
                retransmits = Math.max(0, b.tcp().totalRetransmits() - previousRetransmits[i]);
                previousRetransmits[i] = b.tcp().totalRetransmits();
            }
            perStream.add(new Iperf3Interval.Stream(streams.get(i).id(), streams.get(i).sender(),
                    b.bytes() - a.bytes(), b.packets() - a.packets(), Math.max(0, b.lost() - a.lost()),
                    b.jitterSeconds(), retransmits, b.tcp()));
        }
        long origin = context.startNanos();
        Iperf3Interval interval = new Iperf3Interval((previous.nanos() - origin) / 1e9, (sample.nanos() - origin) / 1e9,
                sample.nanos() - context.omitEndNanos() <= 0 && context.omitEndNanos() != origin, perStream);
        previous = sample;
        done.add(interval);
        return interval;
    }

    synchronized List<Iperf3Interval> all() {
        return List.copyOf(done);
    }
}
