package io.waddleperf.probes.udpraw;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.Source;
import io.waddleperf.core.spec.ProbeOptions;
import io.waddleperf.core.spec.UdpRawSpec;
import io.waddleperf.probes.ProbeContext;
import io.waddleperf.probes.ProbeRunner;
import io.waddleperf.testkit.ResultSchema;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class UdpRawProberTest {

    private static final ProbeContext CONTEXT = ProbeContext.of(Source.CLI);

    /**
     * A UDP peer on loopback port 0 that answers each datagram with {@code answer} after {@code delay} (or
     * swallows it when {@code answer} is null).
     */
    private static final class Responder implements AutoCloseable {
        final DatagramSocket socket;
        final AtomicInteger received = new AtomicInteger();
        private final Thread thread;

        Responder(InetAddress bind, byte[] answer) throws IOException {
            this(bind, answer, Duration.ZERO);
        }

        Responder(InetAddress bind, byte[] answer, Duration delay) throws IOException {
            socket = new DatagramSocket(new InetSocketAddress(bind, 0));
            thread = Thread.ofVirtual().start(() -> {
                byte[] buf = new byte[65_536];
                while (!socket.isClosed()) {
                    DatagramPacket in = new DatagramPacket(buf, buf.length);
                    try {
                        socket.receive(in);
                        received.incrementAndGet();
                        if (answer != null) {
                            Thread.sleep(delay);
                            socket.send(new DatagramPacket(answer, answer.length, in.getSocketAddress()));
                        }
                    } catch (IOException | InterruptedException e) {
                        return;
                    }
                }
            });
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws InterruptedException {
            socket.close();
            thread.join();
        }
    }

    private static ProbeResult probe(String host, int port, int count, Duration timeout, String payloadHex) {
        return probe(host, port, count, Duration.ofMillis(20), timeout, payloadHex);
    }

    private static ProbeResult probe(String host, int port, int count, Duration interval, Duration timeout, String payloadHex) {
        Map<String, String> params = payloadHex == null ? Map.of() : Map.of("payload_hex", payloadHex);
        UdpRawSpec spec = UdpRawSpec.of("udp-raw://" + host + ":" + port, host, port,
                new ProbeOptions(count, interval, timeout, null, params));
        return ResultSchema.assertValid(ProbeRunner.runWith(spec, UdpRawProber.INSTANCE, CONTEXT));
    }

    @Test
    void succeeds_with_a_round_trip_time_when_the_peer_answers() throws Exception {
        try (Responder peer = new Responder(InetAddress.getLoopbackAddress(), new byte[] {1, 2, 3, 4, 5})) {
            ProbeResult r = probe("127.0.0.1", peer.port(), 1, Duration.ofSeconds(2), "cafe");

            assertThat(r.success()).as(r.error()).isTrue();
            assertThat(r.error()).isNull();
            assertThat(r.targetIp()).isEqualTo("127.0.0.1");
            assertThat(r.latencyMs()).isPositive().isLessThan(2_000.0);
            assertThat(r.sentBytes()).isEqualTo(2);
            assertThat(r.receivedBytes()).isEqualTo(5);
            assertThat(r.packetsSent()).isEqualTo(1);
            assertThat(r.packetsReceived()).isEqualTo(1);
            assertThat(r.packetLossPercent()).isZero();
            assertThat(r.rawResults()).containsEntry("payload_bytes", 2).containsEntry("late_replies", 0);
            assertThat(peer.received).hasValue(1);
        }
    }

    @Test
    void counts_an_empty_datagram_as_a_reply() throws Exception {
        try (Responder peer = new Responder(InetAddress.getLoopbackAddress(), new byte[0])) {
            ProbeResult r = probe("127.0.0.1", peer.port(), 1, Duration.ofSeconds(2), null);

            assertThat(r.success()).as(r.error()).isTrue();
            assertThat(r.receivedBytes()).isZero();
        }
    }

    @Test
    void makes_count_attempts_over_ipv6() throws Exception {
        try (Responder peer = new Responder(InetAddress.getByName("::1"), new byte[] {7})) {
            ProbeResult r = probe("::1", peer.port(), 4, Duration.ofSeconds(2), null);

            assertThat(r.success()).as(r.error()).isTrue();
            assertThat(r.packetsSent()).isEqualTo(4);
            assertThat(r.packetsReceived()).isEqualTo(4);
            assertThat((List<?>) r.rawResults().get("attempts")).hasSize(4)
                    .allSatisfy(a -> assertThat(attempt(a)).containsEntry("success", true).containsKey("rtt_ms"));
            assertThat(r.minLatencyMs()).isLessThanOrEqualTo(r.p50LatencyMs());
            assertThat(r.p95LatencyMs()).isLessThanOrEqualTo(r.maxLatencyMs());
            assertThat(peer.received).hasValue(4);
        }
    }

    @Test
    void reports_no_reply_not_success_when_the_peer_stays_silent() throws Exception {
        try (Responder peer = new Responder(InetAddress.getLoopbackAddress(), null)) {
            ProbeResult r = probe("127.0.0.1", peer.port(), 2, Duration.ofMillis(200), null);

            assertThat(r.success()).isFalse();
            assertThat(r.error()).startsWith("no_reply");
            assertThat(r.packetsSent()).isEqualTo(2);
            assertThat(r.packetsReceived()).isZero();
            assertThat(r.packetLossPercent()).isEqualTo(100.0);
            assertThat(r.latencyMs()).isNull();
            assertThat(r.durationMs()).isGreaterThanOrEqualTo(380.0);
            assertThat(peer.received).hasValue(2);
        }
    }

    @Test
    void discards_a_late_reply_instead_of_taking_it_as_the_next_answer() throws Exception {
        // Replies come 400 ms after each send, attempts time out after 100 ms and start 800 ms apart: the first
        // reply lands between the attempts and must not count as an answer to the second.
        try (Responder peer = new Responder(InetAddress.getLoopbackAddress(), new byte[] {1}, Duration.ofMillis(400))) {
            ProbeResult r = probe("127.0.0.1", peer.port(), 2, Duration.ofMillis(800), Duration.ofMillis(100), null);

            assertThat(r.success()).isFalse();
            assertThat(r.error()).startsWith("no_reply");
            assertThat(r.packetsReceived()).isZero();
            assertThat(r.rawResults()).containsEntry("late_replies", 1);
        }
    }

    @Test
    void reports_connection_refused_when_the_port_is_unreachable() throws Exception {
        int port;
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            port = s.getLocalPort();
        }
        ProbeResult r = probe("127.0.0.1", port, 2, Duration.ofSeconds(2), null);

        assertThat(r.success()).isFalse();
        assertThat(r.error()).isEqualTo("connection_refused: port unreachable");
        assertThat(r.packetsReceived()).isZero();
        // The ICMP error comes back at once on loopback: no attempt waits out its 2 s timeout.
        assertThat(r.durationMs()).isLessThan(1_900.0);
        assertThat((List<?>) r.rawResults().get("attempts")).hasSize(2)
                .allSatisfy(a -> assertThat(attempt(a)).containsEntry("error", "connection_refused: port unreachable"));
    }

    @Test
    void reports_dns_failure_for_a_name_that_does_not_resolve() {
        ProbeResult r = probe("no-such-host.invalid", 161, 1, Duration.ofSeconds(1), null);

        assertThat(r.success()).isFalse();
        assertThat(r.error()).startsWith("dns_failure");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> attempt(Object rawAttempt) {
        return (Map<String, Object>) rawAttempt;
    }
}
