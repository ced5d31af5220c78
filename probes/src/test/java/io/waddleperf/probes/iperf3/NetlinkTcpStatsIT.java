package io.waddleperf.probes.iperf3;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.iperf3.TcpStats;
import io.waddleperf.net.Libc;
import io.waddleperf.net.LinuxNet;
import io.waddleperf.net.NativeSocket;
import io.waddleperf.net.SockDiag;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
    // linux/tcp.h; TCP_CA_NAME_MAX is the kernel's (net/tcp.h) bound on a congestion control name
    private static final int TCP_MAXSEG = 2;
    private static final int TCP_CONGESTION = 13;
    private static final int TCP_CA_NAME_MAX = 16;

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
                    assertThat(c.sndMssBytes()).isPositive();
                    assertThat(c.congestion()).isEqualTo(defaultCongestion());
                    TcpStats s = NetlinkTcpStats.INSTANCE.read((InetSocketAddress) server.getLocalAddress(),
                            (InetSocketAddress) server.getRemoteAddress()).orElseThrow();
                    assertThat(s.sndCwndBytes()).isPositive();
                }
            }
        }
    }

    /** The congestion control new sockets of this network namespace get. */
    private static String defaultCongestion() throws IOException {
        return Files.readString(Path.of("/proc/sys/net/ipv4/tcp_congestion_control")).strip();
    }

    /**
     * The socket's own getsockopt answers — what stock iperf3 reads, TCP_MAXSEG of its connected control socket for
     * {@code tcp_mss_default} and TCP_CONGESTION of each data socket for {@code congestion_used} — equal what
     * sock_diag reports for the same connection: {@code tcpi_snd_mss} and the INET_DIAG_CONG name.
     */
    @Test
    void mss_and_congestion_equal_the_sockets_tcp_maxseg_and_tcp_congestion() throws Exception {
        try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.INET);
                Arena arena = Arena.ofConfined()) {
            listener.bind(new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), 0));
            InetSocketAddress remote = (InetSocketAddress) listener.getLocalAddress();
            try (NativeSocket socket = NativeSocket.open(LinuxNet.AF_INET, LinuxNet.SOCK_STREAM, LinuxNet.IPPROTO_TCP)) {
                assertThat(socket.connect(remote)).isTrue();
                try (SocketChannel accepted = listener.accept()) {
                    int maxseg = socket.getInt(LinuxNet.IPPROTO_TCP, TCP_MAXSEG);
                    MemorySegment name = arena.allocate(TCP_CA_NAME_MAX).fill((byte) 0);
                    Libc.getsockopt(socket.fd(), LinuxNet.IPPROTO_TCP, TCP_CONGESTION, name);
                    String congestion = name.getString(0, StandardCharsets.US_ASCII);

                    TcpStats stats = NetlinkTcpStats.INSTANCE.read(socket.localAddress(), remote).orElseThrow();
                    assertThat(maxseg).isPositive();
                    assertThat(stats.sndMssBytes()).isEqualTo(maxseg);
                    assertThat(stats.congestion()).isNotBlank().isEqualTo(congestion);
                    assertThat(accepted.isConnected()).isTrue();
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
