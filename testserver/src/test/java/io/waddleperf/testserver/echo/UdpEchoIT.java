package io.waddleperf.testserver.echo;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.core.echo.DropReason;
import io.waddleperf.core.echo.EchoCodec;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.Source;
import io.waddleperf.core.spec.ProbeOptions;
import io.waddleperf.core.spec.TargetParser;
import io.waddleperf.core.spec.UdpSpec;
import io.waddleperf.probes.ProbeContext;
import io.waddleperf.probes.ProbeRunner;
import io.waddleperf.probes.udp.UdpEchoProber;
import io.waddleperf.testkit.Requirements;
import io.waddleperf.testkit.ResultSchema;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The real udp prober against the real echo responder (and real relays and dead peers) on loopback. */
class UdpEchoIT {

    private static final InetSocketAddress LOOPBACK_ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private UdpEchoResponder responder;

    @BeforeEach
    void startResponder() throws IOException {
        responder = UdpEchoResponder.start(LOOPBACK_ANY_PORT, Set.of());
    }

    @AfterEach
    void stopResponder() {
        responder.close();
    }

    private static UdpSpec spec(int port, int count, Duration interval, Duration timeout, Map<String, String> params) {
        return (UdpSpec) TargetParser.parse("udp://127.0.0.1:" + port,
                new ProbeOptions(count, interval, timeout, 64L, params));
    }

    private static ProbeResult run(UdpSpec spec) {
        return ResultSchema.assertValid(ProbeRunner.runWith(spec, UdpEchoProber.INSTANCE, ProbeContext.of(Source.CLI)));
    }

    @Test
    void answers_100_of_100_with_consistent_statistics() {
        ProbeResult r = run(spec(responder.port(), 100, Duration.ofMillis(2), Duration.ofSeconds(2), Map.of()));

        assertThat(r.success()).as(r.error()).isTrue();
        assertThat(r.targetIp()).isEqualTo("127.0.0.1");
        assertThat(r.packetsSent()).isEqualTo(100);
        assertThat(r.packetsReceived()).isEqualTo(100);
        assertThat(r.packetLossPercent()).isZero();
        assertThat(r.duplicatePackets()).isZero();
        assertThat(r.reorderedPackets()).isZero();
        assertThat(r.sentBytes()).isEqualTo(6_400);
        assertThat(r.receivedBytes()).isEqualTo(6_400);
        assertThat(r.minLatencyMs()).isPositive();
        assertThat(r.minLatencyMs()).isLessThanOrEqualTo(r.p50LatencyMs());
        assertThat(r.p50LatencyMs()).isLessThanOrEqualTo(r.p95LatencyMs());
        assertThat(r.p95LatencyMs()).isLessThanOrEqualTo(r.p99LatencyMs());
        assertThat(r.p99LatencyMs()).isLessThanOrEqualTo(r.maxLatencyMs());
        assertThat(r.latencyMs()).isBetween(r.minLatencyMs(), r.maxLatencyMs());
        assertThat(r.jitterMs()).isNotNegative();
        assertThat(r.ipdvMs()).isNotNegative();
        assertThat(r.stddevLatencyMs()).isNotNegative();
        assertThat(r.rawResults()).containsEntry("protocol_version", 1).containsEntry("authenticated", false)
                .containsKeys("server_processing_avg_ms", "upstream_ipdv_ms", "downstream_ipdv_ms", "send_lag_max_ms");
        assertThat((Double) r.rawResults().get("server_processing_max_ms")).isNotNegative().isLessThan(r.maxLatencyMs());
        assertThat(responder.stats().replied()).isEqualTo(100);
        // Every reply came in, so the run did not sit out its 2 s timeout.
        assertThat(r.durationMs()).isLessThan(1_500.0);
    }

    @Test
    void works_over_ipv6_loopback() throws IOException {
        InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("::1"), 0);
        UdpEchoResponder six;
        try {
            six = UdpEchoResponder.start(v6, Set.of());
        } catch (IOException e) {
            Requirements.require(false, "no IPv6 loopback here: " + e);
            return;
        }
        try (six) {
            UdpSpec spec = (UdpSpec) TargetParser.parse("udp://[::1]:" + six.port(),
                    new ProbeOptions(5, Duration.ofMillis(2), Duration.ofMillis(500), 100L, Map.of()));
            ProbeResult r = run(spec);
            assertThat(r.success()).as(r.error()).isTrue();
            assertThat(r.targetIp()).isEqualTo("0:0:0:0:0:0:0:1");
            assertThat(r.packetsReceived()).isEqualTo(5);
            assertThat(r.receivedBytes()).isEqualTo(500);
        }
    }

    @Test
    void a_closed_port_fails_with_connection_refused_and_says_what_was_sent() throws IOException {
        int closedPort;
        try (DatagramChannel gone = DatagramChannel.open()) {
            gone.bind(LOOPBACK_ANY_PORT);
            closedPort = ((InetSocketAddress) gone.getLocalAddress()).getPort();
        }
        ProbeResult r = run(spec(closedPort, 10, Duration.ofMillis(50), Duration.ofSeconds(2), Map.of()));

        assertThat(r.success()).isFalse();
        assertThat(r.error()).startsWith("connection_refused: ICMP port unreachable from 127.0.0.1 port " + closedPort);
        assertThat(r.packetsSent()).isBetween(1L, 10L);
        assertThat(r.packetsReceived()).isZero();
        assertThat(r.packetLossPercent()).isEqualTo(100.0);
        assertThat(r.latencyMs()).isNull();
        assertThat((Integer) r.rawResults().get("icmp_port_unreachable")).isPositive();
        // Linux loopback does not rate-limit ICMP, so the refusal ends the run long before 10 x 50 ms + 2 s.
        assertThat(r.durationMs()).isLessThan(1_500.0);
    }

    @Test
    void accounts_exactly_for_every_fifth_request_lost_on_the_path() throws Exception {
        try (EchoRelay lossy = new EchoRelay(responder.localAddress(),
                d -> EchoRelay.sequenceOf(d) % 5 == 4 ? List.of() : EchoRelay.pass(d), EchoRelay::pass)) {
            ProbeResult r = run(spec(lossy.address().getPort(), 50, Duration.ofMillis(2), Duration.ofMillis(500), Map.of()));

            assertThat(r.success()).as(r.error()).isTrue();
            assertThat(r.packetsSent()).isEqualTo(50);
            assertThat(r.packetsReceived()).isEqualTo(40);
            assertThat(r.packetLossPercent()).isEqualTo(20.0);
            assertThat(r.duplicatePackets()).isZero();
            assertThat(responder.stats().received()).isEqualTo(40);
            assertThat(lossy.requestsIn.get()).isEqualTo(50);
        }
    }

    @Test
    void counts_duplicated_replies_without_counting_them_as_received() throws Exception {
        try (EchoRelay doubling = new EchoRelay(responder.localAddress(), EchoRelay::pass,
                d -> EchoRelay.sequenceOf(d) % 4 == 0 ? List.of(d, d) : EchoRelay.pass(d))) {
            ProbeResult r = run(spec(doubling.address().getPort(), 20, Duration.ofMillis(5), Duration.ofMillis(500), Map.of()));

            assertThat(r.success()).as(r.error()).isTrue();
            assertThat(r.packetsReceived()).isEqualTo(20);
            assertThat(r.duplicatePackets()).isEqualTo(5);
            assertThat(r.packetLossPercent()).isZero();
        }
    }

    @Test
    void counts_replies_that_overtook_each_other_as_reordered() throws Exception {
        List<byte[]> held = Collections.synchronizedList(new ArrayList<>());
        try (EchoRelay swapping = new EchoRelay(responder.localAddress(), EchoRelay::pass, d -> {
            if (EchoRelay.sequenceOf(d) % 2 == 0) {
                held.add(d);
                return List.of();
            }
            List<byte[]> out = new ArrayList<>(List.of(d));
            out.addAll(held);
            held.clear();
            return out;
        })) {
            ProbeResult r = run(spec(swapping.address().getPort(), 20, Duration.ofMillis(5), Duration.ofMillis(500), Map.of()));

            assertThat(r.success()).as(r.error()).isTrue();
            assertThat(r.packetsReceived()).isEqualTo(20);
            assertThat(r.reorderedPackets()).isEqualTo(10);
            assertThat(r.duplicatePackets()).isZero();
        }
    }

    @Test
    void ignores_replies_that_do_not_echo_this_runs_send_time() throws Exception {
        try (EchoRelay forging = new EchoRelay(responder.localAddress(), EchoRelay::pass, d -> {
            if (EchoRelay.sequenceOf(d) % 5 == 3) {
                ByteBuffer.wrap(d).putLong(EchoCodec.OFFSET_CLIENT_SEND, 42L);
            }
            return EchoRelay.pass(d);
        })) {
            ProbeResult r = run(spec(forging.address().getPort(), 10, Duration.ofMillis(2), Duration.ofMillis(300), Map.of()));

            assertThat(r.success()).as(r.error()).isTrue();
            assertThat(r.packetsReceived()).isEqualTo(8);
            assertThat(r.packetLossPercent()).isEqualTo(20.0);
            assertThat(r.rawResults()).containsEntry("invalid_replies", Map.of("timestamp_mismatch", 2));
        }
    }

    @Test
    void rejects_authenticated_replies_altered_on_the_path() throws Exception {
        try (UdpEchoResponder secured = UdpEchoResponder.start(LOOPBACK_ANY_PORT, Set.of("open-sesame"));
             EchoRelay tampering = new EchoRelay(secured.localAddress(), EchoRelay::pass, d -> {
                 if (EchoRelay.sequenceOf(d) % 5 == 0) {
                     d[d.length - 1] ^= 0x01;
                 }
                 return EchoRelay.pass(d);
             })) {
            ProbeResult r = run(spec(tampering.address().getPort(), 10, Duration.ofMillis(2), Duration.ofMillis(300),
                    Map.of("token", "open-sesame")));

            assertThat(r.success()).as(r.error()).isTrue();
            assertThat(r.packetsReceived()).isEqualTo(8);
            assertThat(r.rawResults()).containsEntry("invalid_replies", Map.of("bad_mac", 2));
            assertThat(secured.stats().replied()).isEqualTo(10);
        }
    }

    @Test
    void keeps_sending_on_schedule_when_no_reply_comes() throws Exception {
        try (DatagramChannel dead = DatagramChannel.open()) {
            dead.bind(LOOPBACK_ANY_PORT);
            int port = ((InetSocketAddress) dead.getLocalAddress()).getPort();
            long[] arrivalNanos = new long[20];
            Thread listener = Thread.ofPlatform().daemon().start(() -> {
                ByteBuffer buf = ByteBuffer.allocate(2_048);
                try {
                    for (int i = 0; i < arrivalNanos.length; i++) {
                        buf.clear();
                        dead.receive(buf);
                        arrivalNanos[i] = System.nanoTime();
                    }
                } catch (IOException ignored) {
                    // closed by the test on failure
                }
            });

            ProbeResult r = run(spec(port, 20, Duration.ofMillis(10), Duration.ofMillis(200), Map.of()));
            listener.join(2_000);

            assertThat(r.success()).isFalse();
            assertThat(r.error()).startsWith("no_reply: no reply to 20 datagrams within 200 ms");
            assertThat(r.packetsSent()).isEqualTo(20);
            assertThat(r.packetsReceived()).isZero();
            assertThat(r.packetLossPercent()).isEqualTo(100.0);
            assertThat(arrivalNanos[19]).as("all 20 datagrams reached the silent peer").isPositive();
            double sendingMs = (arrivalNanos[19] - arrivalNanos[0]) / 1e6;
            // 19 intervals of 10 ms = 190 ms; loose bounds for a noisy shared machine.
            assertThat(sendingMs).isBetween(150.0, 600.0);
            assertThat(r.durationMs()).isGreaterThanOrEqualTo(380.0);
        }
    }

    @Test
    void authenticates_with_the_right_token_and_gets_no_reply_with_a_wrong_one() throws IOException {
        try (UdpEchoResponder secured = UdpEchoResponder.start(LOOPBACK_ANY_PORT, Set.of("open-sesame"))) {
            ProbeResult ok = run(spec(secured.port(), 10, Duration.ofMillis(2), Duration.ofMillis(500),
                    Map.of("token", "open-sesame")));
            assertThat(ok.success()).as(ok.error()).isTrue();
            assertThat(ok.packetsReceived()).isEqualTo(10);
            assertThat(ok.rawResults()).containsEntry("authenticated", true);

            ProbeResult wrong = run(spec(secured.port(), 10, Duration.ofMillis(2), Duration.ofMillis(300),
                    Map.of("token", "guess")));
            assertThat(wrong.success()).isFalse();
            assertThat(wrong.error()).startsWith("no_reply").endsWith("(check the token)");
            assertThat(wrong.packetsSent()).isEqualTo(10);

            ProbeResult none = run(spec(secured.port(), 5, Duration.ofMillis(2), Duration.ofMillis(300), Map.of()));
            assertThat(none.error()).startsWith("no_reply");

            assertThat(secured.stats().dropped(DropReason.UNKNOWN_KEY)).isEqualTo(10);
            assertThat(secured.stats().dropped(DropReason.AUTH_MISSING)).isEqualTo(5);
            assertThat(secured.stats().replied()).isEqualTo(10);
        }
    }
}
