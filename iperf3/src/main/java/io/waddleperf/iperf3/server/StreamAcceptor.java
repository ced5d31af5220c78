package io.waddleperf.iperf3.server;

import io.waddleperf.iperf3.Iperf3Error;
import io.waddleperf.iperf3.Iperf3Exception;
import io.waddleperf.iperf3.TcpTuning;
import io.waddleperf.iperf3.TestParameters;
import io.waddleperf.iperf3.UdpConnect;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.net.SocketOption;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import jdk.net.ExtendedSocketOptions;

/**
 * Accepts the data streams of one test after CREATE_STREAMS: TCP connections the server routed here by cookie, or UDP
 * streams opened with iperf3's connect/reply datagrams on a listener bound to the server's port
 * ({@code iperf_udp_accept}, {@code src/iperf_udp.c}), and applies the requested socket options.
 */
final class StreamAcceptor {

    /** UDP receive buffer asked for when the client set no window, so a busy machine does not drop at high rates. */
    private static final int UDP_DEFAULT_RCVBUF = 4 * 1024 * 1024;

    private final TestParameters params;
    private final Duration timeout;
    private final TcpTuning tuning;

    StreamAcceptor(TestParameters params, Duration timeout, TcpTuning tuning) {
        this.params = params;
        this.timeout = timeout;
        this.tuning = tuning;
    }

    /** Takes {@code count} TCP data connections from the queue the server feeds, waiting at most the timeout for each. */
    List<SocketChannel> acceptTcp(BlockingQueue<SocketChannel> arrivals, int count, List<SocketChannel> accepted)
            throws Iperf3Exception, IOException, InterruptedException {
        for (int i = 0; i < count; i++) {
            SocketChannel ch = arrivals.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (ch == null) {
                throw new Iperf3Exception(Iperf3Error.IESTREAMACCEPT,
                        "only " + i + " of " + count + " TCP streams arrived within " + timeout);
            }
            accepted.add(ch);
            ch.configureBlocking(true);
            if (params.noDelay()) {
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            }
            // iperf3's server sets the client's algorithm on its listener, so every stream it accepts has it; ours
            // listens for every test at once, so each accepted stream gets it before it carries data. The MSS is
            // not set here: it takes effect only through the SYN, which the client's own -M has already clamped.
            if (params.congestion() != null && tuning.available()) {
                try {
                    tuning.setCongestion(ch, params.congestion());
                } catch (IOException e) {
                    throw new Iperf3Exception(Iperf3Error.IESETCONGESTION, 0, e.getMessage(), e);
                }
            }
            applyCommon(ch, false);
        }
        return accepted;
    }

    /** What to do once the UDP listener is bound: tell the client to create its streams. */
    @FunctionalInterface
    interface ListenerReady {
        void ready() throws IOException, Iperf3Exception;
    }

    /**
     * Accepts {@code count} UDP streams on {@code port}: each first datagram (any 4 bytes, as iperf3 accepts) connects
     * the listening socket to its sender, a fresh listener takes the port, and the connected socket answers "6789".
     * {@code ready} runs once the first listener is bound, so the client's first datagram always finds it.
     */
    List<DatagramChannel> acceptUdp(InetSocketAddress local, int count, List<DatagramChannel> accepted,
            ListenerReady ready) throws Iperf3Exception, IOException {
        DatagramChannel listener = openUdpListener(local);
        try {
            ready.ready();
            for (int i = 0; i < count; i++) {
                DatagramPacket hello = new DatagramPacket(new byte[UdpConnect.SIZE], UdpConnect.SIZE);
                try {
                    listener.socket().receive(hello);
                } catch (SocketTimeoutException e) {
                    throw new Iperf3Exception(Iperf3Error.IESTREAMACCEPT,
                            "only " + i + " of " + count + " UDP streams arrived within " + timeout);
                }
                DatagramChannel stream = listener;
                accepted.add(stream);
                stream.connect(hello.getSocketAddress());
                stream.socket().setSoTimeout(0);
                applyCommon(stream, true);
                listener = openUdpListener(local);
                stream.write(UdpConnect.replyMessage());
            }
        } finally {
            listener.close();
        }
        return accepted;
    }

    private DatagramChannel openUdpListener(InetSocketAddress local) throws IOException {
        DatagramChannel ch = DatagramChannel.open(local.getAddress() instanceof java.net.Inet6Address
                ? java.net.StandardProtocolFamily.INET6 : java.net.StandardProtocolFamily.INET);
        try {
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            ch.bind(local);
            ch.socket().setSoTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            return ch;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private void applyCommon(NetworkChannel ch, boolean udp) throws Iperf3Exception {
        try {
            if (params.windowBytes() > 0) {
                ch.setOption(StandardSocketOptions.SO_SNDBUF, params.windowBytes());
                ch.setOption(StandardSocketOptions.SO_RCVBUF, params.windowBytes());
            } else if (udp) {
                ch.setOption(StandardSocketOptions.SO_RCVBUF, UDP_DEFAULT_RCVBUF);
                ch.setOption(StandardSocketOptions.SO_SNDBUF, UDP_DEFAULT_RCVBUF);
            }
        } catch (IOException e) {
            throw new Iperf3Exception(Iperf3Error.IESETBUF, 0, e.getMessage(), e);
        }
        try {
            if (params.tos() > 0) {
                ch.setOption(StandardSocketOptions.IP_TOS, params.tos());
            }
        } catch (IOException e) {
            throw new Iperf3Exception(Iperf3Error.IESETTOS, 0, e.getMessage(), e);
        }
        if (udp && params.dontFragment()) {
            setIfSupported(ch, ExtendedSocketOptions.IP_DONTFRAGMENT, true);
        }
    }

    private static <T> void setIfSupported(NetworkChannel ch, SocketOption<T> option, T value) throws Iperf3Exception {
        if (!ch.supportedOptions().contains(option)) {
            return;
        }
        try {
            ch.setOption(option, value);
        } catch (IOException e) {
            throw new Iperf3Exception(Iperf3Error.IEINITSTREAM, 0, e.getMessage(), e);
        }
    }

    static <T extends AutoCloseable> void closeAll(List<T> channels) {
        for (T ch : new ArrayList<>(channels)) {
            try {
                ch.close();
            } catch (Exception e) {
                // Closing during cleanup: nothing left to do with a channel that fails to close.
                continue;
            }
        }
    }
}
