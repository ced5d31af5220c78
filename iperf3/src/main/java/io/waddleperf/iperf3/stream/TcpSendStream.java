package io.waddleperf.iperf3.stream;

import io.waddleperf.iperf3.Payload;
import io.waddleperf.iperf3.StreamResult;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/** A TCP stream on which the server sends ({@code -R} or {@code --bidir}): one block buffer filled once, written again and again. */
public final class TcpSendStream extends DataStream {

    private final SocketChannel channel;

    public TcpSendStream(int id, StreamContext context, SocketChannel channel) {
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
        ByteBuffer block = ByteBuffer.allocateDirect(len);
        Payload.fill(block, context.params().repeatingPayload());
        RatePacer pacer = new RatePacer(context.params().effectiveRateBitsPerSecond(), context.params().burst(),
                context.startNanos());
        long sent = 0;
        while (!stopping && context.takeBlock(len)) {
            pacer.awaitTurn(sent);
            block.clear();
            while (block.hasRemaining()) {
                sent += channel.write(block);
            }
            bytes = sent;
            checkOmit(System.nanoTime());
        }
    }

    @Override
    public StreamResult result() {
        return new StreamResult(id, bytes - omittedBytes, -1, 0, 0, 0, 0, 0, measuredSeconds());
    }
}
