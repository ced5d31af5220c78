package io.waddleperf.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Congestion control and MSS set on JDK channels over loopback, each read back independently of the call that set
 * it: through the kernel's socket diagnostics ({@code INET_DIAG_CONG} and {@code tcpi_snd_mss}, what {@code ss -ti}
 * shows), not only through getsockopt.
 */
class JdkSocketOptionsTest {

    private static final String DIFFERENT = "reno";

    private static String systemDefault() throws Exception {
        return Files.readString(Path.of("/proc/sys/net/ipv4/tcp_congestion_control")).strip();
    }

    private static TcpInfo diag(SocketChannel ch) throws Exception {
        return SockDiag.tcpInfo(LinuxNet.AF_INET, (InetSocketAddress) ch.getLocalAddress(),
                (InetSocketAddress) ch.getRemoteAddress()).orElseThrow();
    }

    @Test
    void congestion_and_mss_set_before_connect_hold_for_the_connection() throws Exception {
        // reno differs from the default here, so the read-back cannot pass by leaving the socket alone
        assertThat(systemDefault()).isNotEqualTo(DIFFERENT);
        try (ServerSocketChannel listener = ServerSocketChannel.open()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             SocketChannel client = SocketChannel.open()) {
            client.bind(new InetSocketAddress(0));
            JdkSocketOptions.setTcpCongestion(client, DIFFERENT);
            JdkSocketOptions.setTcpMaxSegment(client, 1000);
            assertThat(JdkSocketOptions.tcpMaxSegment(client)).isEqualTo(1000);
            client.connect(listener.getLocalAddress());
            try (SocketChannel accepted = listener.accept()) {
                assertThat(JdkSocketOptions.tcpCongestion(client)).isEqualTo(DIFFERENT);
                assertThat(diag(client).congestion()).isEqualTo(DIFFERENT);
                assertThat(diag(accepted).congestion()).isEqualTo(systemDefault());
                // the SYN announced 1000 bytes: neither end sends larger segments (timestamps take 12 of them)
                assertThat(diag(client).sndMssBytes()).isBetween(900L, 1000L);
                assertThat(diag(accepted).sndMssBytes()).isBetween(900L, 1000L);
            }
        }
    }

    @Test
    void an_accepted_channel_is_told_apart_from_its_siblings_on_the_same_local_port() throws Exception {
        try (ServerSocketChannel listener = ServerSocketChannel.open()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            List<SocketChannel> open = new ArrayList<>();
            try {
                List<SocketChannel> accepted = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    open.add(SocketChannel.open(listener.getLocalAddress()));
                    SocketChannel a = listener.accept();
                    open.add(a);
                    accepted.add(a);
                }
                JdkSocketOptions.setTcpCongestion(accepted.get(1), DIFFERENT);
                assertThat(diag(accepted.get(1)).congestion()).isEqualTo(DIFFERENT);
                assertThat(diag(accepted.get(0)).congestion()).isEqualTo(systemDefault());
                assertThat(diag(accepted.get(2)).congestion()).isEqualTo(systemDefault());
            } finally {
                for (SocketChannel ch : open) {
                    ch.close();
                }
            }
        }
    }

    @Test
    void an_unknown_algorithm_is_the_kernels_enoent_and_an_unbound_channel_cannot_be_found() throws Exception {
        try (SocketChannel ch = SocketChannel.open()) {
            assertThatThrownBy(() -> JdkSocketOptions.setTcpCongestion(ch, "reno"))
                    .hasMessageContaining("must be bound");
            ch.bind(new InetSocketAddress(0));
            assertThatThrownBy(() -> JdkSocketOptions.setTcpCongestion(ch, "no-such-cc"))
                    .isInstanceOfSatisfying(NativeException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOENT));
            assertThatThrownBy(() -> JdkSocketOptions.setTcpCongestion(ch, "a-name-longer-than-15"))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
