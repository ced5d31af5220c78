package io.waddleperf.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The sock_diag request and reply layouts, byte by byte as linux/netlink.h, linux/inet_diag.h and linux/tcp.h lay
 * them out (host order for netlink headers and tcp_info: little-endian on x86-64 and aarch64 Linux).
 */
class SockDiagTest {

    private static final InetSocketAddress LOCAL = new InetSocketAddress(InetAddress.ofLiteral("192.0.2.7"), 0xC001);
    private static final InetSocketAddress REMOTE = new InetSocketAddress(InetAddress.ofLiteral("198.51.100.9"), 5201);

    private static byte[] request(int family, InetSocketAddress local, InetSocketAddress remote) {
        MemorySegment s = MemorySegment.ofArray(new byte[SockDiag.REQUEST_BYTES]);
        SockDiag.encodeRequest(s, 0x01020304, family, local, remote);
        return s.toArray(ValueLayout.JAVA_BYTE);
    }

    @Test
    void ipv4_request_is_nlmsghdr_then_inet_diag_req_v2_for_the_exact_four_tuple() {
        byte[] b = request(LinuxNet.AF_INET, LOCAL, REMOTE);
        assertThat(b).hasSize(72);
        // nlmsghdr: len 72, type SOCK_DIAG_BY_FAMILY (20), flags NLM_F_REQUEST, seq, pid 0.
        assertThat(Arrays.copyOfRange(b, 0, 16)).containsExactly(72, 0, 0, 0, 20, 0, 1, 0, 4, 3, 2, 1, 0, 0, 0, 0);
        // inet_diag_req_v2: AF_INET, IPPROTO_TCP, idiag_ext = 1 << (INET_DIAG_INFO - 1) | 1 << (INET_DIAG_CONG - 1)
        // = 2 | 8, pad, all states.
        assertThat(Arrays.copyOfRange(b, 16, 24)).containsExactly(2, 6, 10, 0, -1, -1, -1, -1);
        // inet_diag_sockid: sport, dport big-endian; src[4], dst[4] with the IPv4 address in the first word.
        assertThat(Arrays.copyOfRange(b, 24, 28)).containsExactly(0xC0 - 256, 0x01, 0x14, 0x51);
        assertThat(Arrays.copyOfRange(b, 28, 44)).containsExactly(192 - 256, 0, 2, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        assertThat(Arrays.copyOfRange(b, 44, 48)).containsExactly(198 - 256, 51, 100, 9);
        assertThat(Arrays.copyOfRange(b, 48, 60)).containsOnly(0);
        // idiag_if 0, idiag_cookie {INET_DIAG_NOCOOKIE, INET_DIAG_NOCOOKIE}.
        assertThat(Arrays.copyOfRange(b, 60, 64)).containsOnly(0);
        assertThat(Arrays.copyOfRange(b, 64, 72)).containsOnly(-1);
    }

    @Test
    void ipv6_request_carries_ipv4_peers_mapped() {
        byte[] b = request(LinuxNet.AF_INET6, LOCAL, REMOTE);
        assertThat(b[16]).isEqualTo((byte) 10);
        assertThat(Arrays.copyOfRange(b, 28, 44))
                .containsExactly(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, 192 - 256, 0, 2, 7);
        assertThat(Arrays.copyOfRange(b, 44, 60))
                .containsExactly(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, 198 - 256, 51, 100, 9);
    }

    @Test
    void ipv6_request_carries_the_16_address_bytes() {
        InetSocketAddress l = new InetSocketAddress(InetAddress.ofLiteral("2001:db8::1"), 1);
        InetSocketAddress r = new InetSocketAddress(InetAddress.ofLiteral("2001:db8::2"), 2);
        byte[] b = request(LinuxNet.AF_INET6, l, r);
        assertThat(Arrays.copyOfRange(b, 28, 44)).isEqualTo(l.getAddress().getAddress());
        assertThat(Arrays.copyOfRange(b, 44, 60)).isEqualTo(r.getAddress().getAddress());
    }

    @Test
    void an_ipv6_address_cannot_be_asked_for_as_af_inet() {
        InetSocketAddress v6 = new InetSocketAddress(InetAddress.ofLiteral("2001:db8::1"), 1);
        assertThatThrownBy(() -> request(LinuxNet.AF_INET, v6, REMOTE)).isInstanceOf(IllegalArgumentException.class);
    }

    /** A tcp_info of {@code length} bytes with distinct values in the fields read. */
    private static byte[] tcpInfo(int length) {
        ByteBuffer t = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        putIfRoom(t, 16, 1448); // tcpi_snd_mss
        putIfRoom(t, 60, 1500); // tcpi_pmtu
        putIfRoom(t, 68, 2345); // tcpi_rtt
        putIfRoom(t, 72, 678); // tcpi_rttvar
        putIfRoom(t, 80, 10); // tcpi_snd_cwnd
        putIfRoom(t, 100, 0xFFFFFFF0); // tcpi_total_retrans: unsigned
        putIfRoom(t, 228, 65_536); // tcpi_snd_wnd
        return t.array();
    }

    private static void putIfRoom(ByteBuffer b, int offset, int value) {
        if (offset + 4 <= b.capacity()) {
            b.putInt(offset, value);
        }
    }

    /** nlmsghdr + inet_diag_msg + an INET_DIAG_MEMINFO attribute + INET_DIAG_INFO with {@code info}. */
    private static byte[] diagMessage(int seq, int sport, int dport, byte[] info) {
        return diagMessage(seq, sport, dport, info, null);
    }

    /**
     * nlmsghdr + inet_diag_msg + an INET_DIAG_MEMINFO attribute + INET_DIAG_INFO with {@code info}, then, unless
     * {@code cong} is null, INET_DIAG_CONG with those bytes (padded to 4, as the kernel's nla_put_string pads).
     */
    private static byte[] diagMessage(int seq, int sport, int dport, byte[] info, byte[] cong) {
        int infoAttr = 4 + info.length;
        int congAttr = cong == null ? 0 : 4 + cong.length;
        // nlmsg_len counts the last attribute's padding, as nlmsg_end does
        int len = (int) SockDiag.align(16 + 72 + (4 + 16) + infoAttr) + (int) SockDiag.align(congAttr);
        ByteBuffer b = ByteBuffer.allocate((int) SockDiag.align(len)).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(len).putShort((short) 20).putShort((short) 2).putInt(seq).putInt(0);
        b.put((byte) 10).put((byte) 1).put((byte) 0).put((byte) 0); // AF_INET6, TCP_ESTABLISHED, timer, retrans
        b.order(ByteOrder.BIG_ENDIAN).putShort((short) sport).putShort((short) dport).order(ByteOrder.LITTLE_ENDIAN);
        b.position(16 + 72);
        b.putShort((short) 20).putShort((short) 1); // INET_DIAG_MEMINFO, 16 bytes of payload, skipped
        b.position(b.position() + 16);
        b.putShort((short) infoAttr).putShort((short) 2).put(info);
        if (cong != null) {
            b.position((int) SockDiag.align(b.position()));
            b.putShort((short) congAttr).putShort((short) 4).put(cong);
        }
        return b.array();
    }

    private static SockDiag.Reply decode(byte[] bytes, int seq) throws NativeException {
        return SockDiag.decodeReply(MemorySegment.ofArray(bytes), bytes.length, seq, LOCAL.getPort(), REMOTE.getPort());
    }

    @Test
    void reply_with_tcp_info_gives_retransmits_cwnd_rtt_and_pmtu() throws Exception {
        SockDiag.Reply r = decode(diagMessage(7, LOCAL.getPort(), REMOTE.getPort(), tcpInfo(232)), 7);
        assertThat(r.done()).isTrue();
        assertThat(r.stats()).contains(new TcpInfo(0xFFFFFFF0L, 10, 65_536, 2345, 678, 1500, 1448, null, 1));
    }

    @Test
    void inet_diag_cong_after_the_info_gives_the_congestion_controls_name() throws Exception {
        // "cubic\0" is 6 bytes: attribute length 10, padded to 12 in the message.
        byte[] cubic = {'c', 'u', 'b', 'i', 'c', 0};
        byte[] m = diagMessage(7, LOCAL.getPort(), REMOTE.getPort(), tcpInfo(232), cubic);
        assertThat(m).hasSize(16 + 72 + 20 + 236 + 12);
        assertThat(Arrays.copyOfRange(m, 344, 348)).containsExactly(10, 0, 4, 0);
        assertThat(decode(m, 7).stats()).contains(
                new TcpInfo(0xFFFFFFF0L, 10, 65_536, 2345, 678, 1500, 1448, "cubic", 1));
        // a name filling its attribute without the NUL, and an empty one (no name)
        assertThat(decode(diagMessage(7, LOCAL.getPort(), REMOTE.getPort(), tcpInfo(232),
                new byte[] {'b', 'b', 'r', '2'}), 7).stats().orElseThrow().congestion()).isEqualTo("bbr2");
        assertThat(decode(diagMessage(7, LOCAL.getPort(), REMOTE.getPort(), tcpInfo(232), new byte[] {0}), 7)
                .stats().orElseThrow().congestion()).isNull();
    }

    @Test
    void a_name_without_tcp_info_gives_nothing() throws Exception {
        byte[] m = diagMessage(7, LOCAL.getPort(), REMOTE.getPort(), tcpInfo(232), new byte[] {'r', 'e', 'n', 'o', 0});
        m[16 + 72 + 20 + 2] = 99; // the INET_DIAG_INFO attribute becomes an unknown type
        assertThat(decode(m, 7)).isEqualTo(new SockDiag.Reply(true, Optional.empty()));
    }

    @Test
    void an_older_kernels_shorter_tcp_info_has_no_snd_wnd() throws Exception {
        SockDiag.Reply r = decode(diagMessage(7, LOCAL.getPort(), REMOTE.getPort(), tcpInfo(104)), 7);
        assertThat(r.stats()).contains(new TcpInfo(0xFFFFFFF0L, 10, -1, 2345, 678, 1500, 1448, null, 1));
        assertThat(decode(diagMessage(7, LOCAL.getPort(), REMOTE.getPort(), tcpInfo(100)), 7))
                .isEqualTo(new SockDiag.Reply(true, Optional.empty()));
    }

    @Test
    void messages_of_another_sequence_are_skipped() throws Exception {
        assertThat(decode(diagMessage(6, LOCAL.getPort(), REMOTE.getPort(), tcpInfo(232)), 7).done()).isFalse();
    }

    @Test
    void another_socket_in_answer_to_the_request_means_the_connection_is_gone() throws Exception {
        // The kernel's exact lookup falls back to the listening socket (dport 0) once the connection has gone.
        assertThat(decode(diagMessage(7, LOCAL.getPort(), 0, tcpInfo(232)), 7))
                .isEqualTo(new SockDiag.Reply(true, Optional.empty()));
    }

    @Test
    void a_connection_reset_by_its_peer_reads_as_closed_or_gone_at_once() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(NativePlatform.supported(), "sock_diag needs Linux");
        try (java.net.ServerSocket listener = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                java.net.Socket client = new java.net.Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
                java.net.Socket accepted = listener.accept()) {
            InetSocketAddress local = (InetSocketAddress) accepted.getLocalSocketAddress();
            InetSocketAddress remote = (InetSocketAddress) accepted.getRemoteSocketAddress();
            assertThat(SockDiag.tcpInfoOfJavaSocket(local, remote)).isPresent(); // and the native calls are set up
            client.setSoLinger(true, 0); // close with a reset, as a killed process with unread data does
            client.close();
            Thread.sleep(50);
            long start = System.nanoTime();
            Optional<TcpInfo> info = SockDiag.tcpInfoOfJavaSocket(local, remote);
            assertThat((System.nanoTime() - start) / 1e6).as("ms for the lookup").isLessThan(500.0);
            assertThat(info.isEmpty() || info.get().peerClosed()).as("%s", info).isTrue();
            accepted.close();
            start = System.nanoTime();
            assertThat(SockDiag.tcpInfoOfJavaSocket(local, remote)).isEmpty();
            assertThat((System.nanoTime() - start) / 1e6).as("ms for the lookup of a closed socket").isLessThan(500.0);
        }
    }

    private static byte[] error(int seq, int errno) {
        ByteBuffer b = ByteBuffer.allocate(36).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(36).putShort((short) 2).putShort((short) 0).putInt(seq).putInt(0).putInt(-errno);
        return b.array(); // the echoed request header after the error code stays zero
    }

    @Test
    void enoent_means_no_such_connection_and_other_errors_are_thrown() throws Exception {
        assertThat(decode(error(7, Errno.ENOENT), 7)).isEqualTo(new SockDiag.Reply(true, Optional.empty()));
        assertThatThrownBy(() -> decode(error(7, Errno.EPERM), 7))
                .isInstanceOfSatisfying(NativeException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EPERM));
    }

    @Test
    void a_message_longer_than_the_datagram_is_refused() {
        byte[] m = diagMessage(7, LOCAL.getPort(), REMOTE.getPort(), tcpInfo(232));
        assertThatThrownBy(() -> decode(Arrays.copyOf(m, 60), 7)).isInstanceOf(NativeException.class);
    }

    @Test
    void a_live_loopback_connection_reads_established_until_its_peer_closes() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(NativePlatform.supported(), "sock_diag needs Linux");
        try (java.net.ServerSocket listener = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                java.net.Socket client = new java.net.Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
                java.net.Socket accepted = listener.accept()) {
            InetSocketAddress local = (InetSocketAddress) accepted.getLocalSocketAddress();
            InetSocketAddress remote = (InetSocketAddress) accepted.getRemoteSocketAddress();
            TcpInfo open = SockDiag.tcpInfoOfJavaSocket(local, remote).orElseThrow();
            assertThat(open.state()).isEqualTo(TcpInfo.TCP_ESTABLISHED);
            assertThat(open.peerClosed()).isFalse();
            client.close();
            TcpInfo closed = null;
            for (int i = 0; i < 100 && (closed == null || !closed.peerClosed()); i++) {
                Thread.sleep(10);
                closed = SockDiag.tcpInfoOfJavaSocket(local, remote).orElseThrow();
            }
            assertThat(closed.state()).isEqualTo(TcpInfo.TCP_CLOSE_WAIT);
            assertThat(closed.peerClosed()).isTrue();
        }
    }
}
