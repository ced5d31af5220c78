package io.waddleperf.iperf3.server;

import io.waddleperf.iperf3.StreamResult;
import java.io.IOException;
import java.nio.channels.Channel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One data stream of a test, moved by its own thread: the shared bookkeeping (id, role, published byte count, the
 * omit-period snapshot, stop and close) of the four stream kinds.
 */
abstract sealed class DataStream implements Runnable
        permits TcpSendStream, TcpReceiveStream, UdpSendStream, UdpReceiveStream {

    private static final Logger LOG = LoggerFactory.getLogger(DataStream.class);

    final int id;
    final StreamContext context;
    private final Channel channel;
    /** Bytes moved so far; written only by the stream's thread, read by the session and reporter. */
    volatile long bytes;
    /** Bytes moved by the end of the omit period (iperf3's {@code bytes_sent_omit}). */
    long omittedBytes;
    boolean omitDone;
    volatile long endNanos;
    volatile boolean stopping;
    volatile IOException failure;

    DataStream(int id, StreamContext context, Channel channel) {
        this.id = id;
        this.context = context;
        this.channel = channel;
        this.omitDone = context.params.omitSeconds() == 0;
    }

    /** Whether this side sends on the stream. */
    abstract boolean sender();

    /** The moving loop; returns when stopped or the peer closed. */
    abstract void transfer() throws IOException;

    /** Records the omit snapshot the first time the clock passes the end of the omit period. */
    final void checkOmit(long nowNanos) {
        if (!omitDone && nowNanos - context.omitEndNanos >= 0) {
            omitDone = true;
            snapshotOmitted();
        }
    }

    void snapshotOmitted() {
        omittedBytes = bytes;
    }

    /** This stream's entry in the results; call after the thread ended. */
    abstract StreamResult result();

    /** Seconds the stream ran after the omit period, as iperf3's {@code end_time}. */
    final double measuredSeconds() {
        long end = endNanos != 0 ? endNanos : System.nanoTime();
        long from = Math.max(context.startNanos, Math.min(context.omitEndNanos, end));
        return (end - from) / 1e9;
    }

    @Override
    public final void run() {
        try {
            transfer();
        } catch (IOException e) {
            if (!stopping) {
                failure = e;
                LOG.debug("iperf3 stream {} ended: {}", id, e.toString());
            }
        } finally {
            if (endNanos == 0) {
                endNanos = System.nanoTime();
            }
        }
    }

    /** Stops the loop and closes the socket, which also wakes a thread blocked in I/O. */
    final void stop() {
        if (endNanos == 0) {
            endNanos = System.nanoTime();
        }
        stopping = true;
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("closing iperf3 stream {}: {}", id, e.toString());
        }
    }
}
