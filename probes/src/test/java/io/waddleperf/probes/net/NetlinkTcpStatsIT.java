package io.waddleperf.probes.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.iperf3.TcpStats;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Real loopback TCP connections read through sock_diag, in every socket family a Java program ends up with. */
class NetlinkTcpStatsIT {

    private static final int BYTES = 16 * 1024 * 1024;

    /** Connects, moves {@link #BYTES} from client to server, and checks both ends' figures while still connected. */
    private static void check(ProtocolFamily family, String address) throws Exception {
        InetAddress ip = InetAddress.ofLiteral(address);
        try (ServerSocketChannel listener = family == null ? ServerSocketChannel.open()
                : ServerSocketChannel.open(family)) {
            listener.bind(new InetSocketAddress(ip, 0));
            try (SocketChannel client = family == null ? SocketChannel.open() : SocketChannel.open(family)) {
                client.connect(listener.getLocalAddress());
                try (SocketChannel server = listener.accept()) {
                    Thread reader = Thread.ofPlatform().start(() -> drain(server));
                    ByteBuffer block = ByteBuffer.allocateDirect(128 * 1024);
                    for (long sent = 0; sent < BYTES; ) {
                        block.clear();
                        sent += client.write(block);
                    }
                    reader.join();
                    InetSocketAddress local = (InetSocketAddress) client.getLocalAddress();
                    InetSocketAddress remote = (InetSocketAddress) client.getRemoteAddress();
                    TcpStats c = NetlinkTcpStats.INSTANCE.read(local, remote).orElseThrow();
                    assertThat(c.rttMicros()).isPositive();
                    assertThat(c.sndCwndBytes()).isPositive();
                    assertThat(c.totalRetransmits()).isNotNegative();
                    assertThat(c.pmtuBytes()).isPositive();
                    assertThat(c.sndWndBytes()).isPositive(); // this kernel's tcp_info has tcpi_snd_wnd
                    TcpStats s = NetlinkTcpStats.INSTANCE.read((InetSocketAddress) server.getLocalAddress(),
                            (InetSocketAddress) server.getRemoteAddress()).orElseThrow();
                    assertThat(s.sndCwndBytes()).isPositive();
                }
            }
        }
    }

    private static void drain(SocketChannel ch) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(256 * 1024);
        try {
            for (long got = 0; got < BYTES; ) {
                buffer.clear();
                int n = ch.read(buffer);
                if (n < 0) {
                    return;
                }
                got += n;
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void reads_a_dual_stack_sockets_ipv4_connection() throws Exception {
        check(null, "127.0.0.1"); // the JDK's default socket: AF_INET6 with ::ffff:127.0.0.1
    }

    @Test
    void reads_an_af_inet_connection() throws Exception {
        check(StandardProtocolFamily.INET, "127.0.0.1");
    }

    @Test
    void reads_an_ipv6_connection() throws Exception {
        check(StandardProtocolFamily.INET6, "::1");
    }

    @Test
    void a_dual_stack_sockets_ipv4_connection_is_found_as_af_inet_and_as_mapped_af_inet6() throws Exception {
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), 0));
            try (SocketChannel client = SocketChannel.open(listener.getLocalAddress());
                    SocketChannel server = listener.accept()) {
                InetSocketAddress local = (InetSocketAddress) client.getLocalAddress();
                InetSocketAddress remote = (InetSocketAddress) client.getRemoteAddress();
                assertThat(SockDiag.tcpInfo(LinuxNet.AF_INET, local, remote)).isPresent();
                assertThat(SockDiag.tcpInfo(LinuxNet.AF_INET6, local, remote)).isPresent();
                assertThat(server.isConnected()).isTrue();
            }
        }
    }

    @Test
    void an_unknown_connection_reads_as_empty() throws Exception {
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), 0));
            int free = ((InetSocketAddress) listener.getLocalAddress()).getPort();
            Optional<TcpStats> none = NetlinkTcpStats.INSTANCE.read(
                    new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), free),
                    new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), 9));
            assertThat(none).isEmpty();
        }
    }
}
