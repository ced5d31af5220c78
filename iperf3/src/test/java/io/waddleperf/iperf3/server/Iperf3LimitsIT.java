package io.waddleperf.iperf3.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.iperf3.Iperf3Error;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The server's maximum test duration and total bit rate limit, seen from Debian's stock iperf3 3.12 client. */
class Iperf3LimitsIT {

    private static final Duration IDLE = Duration.ofSeconds(2);
    private static final long LIMIT_BITS_PER_SECOND = 200_000_000;

    private Iperf3Server server;

    @BeforeEach
    void startServer() throws IOException {
        StockIperf3.assumeInstalled();
        server = Iperf3Server.start(Iperf3ServerConfig.defaults()
                .withBind(InetAddress.getLoopbackAddress(), 0)
                .withIdleTimeout(IDLE)
                .withMaxDuration(Duration.ofSeconds(3))
                .withTotalRateLimit(LIMIT_BITS_PER_SECOND, Duration.ofSeconds(1)));
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    private void awaitIdle() {
        Awaitility.await().atMost(IDLE.plusSeconds(3)).until(() -> server.activeTests() == 0);
    }

    @Test
    void client_asking_for_more_than_the_limit_is_refused_before_any_data() throws Exception {
        StockIperf3.Run run = StockIperf3.client(server.port(), 20, "-u", "-b", "300M", "-t", "1");
        assertThat(run.exitCode()).as(run.output()).isNotZero();
        assertThat(run.output()).contains(Iperf3Error.IETOTALRATE.message());
        awaitIdle();
        StockIperf3.Run bidir = StockIperf3.client(server.port(), 20, "-u", "-b", "120M", "--bidir", "-t", "1");
        assertThat(bidir.output()).as("2 × 120M").contains(Iperf3Error.IETOTALRATE.message());
    }

    @Test
    void client_within_the_limit_completes() throws Exception {
        awaitIdle();
        StockIperf3.Run run = StockIperf3.client(server.port(), 20, "-u", "-b", "50M", "-t", "2", "-J");
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.json().at("/end/sum/bytes").asLong()).isPositive();
    }

    @Test
    void unpaced_tcp_moving_more_than_the_limit_is_stopped_within_the_window() throws Exception {
        awaitIdle();
        long started = System.nanoTime();
        // Loopback TCP moves gigabits per second; the 1 s average passes 200 Mbit/s at the first full window.
        StockIperf3.Run run = StockIperf3.client(server.port(), 20, "-t", "3");
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(run.exitCode()).as(run.output()).isNotZero();
        assertThat(run.output()).contains(Iperf3Error.IETOTALRATE.message());
        assertThat(took).isLessThan(Duration.ofMillis(2900));
        awaitIdle();
        assertThat(StockIperf3.client(server.port(), 20, "-u", "-b", "10M", "-t", "1").exitCode()).isZero();
    }

    @Test
    void longer_test_than_the_server_allows_is_refused() throws Exception {
        awaitIdle();
        // 3.12 clients predate code 37 and print it as a number.
        StockIperf3.Run run = StockIperf3.client(server.port(), 20, "-u", "-b", "1M", "-t", "5");
        assertThat(run.exitCode()).as(run.output()).isNotZero();
        assertThat(run.output()).contains("int_errno=" + Iperf3Error.IEMAXSERVERTESTDURATIONEXCEEDED.code());
        awaitIdle();
        StockIperf3.Run unbounded = StockIperf3.client(server.port(), 20, "-u", "-b", "1M", "-t", "0");
        assertThat(unbounded.output()).as("-t 0 runs forever")
                .contains("int_errno=" + Iperf3Error.IEMAXSERVERTESTDURATIONEXCEEDED.code());
    }

    @Test
    void byte_limited_test_running_past_the_maximum_is_ended_by_the_server() throws Exception {
        awaitIdle();
        // 1 Mbit/s for 100 MB would take minutes; the server ends it after 3 s plus the idle grace.
        long started = System.nanoTime();
        StockIperf3.Run run = StockIperf3.client(server.port(), 20, "-u", "-b", "1M", "-n", "100M");
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(run.exitCode()).as(run.output()).isNotZero();
        assertThat(run.output()).contains("int_errno=" + Iperf3Error.IESERVERTESTDURATIONEXPIRED.code());
        assertThat(took).isBetween(Duration.ofSeconds(3), Duration.ofSeconds(3).plus(IDLE).plusSeconds(4));
    }
}
