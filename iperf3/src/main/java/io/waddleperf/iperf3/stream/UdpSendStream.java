package io.waddleperf.iperf3.stream;

import io.waddleperf.iperf3.Payload;
import io.waddleperf.iperf3.StreamResult;
import io.waddleperf.iperf3.UdpHeader;
import java.io.IOException;
import java.net.PortUnreachableException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

/**
 * A UDP stream on which the server sends: paced datagrams of {@code len} bytes, each with iperf3's header (send time
 * and counter from 1), from one buffer filled once.
 */
public final class UdpSendStream extends DataStream {

    private final DatagramChannel channel;
    private volatile long packets;
    private long omittedPackets;

    public UdpSendStream(int id, StreamContext context, DatagramChannel channel) {
        super(id, context, channel);
        this.channel = channel;
    }

    @Override
    public boolean sender() {
        return true;
    }

    @Override
    void transfer() throws IOException {
        int len = context.params().effectiveLenBytes();
        boolean wide = context.params().udpCounters64bit();
        ByteBuffer datagram = ByteBuffer.allocateDirect(len);
        Payload.fill(datagram, context.params().repeatingPayload());
        RatePacer pacer = new RatePacer(context.params().effectiveRateBitsPerSecond(), context.params().burst(),
                context.startNanos());
        long sent = 0;
        long count = 0;
        while (!stopping && context.takeBlock(len)) {
            pacer.awaitTurn(sent);
            long now = System.nanoTime();
            UdpHeader.write(datagram, now, count + 1, wide);
            datagram.clear();
            try {
                if (channel.write(datagram) > 0) {
                    // iperf3 numbers only datagrams that left: a failed send leaves no gap in the counter.
                    count++;
                    sent += len;
                    packets = count;
                    bytes = sent;
                }
            } catch (PortUnreachableException e) {
                // An ICMP error from a client whose socket is not (yet or any more) there; the control connection
                // decides when the test ends, so keep to the schedule.
                continue;
            }
            checkOmit(now);
        }
    }

    @Override
    public Counters counters() {
        return new Counters(bytes, packets, 0, 0, 0);
    }

    @Override
    void snapshotOmitted() {
        super.snapshotOmitted();
        omittedPackets = packets;
    }

    @Override
    public StreamResult result() {
        return new StreamResult(id, bytes - omittedBytes, -1, 0, 0, 0, packets, omittedPackets, measuredSeconds());
    }
}
