package io.waddleperf.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The libc binding against the real kernel: errno capture, options, and a UDP exchange with a java.net peer on loopback. */
class NativeSocketTest {

    @Test
    void captures_errno_of_a_failed_call() {
        assertThatThrownBy(() -> Libc.close(987_654))
                .isInstanceOfSatisfying(NativeException.class, e -> {
                    assertThat(e.errno()).isEqualTo(Errno.EBADF);
                    assertThat(e.call()).isEqualTo("close");
                    assertThat(e.isPermissionDenied()).isFalse();
                })
                .hasMessage("close: EBADF (bad file descriptor)");
        assertThatThrownBy(() -> Libc.socket(12345, LinuxNet.SOCK_DGRAM, 0))
                .isInstanceOfSatisfying(NativeException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EAFNOSUPPORT));
    }

    @Test
    void sets_and_reads_back_ttl_and_mtu_discovery() throws Exception {
        try (NativeSocket s = NativeSocket.open(LinuxNet.AF_INET, LinuxNet.SOCK_DGRAM, 0)) {
            s.setInt(LinuxNet.IPPROTO_IP, LinuxNet.IP_TTL, 7);
            assertThat(s.getInt(LinuxNet.IPPROTO_IP, LinuxNet.IP_TTL)).isEqualTo(7);
            s.setInt(LinuxNet.IPPROTO_IP, LinuxNet.IP_MTU_DISCOVER, LinuxNet.IP_PMTUDISC_PROBE);
            assertThat(s.getInt(LinuxNet.IPPROTO_IP, LinuxNet.IP_MTU_DISCOVER)).isEqualTo(LinuxNet.IP_PMTUDISC_PROBE);
        }
        try (NativeSocket s = NativeSocket.open(LinuxNet.AF_INET6, LinuxNet.SOCK_DGRAM, 0)) {
            s.setInt(LinuxNet.IPPROTO_IPV6, LinuxNet.IPV6_UNICAST_HOPS, 9);
            assertThat(s.getInt(LinuxNet.IPPROTO_IPV6, LinuxNet.IPV6_UNICAST_HOPS)).isEqualTo(9);
            s.setInt(LinuxNet.IPPROTO_IPV6, LinuxNet.IPV6_MTU_DISCOVER, LinuxNet.IPV6_PMTUDISC_DO);
            assertThat(s.getInt(LinuxNet.IPPROTO_IPV6, LinuxNet.IPV6_MTU_DISCOVER)).isEqualTo(LinuxNet.IPV6_PMTUDISC_DO);
        }
    }

    @Test
    void exchanges_udp_datagrams_with_a_java_peer_and_reports_ttl() throws Exception {
        try (DatagramSocket peer = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             NativeSocket s = NativeSocket.open(LinuxNet.AF_INET, LinuxNet.SOCK_DGRAM, 0)) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            s.setInt(LinuxNet.IPPROTO_IP, LinuxNet.IP_RECVTTL, 1);
            InetSocketAddress local = s.localAddress();
            assertThat(local.getAddress()).isEqualTo(InetAddress.getLoopbackAddress());
            assertThat(local.getPort()).isPositive();

            assertThat(s.poll(LinuxNet.POLLIN, Duration.ofMillis(20))).isZero();
            assertThat(s.receive(100, 64, LinuxNet.MSG_DONTWAIT)).isNull();

            byte[] hello = "hello".getBytes(StandardCharsets.US_ASCII);
            assertThat(s.sendTo(hello, (InetSocketAddress) peer.getLocalSocketAddress(), 0)).isEqualTo(5);
            DatagramPacket in = new DatagramPacket(new byte[100], 100);
            peer.setSoTimeout(5000);
            peer.receive(in);
            assertThat(in.getPort()).isEqualTo(local.getPort());

            peer.send(new DatagramPacket("one".getBytes(StandardCharsets.US_ASCII), 3, local));
            peer.send(new DatagramPacket("two".getBytes(StandardCharsets.US_ASCII), 3, local));
            assertThat(s.poll(LinuxNet.POLLIN, Duration.ofSeconds(5)) & LinuxNet.POLLIN).isNotZero();
            Datagram one = s.receive(100, 64, 0);
            assertThat(new String(one.data(), StandardCharsets.US_ASCII)).isEqualTo("one");
            assertThat(one.from()).isEqualTo(peer.getLocalSocketAddress());
            assertThat(one.control(LinuxNet.IPPROTO_IP, LinuxNet.IP_TTL).intValue()).isEqualTo(64);
            Datagram two = s.receiveFrom(2, 0);
            assertThat(two.data()).containsExactly('t', 'w');
            assertThat(two.from()).isEqualTo(peer.getLocalSocketAddress());
        }
    }

    @Test
    void close_is_idempotent_and_later_calls_fail_with_ebadf() throws Exception {
        NativeSocket s = NativeSocket.open(LinuxNet.AF_INET, LinuxNet.SOCK_DGRAM, 0);
        s.close();
        s.close();
        assertThatThrownBy(() -> s.getInt(LinuxNet.IPPROTO_IP, LinuxNet.IP_TTL))
                .isInstanceOfSatisfying(NativeException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EBADF));
    }
}
