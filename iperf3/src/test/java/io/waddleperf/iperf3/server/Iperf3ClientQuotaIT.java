package io.waddleperf.iperf3.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.iperf3.Iperf3Error;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The bytes one client address may move through the server's tests ({@link ClientByteQuota}), seen from Debian's
 * stock iperf3 3.12 client: a test that moves past the quota is ended, the next one from that address is refused,
 * and another address has its own quota.
 */
class Iperf3ClientQuotaIT {

    private static final long QUOTA = 200L << 20;
    private static final Duration IDLE = Duration.ofSeconds(2);

    /** A fixed quota per address that never refills: what a window would do within a short test. */
    private final Map<InetAddress, AtomicLong> left = new ConcurrentHashMap<>();
    private final ClientByteQuota quota = new ClientByteQuota() {
        @Override
        public long available(InetAddress client) {
            return left.computeIfAbsent(client, c -> new AtomicLong(QUOTA)).get();
        }

        @Override
        public void charge(InetAddress client, long bytes) {
            left.computeIfAbsent(client, c -> new AtomicLong(QUOTA)).addAndGet(-bytes);
        }
    };

    private Iperf3Server server;

    @BeforeEach
    void startServer() throws IOException {
        StockIperf3.assumeInstalled();
        server = Iperf3Server.start(Iperf3ServerConfig.defaults()
                .withBind(InetAddress.getByName("0.0.0.0"), 0)
                .withIdleTimeout(IDLE)
                .withClientQuota(quota));
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
    void a_test_past_the_quota_is_ended_and_the_next_from_that_address_is_refused() throws Exception {
        long started = System.nanoTime();
        // Loopback TCP moves gigabytes per second: 200 MiB are gone within the first second of a 5 s test.
        StockIperf3.Run run = StockIperf3.client(server.port(), 20, "-t", "5");
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(run.exitCode()).as(run.output()).isNotZero();
        assertThat(run.output()).contains(Iperf3Error.IETOTALRATE.message());
        assertThat(took).isLessThan(Duration.ofSeconds(4));
        long moved = QUOTA - left.get(InetAddress.getByName("127.0.0.1")).get();
        assertThat(moved).as("charged bytes").isGreaterThanOrEqualTo(QUOTA);
        awaitIdle();

        StockIperf3.Run refused = StockIperf3.client(server.port(), 20, "-u", "-b", "1M", "-t", "1");
        assertThat(refused.exitCode()).as(refused.output()).isNotZero();
        assertThat(refused.output()).contains(Iperf3Error.IEACCESSDENIED.message());
        awaitIdle();

        StockIperf3.Run other = StockIperf3.client(server.port(), 20, "-B", "127.0.0.2", "-u", "-b", "1M", "-t", "1");
        assertThat(other.exitCode()).as("another address has its own quota: " + other.output()).isZero();
        assertThat(left.get(InetAddress.getByName("127.0.0.2")).get()).isLessThan(QUOTA);
    }
}
