package io.waddleperf.iperf3.stream;

import io.waddleperf.iperf3.StreamResult;
import io.waddleperf.iperf3.TcpStats;
import java.io.IOException;
import java.nio.channels.Channel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One data stream of a test, moved by its own thread: the shared bookkeeping (id, role, published byte count, the
 * omit-period snapshot, stop and close) of the four stream kinds, used alike by our client and server.
 */
public abstract sealed class DataStream implements Runnable
        permits TcpSendStream, TcpReceiveStream, UdpSendStream, UdpReceiveStream {

    private static final Logger LOG = LoggerFactory.getLogger(DataStream.class);

    /**
     * Counters at one instant, for interval reports; UDP fields are 0 on TCP streams.
     *
     * @param tcp a TCP sender's kernel figures at that instant, null on other streams or when they cannot be read
     */
    public record Counters(long bytes, long packets, long lost, long outOfOrder, double jitterSeconds, TcpStats tcp) {

        public Counters(long bytes, long packets, long lost, long outOfOrder, double jitterSeconds) {
            this(bytes, packets, lost, outOfOrder, jitterSeconds, null);
        }
    }

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
        this.omitDone = context.params().omitSeconds() == 0;
    }

    /** Stream ids as iperf3 numbers them: 1, then 3, 4, 5, … ({@code iperf_add_stream}). */
    public static int streamId(int index) {
        return index == 0 ? 1 : index + 2;
    }

    public final int id() {
        return id;
    }

    /** Whether this side sends on the stream. */
    public abstract boolean sender();

    /** Bytes moved so far, omit period included. */
    public final long bytes() {
        return bytes;
    }

    /** Monotonic instant the stream ended, 0 while it runs. */
    public final long endNanos() {
        return endNanos;
    }

    /** The I/O error that ended the stream before it was stopped, or null. */
    public final IOException failure() {
        return failure;
    }

    /** Counters now, for interval reports (read from another thread). */
    public Counters counters() {
        return new Counters(bytes, 0, 0, 0, 0);
    }

    /** The moving loop; returns when stopped or the peer closed. */
    abstract void transfer() throws IOException;

    /** Records the omit snapshot the first time the clock passes the end of the omit period. */
    final void checkOmit(long nowNanos) {
        if (!omitDone && nowNanos - context.omitEndNanos() >= 0) {
            omitDone = true;
            snapshotOmitted();
        }
    }

    void snapshotOmitted() {
        omittedBytes = bytes;
    }

    /** Last moment the socket is open: a TCP sender reads its final kernel figures here. */
    void beforeClose() {
    }

    /** This stream's entry in the results; call after the thread ended. */
    public abstract StreamResult result();

    /** Seconds the stream ran after the omit period, as iperf3's {@code end_time}. */
    final double measuredSeconds() {
        long end = endNanos != 0 ? endNanos : System.nanoTime();
        long from = Math.max(context.startNanos(), Math.min(context.omitEndNanos(), end));
        return (end - from) / 1e9;
    }

    @Override
    public final void run() {
        IOException error = null;
        try {
            transfer();
        } catch (IOException e) {
            error = e;
        } finally {
            finish(error);
        }
    }

    /**
     * Records the end of the moving loop, whoever ran it (this stream's thread, or a {@link TcpReceiveGroup}): the
     * error unless the stream was being stopped, and the end instant unless one was marked.
     */
    final void finish(IOException error) {
        if (error != null && !stopping) {
            failure = error;
            LOG.debug("iperf3 stream {} ended: {}", id, error.toString());
        }
        if (endNanos == 0) {
            endNanos = System.nanoTime();
        }
    }

    /**
     * Marks the end of the measured period without closing: a receiver keeps counting data already in flight (sent
     * before the end) until the peer closes or {@link #stop()} is called.
     */
    public final void markEnd(long nanos) {
        if (endNanos == 0) {
            endNanos = nanos;
        }
    }

    /**
     * Asks the loop to end after the block in progress, without closing: a sender then reports exactly what it
     * wrote (a write cut short by {@link #stop()} cannot tell how much of its block went out).
     */
    public final void requestStop() {
        stopping = true;
    }

    /** Stops the loop and closes the socket, which also wakes a thread blocked in I/O. */
    public final void stop() {
        markEnd(System.nanoTime());
        stopping = true;
        beforeClose();
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("closing iperf3 stream {}: {}", id, e.toString());
        }
    }
}
