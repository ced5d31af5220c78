package io.waddleperf.probes.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.Source;
import io.waddleperf.core.spec.ProbeOptions;
import io.waddleperf.core.spec.TcpSpec;
import io.waddleperf.probes.ProbeContext;
import io.waddleperf.probes.ProbeRunner;
import io.waddleperf.testkit.ResultSchema;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TcpProberTest {

    private static final ProbeContext CONTEXT = ProbeContext.of(Source.CLI);

    private static ProbeResult run(String host, int port, Integer count, Duration timeout) {
        TcpSpec spec = TcpSpec.of("tcp://" + host + ":" + port, host, port,
                new ProbeOptions(count, Duration.ofMillis(10), timeout, null, Map.of()));
        return ResultSchema.assertValid(ProbeRunner.runWith(spec, TcpProber.INSTANCE, CONTEXT));
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void connects_to_a_listening_port() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            ProbeResult r = run("127.0.0.1", server.getLocalPort(), null, null);

            assertThat(r.success()).isTrue();
            assertThat(r.error()).isNull();
            assertThat(r.targetIp()).isEqualTo("127.0.0.1");
            assertThat(r.packetsSent()).isEqualTo(1);
            assertThat(r.packetsReceived()).isEqualTo(1);
            assertThat(r.packetLossPercent()).isZero();
            assertThat(r.connectMs()).isPositive().isLessThan(5_000.0);
            assertThat(r.latencyMs()).isEqualTo(r.connectMs());
            assertThat(r.minLatencyMs()).isEqualTo(r.maxLatencyMs()).isEqualTo(r.connectMs());
            assertThat(r.stddevLatencyMs()).isZero();
        }
    }

    @Test
    void connects_over_ipv6_loopback() throws IOException {
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress("::1", 0));
            ProbeResult r = run("::1", server.getLocalPort(), null, null);

            assertThat(r.success()).isTrue();
            assertThat(r.targetIp()).isEqualTo("0:0:0:0:0:0:0:1");
        }
    }

    @Test
    void makes_count_attempts_and_reports_each() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            ProbeResult r = run("localhost", server.getLocalPort(), 5, null);

            assertThat(r.success()).isTrue();
            assertThat(r.packetsSent()).isEqualTo(5);
            assertThat(r.packetsReceived()).isEqualTo(5);
            List<?> attempts = (List<?>) r.rawResults().get("attempts");
            assertThat(attempts).hasSize(5);
            for (Object a : attempts) {
                assertThat(attempt(a)).containsEntry("success", true).containsKey("connect_ms");
            }
            assertThat(r.minLatencyMs()).isLessThanOrEqualTo(r.p50LatencyMs());
            assertThat(r.p50LatencyMs()).isLessThanOrEqualTo(r.p95LatencyMs());
            assertThat(r.p95LatencyMs()).isLessThanOrEqualTo(r.maxLatencyMs());
            assertThat(r.latencyMs()).isBetween(r.minLatencyMs(), r.maxLatencyMs());
            assertThat(r.stddevLatencyMs()).isNotNegative();
        }
    }

    @Test
    void reports_connection_refused_for_a_closed_port() throws IOException {
        ProbeResult r = run("127.0.0.1", closedPort(), 3, null);

        assertThat(r.success()).isFalse();
        assertThat(r.error()).isEqualTo("connection_refused");
        assertThat(r.packetsSent()).isEqualTo(3);
        assertThat(r.packetsReceived()).isZero();
        assertThat(r.packetLossPercent()).isEqualTo(100.0);
        assertThat(r.latencyMs()).isNull();
        assertThat(r.connectMs()).isNull();
        assertThat((List<?>) r.rawResults().get("attempts")).hasSize(3)
                .allSatisfy(a -> assertThat(attempt(a)).containsEntry("error", "connection_refused"));
    }

    @Test
    void reports_dns_failure_for_a_name_that_does_not_resolve() {
        ProbeResult r = run("no-such-host.invalid", 80, null, null);

        assertThat(r.success()).isFalse();
        assertThat(r.error()).startsWith("dns_failure");
        assertThat(r.targetIp()).isNull();
        assertThat(r.packetsSent()).isNull();
    }

    @Test
    void succeeds_with_loss_when_only_some_attempts_connect() throws IOException {
        // A listener that closes itself after its first accepted connection: later attempts are refused.
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        AtomicInteger accepted = new AtomicInteger();
        Thread acceptor = Thread.ofVirtual().start(() -> {
            try (server; Socket s = server.accept()) {
                accepted.incrementAndGet();
            } catch (IOException e) {
                // The test closes the server when it is done.
            }
        });
        try {
            TcpSpec spec = TcpSpec.of("t", "127.0.0.1", server.getLocalPort(),
                    new ProbeOptions(3, Duration.ofMillis(300), null, null, Map.of()));
            ProbeResult r = ResultSchema.assertValid(ProbeRunner.runWith(spec, TcpProber.INSTANCE, CONTEXT));

            assertThat(r.success()).isTrue();
            assertThat(r.packetsSent()).isEqualTo(3);
            assertThat(r.packetsReceived()).isEqualTo(1);
            assertThat(r.packetLossPercent()).isCloseTo(66.667, within(0.001));
            assertThat(r.latencyMs()).isEqualTo(r.connectMs()).isNotNull();
        } finally {
            server.close();
        }
        assertThat(accepted).hasValue(1);
        assertThat(joined(acceptor)).isTrue();
    }

    @Test
    void reports_timeout_when_the_listener_drops_syns() throws IOException {
        // Linux drops a SYN while a listener's accept queue is full (tcp_conn_request: sk_acceptq_is_full),
        // so once the queue is filled and nobody accepts, a further connect can only time out.
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> fillers = new ArrayList<>();
            try {
                boolean full = false;
                for (int i = 0; i < 16 && !full; i++) {
                    Socket s = new Socket();
                    try {
                        s.connect(server.getLocalSocketAddress(), 200);
                        fillers.add(s);
                    } catch (SocketTimeoutException e) {
                        s.close();
                        full = true;
                    }
                }
                assertThat(full).as("accept queue filled").isTrue();

                ProbeResult r = run("127.0.0.1", server.getLocalPort(), 1, Duration.ofMillis(300));

                assertThat(r.success()).isFalse();
                assertThat(r.error()).isEqualTo("timeout");
                assertThat(r.durationMs()).isGreaterThanOrEqualTo(250.0).isLessThan(5_000.0);
            } finally {
                for (Socket s : fillers) {
                    s.close();
                }
            }
        }
    }

    private static boolean joined(Thread t) {
        try {
            t.join(Duration.ofSeconds(5));
            return !t.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> attempt(Object rawAttempt) {
        return (Map<String, Object>) rawAttempt;
    }
}
