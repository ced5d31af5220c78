package io.waddleperf.iperf3.stream;

import io.waddleperf.iperf3.StreamResult;
import io.waddleperf.iperf3.UdpHeader;
import io.waddleperf.iperf3.UdpReceiveStats;
import java.io.IOException;
import java.net.PortUnreachableException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/** A UDP stream on which the server receives, keeping iperf3's loss, order and jitter accounting. */
public final class UdpReceiveStream extends DataStream {

    private final DatagramChannel channel;
    private final UdpReceiveStats stats = new UdpReceiveStats();
    private UdpReceiveStats.Snapshot omitted = new UdpReceiveStats().snapshot();

    public UdpReceiveStream(int id, StreamContext context, DatagramChannel channel) {
        super(id, context, channel);
        this.channel = channel;
    }

    @Override
    public boolean sender() {
        return false;
    }

    @Override
    void transfer() throws IOException {
        boolean wide = context.params().udpCounters64bit();
        int header = UdpHeader.size(wide);
        ByteBuffer datagram = ByteBuffer.allocateDirect(65_536);
        long received = 0;
        while (!stopping) {
            datagram.clear();
            int n;
            try {
                n = channel.read(datagram);
            } catch (PortUnreachableException e) {
                continue;
            }
            long now = System.nanoTime();
            if (n < header) {
                continue;
            }
            stats.record(n, UdpHeader.packetCount(datagram, wide), UdpHeader.sentNanos(datagram), now);
            received += n;
            bytes = received;
            checkOmit(now);
        }
    }

    @Override
    public Counters counters() {
        long b = bytes; // the volatile read first: the stats written before it are visible after it
        UdpReceiveStats.Snapshot s = stats.snapshot();
        return new Counters(b, s.packetCount(), s.lost(), s.outOfOrder(), s.jitterSeconds());
    }

    @Override
    void snapshotOmitted() {
        super.snapshotOmitted();
        omitted = stats.snapshot();
    }

    @Override
    public StreamResult result() {
        UdpReceiveStats.Snapshot s = stats.snapshot();
        return new StreamResult(id, bytes - omittedBytes, -1, s.jitterSeconds(), s.lost(), omitted.lost(),
                s.packetCount(), omitted.packetCount(), measuredSeconds());
    }
}
