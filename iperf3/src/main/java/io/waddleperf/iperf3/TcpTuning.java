package io.waddleperf.iperf3;

import java.io.IOException;
import java.nio.channels.SocketChannel;

/**
 * The TCP options of iperf3's {@code -C} ({@code TCP_CONGESTION}) and {@code -M} ({@code TCP_MAXSEG}), which the JDK
 * cannot set. As with {@link TcpStatsSource}, this module (plain Java NIO) leaves them to whoever builds the client
 * or server: {@code io.waddleperf.net} sets them through the socket's file descriptor on Linux.
 */
public interface TcpTuning {

    /** Sets nothing: {@link #available()} is false, and callers say so once and run without the options. */
    TcpTuning UNAVAILABLE = new TcpTuning() {
        @Override
        public boolean available() {
            return false;
        }

        @Override
        public void setCongestion(SocketChannel channel, String algorithm) throws IOException {
            throw new IOException("setting the congestion control is not available here");
        }

        @Override
        public void setMaxSegment(SocketChannel channel, int bytes) throws IOException {
            throw new IOException("setting the MSS is not available here");
        }
    };

    /** Whether this platform can set the options at all. */
    boolean available();

    /**
     * Sets the congestion control of a bound channel; an algorithm the kernel does not have (or does not allow this
     * process) is an {@link IOException} with the kernel's reason.
     */
    void setCongestion(SocketChannel channel, String algorithm) throws IOException;

    /** Sets the MSS of a bound, not yet connected channel (the SYN announces it). */
    void setMaxSegment(SocketChannel channel, int bytes) throws IOException;
}
