package io.waddleperf.iperf3.client;

import io.waddleperf.iperf3.Cookie;
import io.waddleperf.iperf3.Iperf3Error;
import io.waddleperf.iperf3.Iperf3Exception;
import io.waddleperf.iperf3.Protocol;
import io.waddleperf.iperf3.TcpTuning;
import io.waddleperf.iperf3.TestParameters;
import io.waddleperf.iperf3.UdpConnect;
import io.waddleperf.iperf3.stream.DataStream;
import io.waddleperf.iperf3.stream.StreamContext;
import io.waddleperf.iperf3.stream.TcpReceiveStream;
import io.waddleperf.iperf3.stream.TcpSendStream;
import io.waddleperf.iperf3.stream.UdpReceiveStream;
import io.waddleperf.iperf3.stream.UdpSendStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens a client's data streams on CREATE_STREAMS ({@code iperf_create_streams}, {@code src/iperf_client_api.c}): with
 * {@code --bidir} first {@code parallel} sending streams, then {@code parallel} receiving ones, otherwise
 * {@code parallel} streams of the test's direction. TCP streams start with the cookie ({@code iperf_tcp_connect}); UDP
 * streams with the "9876" datagram and wait for the server's reply ({@code iperf_udp_connect}).
 */
final class ClientStreams {

    /** UDP socket buffers asked for when the user set no window, so bursts at high rates are not dropped locally. */
    private static final int UDP_DEFAULT_BUFFER = 4 * 1024 * 1024;
    /** Data datagrams a reverse-mode client tolerates before the connect reply ({@code MAX_REVERSE_OUT_OF_ORDER_PACKETS}). */
    private static final int MAX_EARLY_DATAGRAMS = 2;

    /** One opened stream: the channel with its local and remote ends. */
    record Opened(NetworkChannel channel, boolean sender, InetSocketAddress local, InetSocketAddress remote) {
    }

    private final TestParameters params;
    private final InetSocketAddress server;
    private final Cookie cookie;
    private final Duration connectTimeout;
    private final InetAddress bindAddress;
    private final int dataPort;
    private final TcpTuning tuning;
    private final List<Opened> opened = new ArrayList<>();

    ClientStreams(TestParameters params, InetSocketAddress server, Cookie cookie, Duration connectTimeout,
            InetAddress bindAddress, int dataPort, TcpTuning tuning) {
        this.params = params;
        this.server = server;
        this.cookie = cookie;
        this.connectTimeout = connectTimeout;
        this.bindAddress = bindAddress;
        this.dataPort = dataPort;
        this.tuning = tuning;
    }

    /** Whether TCP streams get {@code -C}/{@code -M} set here (else the caller has said they cannot be). */
    private boolean tunes() {
        return tuning.available() && (params.congestion() != null || params.mss() > 0);
    }

    /**
     * iperf3's {@code -M} and {@code -C} on a bound stream before it connects ({@code iperf_tcp_connect}): the MSS
     * must be in place for the SYN to announce it; a value the kernel refuses fails the test as in iperf3.
     */
    private void tune(SocketChannel ch) throws Iperf3Exception {
        if (params.mss() > 0) {
            try {
                tuning.setMaxSegment(ch, params.mss());
            } catch (IOException e) {
                throw new Iperf3Exception(Iperf3Error.IESETMSS, 0, e.getMessage(), e);
            }
        }
        if (params.congestion() != null) {
            try {
                tuning.setCongestion(ch, params.congestion());
            } catch (IOException e) {
                throw new Iperf3Exception(Iperf3Error.IESETCONGESTION, 0, e.getMessage(), e);
            }
        }
    }

    /** The local end the next stream binds to, or null to leave it to connect. */
    private InetSocketAddress localEnd() {
        if (bindAddress == null && dataPort == 0) {
            return null;
        }
        int port = dataPort == 0 ? 0 : dataPort + opened.size();
        return bindAddress == null ? new InetSocketAddress(port) : new InetSocketAddress(bindAddress, port);
    }

    /** iperf3's {@code -S}/{@code --dscp}: the TOS byte (IPv4) or traffic class (IPv6) of the data streams. */
    private void setTos(NetworkChannel ch) throws IOException {
        if (params.tos() != 0) {
            ch.setOption(StandardSocketOptions.IP_TOS, params.tos());
        }
    }

    /** Opens every stream in iperf3's order; on failure the ones already open are closed by {@link #closeAll()}. */
    List<Opened> open() throws IOException, Iperf3Exception {
        for (int i = 0; i < params.totalStreams(); i++) {
            boolean sender = params.bidirectional() ? i < params.parallel() : !params.reverse();
            opened.add(params.protocol() == Protocol.UDP ? openUdp(sender) : openTcp(sender));
        }
        return List.copyOf(opened);
    }

    /** The stream objects for the opened channels, ids as iperf3 numbers them. */
    List<DataStream> streams(StreamContext context) {
        List<DataStream> streams = new ArrayList<>();
        for (int i = 0; i < opened.size(); i++) {
            Opened o = opened.get(i);
            int id = DataStream.streamId(i);
            streams.add(switch (o.channel()) {
                case SocketChannel ch -> o.sender() ? new TcpSendStream(id, context, ch)
                        : new TcpReceiveStream(id, context, ch);
                case DatagramChannel ch -> o.sender() ? new UdpSendStream(id, context, ch)
                        : new UdpReceiveStream(id, context, ch);
                default -> throw new IllegalStateException("unexpected channel " + o.channel());
            });
        }
        return streams;
    }

    private Opened openTcp(boolean sender) throws IOException, Iperf3Exception {
        SocketChannel ch = SocketChannel.open();
        try {
            // Buffers before connect, so the window scale negotiated in the handshake fits them (as iperf3 does).
            setBuffers(ch, params.windowBytes());
            if (params.noDelay()) {
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            }
            setTos(ch);
            InetSocketAddress local = localEnd();
            if (local != null) {
                ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                ch.bind(local);
            } else if (tunes()) {
                // the options reach the socket through its name: give it one (any port) before connecting
                ch.bind(new InetSocketAddress(0));
            }
            if (tunes()) {
                tune(ch);
            }
            ch.socket().connect(server, (int) Math.clamp(connectTimeout.toMillis(), 1, Integer.MAX_VALUE));
            ByteBuffer c = ByteBuffer.wrap(cookie.bytes());
            while (c.hasRemaining()) {
                ch.write(c);
            }
            return new Opened(ch, sender, (InetSocketAddress) ch.getLocalAddress(),
                    (InetSocketAddress) ch.getRemoteAddress());
        } catch (IOException | Iperf3Exception e) {
            ch.close();
            throw e instanceof Iperf3Exception ie ? ie
                    : new Iperf3Exception(Iperf3Error.IESTREAMCONNECT, 0, e.getMessage(), e);
        }
    }

    private Opened openUdp(boolean sender) throws IOException, Iperf3Exception {
        DatagramChannel ch = DatagramChannel.open(server.getAddress() instanceof Inet6Address
                ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        try {
            setBuffers(ch, params.windowBytes() > 0 ? params.windowBytes() : UDP_DEFAULT_BUFFER);
            setTos(ch);
            if (params.dontFragment()) {
                // iperf3's --dont-fragment: IP_MTU_DISCOVER = IP_PMTUDISC_DO on its UDP sockets
                ch.setOption(jdk.net.ExtendedSocketOptions.IP_DONTFRAGMENT, true);
            }
            InetSocketAddress local = localEnd();
            if (local != null) {
                ch.bind(local);
            }
            ch.connect(server);
            ch.write(UdpConnect.connectMessage());
            awaitReply(ch);
            return new Opened(ch, sender, (InetSocketAddress) ch.getLocalAddress(),
                    (InetSocketAddress) ch.getRemoteAddress());
        } catch (IOException | Iperf3Exception e) {
            ch.close();
            throw e instanceof Iperf3Exception ie ? ie
                    : new Iperf3Exception(Iperf3Error.IESTREAMCONNECT, 0, e.getMessage(), e);
        }
    }

    private void awaitReply(DatagramChannel ch) throws IOException, Iperf3Exception {
        ch.socket().setSoTimeout((int) Math.clamp(connectTimeout.toMillis(), 1, Integer.MAX_VALUE));
        DatagramPacket reply = new DatagramPacket(new byte[65_536], 65_536);
        for (int i = 0; i <= MAX_EARLY_DATAGRAMS; i++) {
            try {
                ch.socket().receive(reply);
            } catch (SocketTimeoutException e) {
                throw new Iperf3Exception(Iperf3Error.IESTREAMREAD, "no UDP connect reply within " + connectTimeout);
            }
            if (UdpConnect.isReply(ByteBuffer.wrap(reply.getData(), 0, reply.getLength()))) {
                ch.socket().setSoTimeout(0);
                return;
            }
        }
        throw new Iperf3Exception(Iperf3Error.IESTREAMREAD, "the server's UDP connect reply did not arrive");
    }

    private static void setBuffers(NetworkChannel ch, int bytes) throws Iperf3Exception {
        if (bytes <= 0) {
            return;
        }
        try {
            ch.setOption(StandardSocketOptions.SO_SNDBUF, bytes);
            ch.setOption(StandardSocketOptions.SO_RCVBUF, bytes);
        } catch (IOException e) {
            throw new Iperf3Exception(Iperf3Error.IESETBUF, 0, e.getMessage(), e);
        }
    }

    void closeAll() {
        for (Opened o : opened) {
            try {
                o.channel().close();
            } catch (IOException e) {
                // Cleanup after a failed or finished test: nothing more to do with a channel that will not close.
                continue;
            }
        }
    }
}
