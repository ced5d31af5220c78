package io.waddleperf.iperf3.stream;

import io.waddleperf.iperf3.StreamResult;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/** A TCP stream on which the server receives: reads into one large direct buffer and counts bytes. */
public final class TcpReceiveStream extends DataStream {

    /** Read size: at least 256 KiB so a fast sender needs few system calls, whatever its block size. */
    static final int MIN_READ_BYTES = 256 * 1024;

    private final SocketChannel channel;

    public TcpReceiveStream(int id, StreamContext context, SocketChannel channel) {
        super(id, context, channel);
        this.channel = channel;
    }

    @Override
    public boolean sender() {
        return false;
    }

    @Override
    void transfer() throws IOException {
        ByteBuffer buffer = ByteBuffer.allocateDirect(Math.max(MIN_READ_BYTES, context.params().effectiveLenBytes()));
        long received = 0;
        int n;
        while (!stopping && (n = channel.read(buffer)) >= 0) {
            buffer.clear();
            received += n;
            bytes = received;
            checkOmit(System.nanoTime());
        }
    }

    /**
     * One non-blocking read for a {@link TcpReceiveGroup}: counts what arrived; -1 once the peer closed.
     */
    int readOnce(ByteBuffer buffer) throws IOException {
        buffer.clear();
        int n = channel.read(buffer);
        if (n > 0) {
            bytes += n;
            checkOmit(System.nanoTime());
        }
        return n;
    }

    SocketChannel channel() {
        return channel;
    }

    @Override
    public StreamResult result() {
        return new StreamResult(id, bytes - omittedBytes, -1, 0, 0, 0, 0, 0, measuredSeconds());
    }
}
