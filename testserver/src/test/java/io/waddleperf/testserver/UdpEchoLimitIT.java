package io.waddleperf.testserver;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.waddleperf.core.echo.DropReason;
import io.waddleperf.core.echo.EchoCodec;
import io.waddleperf.testserver.echo.UdpEchoResponder;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The UDP echo responder a real test server starts has its per-source rate limit on (irtt's server default: 100
 * requests a second per client), set by {@code udp_echo.rate_per_source}; a flood from one source gets no more than
 * the limit's worth of replies, and the drops are counted and reported in the log.
 */
class UdpEchoLimitIT {

    @TempDir
    Path dataDir;

    /** Sends {@code n} requests as fast as the socket takes them; returns the seconds it took. */
    private static double flood(DatagramSocket s, int n) throws IOException {
        byte[] datagram = new byte[64];
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            ByteBuffer buf = ByteBuffer.wrap(datagram);
            EchoCodec.encodeRequest(buf, i, System.nanoTime(), 64, null);
            s.send(new DatagramPacket(datagram, 64));
            if (i % 200 == 199) {
                // paced a little, so the server's socket buffer does not overflow and every datagram is counted
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private static UdpEchoResponder echo(TestServer server) {
        return server.listener(UdpEchoResponder.class).orElseThrow();
    }

    @Test
    void a_flood_from_one_source_gets_at_most_the_default_rate_and_the_drops_are_reported() throws Exception {
        Logger log = (Logger) LoggerFactory.getLogger(UdpEchoResponder.class);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        log.addAppender(lines);
        TestServerConfig config = LoopbackConfig.of(dataDir, "auth_disabled", "true", "iperf3.enabled", "false");
        assertThat(config.udpEcho().ratePerSource()).isEqualTo(100);
        try (TestServer server = TestServer.start(config, TestServerListeners.standard(Set.of()));
             DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            s.connect(echo(server).localAddress());
            int sent = 5_000;
            double seconds = flood(s, sent);
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> echo(server).stats().received() == sent);
            UdpEchoResponder.Stats stats = echo(server).stats();
            long allowed = config.udpEcho().burstPerSource() + Math.round(100 * seconds) + 5;
            assertThat(stats.replied()).as("replies to %d requests sent in %.2f s", sent, seconds)
                    .isGreaterThanOrEqualTo(config.udpEcho().burstPerSource()).isLessThanOrEqualTo(allowed);
            assertThat(stats.dropped(DropReason.RATE_LIMITED)).isEqualTo(sent - stats.replied());

            echo(server).reportDrops();
            assertThat(lines.list).map(ILoggingEvent::getFormattedMessage)
                    .anySatisfy(m -> assertThat(m).startsWith("event=udp_echo_dropped")
                            .contains("rate_limited=" + stats.dropped(DropReason.RATE_LIMITED))
                            .contains("last_rate_limited_source=127.0.0.1"));
        } finally {
            log.detachAppender(lines);
        }
    }

    @Test
    void the_rate_is_a_setting_and_zero_turns_the_limit_off() throws Exception {
        TestServerConfig config = LoopbackConfig.of(dataDir, "auth_disabled", "true", "iperf3.enabled", "false",
                "udp_echo.rate_per_source", "0");
        try (TestServer server = TestServer.start(config, TestServerListeners.standard(Set.of()));
             DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            s.connect(echo(server).localAddress());
            flood(s, 2_000);
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> echo(server).stats().received() == 2_000);
            assertThat(echo(server).stats().dropped(DropReason.RATE_LIMITED)).isZero();
            assertThat(echo(server).stats().replied()).isEqualTo(2_000);
        }
    }
}
