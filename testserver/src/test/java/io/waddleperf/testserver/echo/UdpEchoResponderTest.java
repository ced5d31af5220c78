package io.waddleperf.testserver.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.waddleperf.core.echo.DropReason;
import io.waddleperf.core.echo.EchoCodec;
import io.waddleperf.core.echo.EchoKey;
import io.waddleperf.core.echo.EchoReply;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class UdpEchoResponderTest {

    private static final InetSocketAddress ANY_LOOPBACK_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private UdpEchoResponder responder;
    private DatagramSocket client;

    private void start(UdpEchoConfig config) throws IOException {
        responder = UdpEchoResponder.start(config);
        client = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        client.connect(responder.localAddress());
        client.setSoTimeout(2_000);
    }

    @AfterEach
    void tearDown() {
        if (client != null) {
            client.close();
        }
        if (responder != null) {
            responder.close();
        }
    }

    private static byte[] request(long seq, int size, EchoKey key) {
        ByteBuffer buf = ByteBuffer.allocate(size);
        EchoCodec.encodeRequest(buf, seq, 1_000 + seq, size, key);
        return buf.array();
    }

    private void send(byte[] datagram) throws IOException {
        client.send(new DatagramPacket(datagram, datagram.length));
    }

    private byte[] receive() throws IOException {
        DatagramPacket p = new DatagramPacket(new byte[70_000], 70_000);
        client.receive(p);
        return Arrays.copyOf(p.getData(), p.getLength());
    }

    private void awaitReceived(long n) {
        await().atMost(Duration.ofSeconds(5)).until(() -> responder.stats().received() >= n);
    }

    @Test
    void binds_port_zero_and_reports_the_chosen_port() throws IOException {
        start(UdpEchoConfig.of(ANY_LOOPBACK_PORT, Set.of()));
        assertThat(responder.port()).isBetween(1, 65535);
        assertThat(responder.localAddress().getAddress().isLoopbackAddress()).isTrue();
    }

    @Test
    void answers_each_request_with_a_reply_of_exactly_its_length() throws IOException {
        start(UdpEchoConfig.of(ANY_LOOPBACK_PORT, Set.of()));
        long before = System.currentTimeMillis() * 1_000_000L;
        int[] sizes = {40, 41, 64, 1_472, 9_000, 65_507};
        for (int i = 0; i < sizes.length; i++) {
            send(request(i, sizes[i], null));
            byte[] reply = receive();
            assertThat(reply).hasSize(sizes[i]);
            EchoReply r = EchoCodec.decodeReply(ByteBuffer.wrap(reply), null).value();
            assertThat(r.sequence()).isEqualTo(i);
            assertThat(r.clientSendNanos()).isEqualTo(1_000 + i);
            assertThat(r.serverProcessingNanos()).isNotNegative();
            assertThat(r.serverReceiveNanos()).isBetween(before - 60_000_000_000L, before + 60_000_000_000L);
        }
        assertThat(responder.stats()).isEqualTo(new UdpEchoResponder.Stats(sizes.length, sizes.length, 0, java.util.Map.of()));
    }

    @Test
    void drops_and_counts_garbage_of_many_shapes_and_keeps_serving() throws IOException {
        start(UdpEchoConfig.of(ANY_LOOPBACK_PORT, Set.of()));
        byte[] valid = request(1, 64, null);
        // (No empty datagram: the JDK does not send zero-length datagrams; EchoCodecTest covers empty input.)
        byte[][] garbage = {
                {0x57},
                Arrays.copyOf(valid, 4),
                Arrays.copyOf(valid, 39),
                with(valid, 4, 2),
                with(valid, 4, 0),
                with(valid, 5, 0x40),
                with(valid, 5, EchoCodec.FLAG_REPLY),
                with(valid, 5, EchoCodec.FLAG_AUTH),
                request(2, 64, EchoKey.of("server-has-no-tokens")),
        };
        for (byte[] g : garbage) {
            send(g);
        }
        Random random = new Random(20261127);
        int randomCount = 200;
        for (int i = 0; i < randomCount; i++) {
            byte[] junk = new byte[random.nextInt(1, 1_500)];
            random.nextBytes(junk);
            junk[0] = junk[0] == 0x57 ? 0x58 : junk[0];
            send(junk);
            if (i % 20 == 19) {
                // paced so the socket buffer (capped by net.core.rmem_max) never overflows: every datagram is counted
                awaitReceived(garbage.length + i + 1);
            }
        }
        awaitReceived(garbage.length + randomCount);

        send(request(99, 64, null));
        byte[] reply = receive();
        assertThat(EchoCodec.decodeReply(ByteBuffer.wrap(reply), null).value().sequence())
                .as("the first datagram back is the valid request's reply: garbage got no answer").isEqualTo(99);

        UdpEchoResponder.Stats s = responder.stats();
        assertThat(s.dropped(DropReason.NOT_ECHO)).isEqualTo(1 + randomCount);
        assertThat(s.dropped(DropReason.TOO_SHORT)).isEqualTo(2);
        assertThat(s.dropped(DropReason.UNKNOWN_VERSION)).isEqualTo(2);
        assertThat(s.dropped(DropReason.BAD_FLAGS)).isEqualTo(1);
        assertThat(s.dropped(DropReason.WRONG_DIRECTION)).isEqualTo(1);
        assertThat(s.dropped(DropReason.UNKNOWN_KEY)).isEqualTo(2);
        assertThat(s.replied()).isEqualTo(1);
        assertThat(s.received()).isEqualTo(s.replied() + s.droppedTotal() + s.sendErrors());
    }

    @Test
    void with_tokens_drops_unauthenticated_and_wrongly_signed_requests() throws IOException {
        start(UdpEchoConfig.of(ANY_LOOPBACK_PORT, Set.of("alpha", "bravo")));
        send(request(1, 64, null));
        send(request(2, 64, EchoKey.of("charlie")));
        send(with(request(3, 64, EchoKey.of("bravo")), 20, 0x7f));
        awaitReceived(3);

        EchoKey bravo = EchoKey.of("bravo");
        send(request(4, 64, bravo));
        EchoReply r = EchoCodec.decodeReply(ByteBuffer.wrap(receive()), bravo).value();
        assertThat(r.sequence()).isEqualTo(4);
        assertThat(r.authenticated()).isTrue();

        UdpEchoResponder.Stats s = responder.stats();
        assertThat(s.dropped(DropReason.AUTH_MISSING)).isEqualTo(1);
        assertThat(s.dropped(DropReason.UNKNOWN_KEY)).isEqualTo(1);
        assertThat(s.dropped(DropReason.BAD_MAC)).isEqualTo(1);
        assertThat(s.replied()).isEqualTo(1);
    }

    @Test
    void limits_each_source_to_its_rate_and_burst() throws IOException {
        start(UdpEchoConfig.of(ANY_LOOPBACK_PORT, Set.of()).withRateLimit(2, 5));
        int sent = 30;
        for (int i = 0; i < sent; i++) {
            send(request(i, 64, null));
        }
        awaitReceived(sent);
        UdpEchoResponder.Stats s = responder.stats();
        // A burst of 5, plus at most a couple refilled at 2/s while a slow machine sends the rest.
        assertThat(s.replied()).isBetween(5L, 8L);
        assertThat(s.dropped(DropReason.RATE_LIMITED)).isEqualTo(sent - s.replied());
        for (long i = 0; i < s.replied(); i++) {
            assertThat(receive()).hasSize(64);
        }
    }

    @Test
    void close_stops_serving_and_frees_the_port() throws IOException {
        start(UdpEchoConfig.of(ANY_LOOPBACK_PORT, Set.of()));
        int port = responder.port();
        responder.close();
        responder.close();
        try {
            send(request(1, 64, null));
        } catch (IOException ignored) {
            // an ICMP port unreachable may already surface here on the connected socket
        }
        try (DatagramChannel rebound = DatagramChannel.open()) {
            rebound.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            assertThat(rebound.getLocalAddress()).isEqualTo(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        }
        assertThat(responder.stats().replied()).isZero();
        client.setSoTimeout(200);
        org.assertj.core.api.Assertions.assertThatThrownBy(this::receive)
                .isInstanceOfAny(SocketTimeoutException.class, java.net.PortUnreachableException.class);
    }

    private static byte[] with(byte[] datagram, int index, int value) {
        byte[] copy = datagram.clone();
        copy[index] = (byte) value;
        return copy;
    }
}
