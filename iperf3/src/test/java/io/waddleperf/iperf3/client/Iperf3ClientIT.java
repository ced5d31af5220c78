package io.waddleperf.iperf3.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waddleperf.iperf3.Iperf3Error;
import io.waddleperf.iperf3.Iperf3Exception;
import io.waddleperf.iperf3.Protocol;
import io.waddleperf.iperf3.TestParameters;
import io.waddleperf.iperf3.server.Iperf3Server;
import io.waddleperf.iperf3.server.Iperf3ServerConfig;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.data.Percentage;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Our client against a stock {@code iperf3 -s} 3.12 on loopback: every mode completes with both sides agreeing. */
class Iperf3ClientIT {

    private static StockServer stock;

    @BeforeAll
    static void startServer() throws Exception {
        StockServer.assumeInstalled();
        stock = StockServer.start();
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (stock != null) {
            stock.close();
        }
    }

    static TestParameters tcp(int seconds) {
        return TestParameters.tcpDefaults().toBuilder().timeSeconds(seconds).build();
    }

    static TestParameters udp(long rate, int seconds) {
        return TestParameters.tcpDefaults().toBuilder().protocol(Protocol.UDP).timeSeconds(seconds)
                .bandwidthBitsPerSecond(rate).lenBytes(1400).windowBytes(2 * 1024 * 1024).build();
    }

    /**
     * One run; a busy answer, or a refused or reset connection right after the previous test, is retried, since a
     * stock server takes a moment to return to idle after its client left, and 3.12 re-creates its listening socket
     * between tests, resetting a connection queued on the old one (a stock client meets the same window).
     */
    static Iperf3ClientResult run(int port, TestParameters params) throws Exception {
        for (int attempt = 1; ; attempt++) {
            List<Iperf3Interval> live = new ArrayList<>();
            try {
                Iperf3ClientResult r = Iperf3Client.run(Iperf3ClientConfig.of("127.0.0.1", port, params), live::add);
                assertThat(live).isEqualTo(r.intervals());
                return r;
            } catch (java.net.SocketException e) {
                // refused, or reset: a connection queued on the listener 3.12 closes after a test is reset with it
                boolean listenerGap = e instanceof java.net.ConnectException
                        || String.valueOf(e.getMessage()).contains("Connection reset");
                if (!listenerGap || attempt == 20) {
                    throw e;
                }
                Thread.sleep(100);
            } catch (Iperf3Exception e) {
                if (e.error() != Iperf3Error.IEACCESSDENIED || attempt == 20) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    @Test
    void tcp_upload_is_counted_by_both_sides() throws Exception {
        Iperf3ClientResult r = run(stock.port(), tcp(2));
        Iperf3ClientResult.Direction up = r.upstream().orElseThrow();
        assertThat(r.downstream()).isEmpty();
        assertThat(up.senderBytes()).isPositive();
        assertThat(up.receiverBytes()).isBetween((long) (up.senderBytes() * 0.9), up.senderBytes());
        assertThat(r.intervals()).hasSizeBetween(2, 3);
        assertThat(r.remote().cpuUtilTotal()).isPositive();
        assertThat(r.localCpu().totalPercent()).isPositive();
    }

    @Test
    void reverse_tcp_has_the_server_sending() throws Exception {
        Iperf3ClientResult r = run(stock.port(), tcp(2).toBuilder().reverse(true).build());
        Iperf3ClientResult.Direction down = r.downstream().orElseThrow();
        assertThat(r.upstream()).isEmpty();
        assertThat(down.receiverBytes()).isPositive().isBetween((long) (down.senderBytes() * 0.9), down.senderBytes());
    }

    @Test
    void bidirectional_tcp_moves_data_both_ways() throws Exception {
        Iperf3ClientResult r = run(stock.port(), tcp(2).toBuilder().bidirectional(true).build());
        assertThat(r.upstream().orElseThrow().receiverBytes()).isPositive();
        assertThat(r.downstream().orElseThrow().receiverBytes()).isPositive();
        assertThat(r.streams()).extracting(Iperf3ClientResult.StreamInfo::id).containsExactly(1, 3);
    }

    @Test
    void four_parallel_streams_are_numbered_as_iperf3_numbers_them() throws Exception {
        Iperf3ClientResult r = run(stock.port(), tcp(2).toBuilder().parallel(4).build());
        assertThat(r.streams()).extracting(Iperf3ClientResult.StreamInfo::id).containsExactly(1, 3, 4, 5);
        assertThat(r.remote().streams()).allSatisfy(s -> assertThat(s.bytes()).isPositive());
    }

    /**
     * Each direction gets up to three tries and fails only if all three miss: on a shared 2-core machine a receiver
     * descheduled for a few milliseconds drops or leaves datagrams in flight whoever wrote the sender, while a pacing
     * or accounting error repeats in every try (the interop matrix reasons the same way).
     */
    @Test
    void udp_at_100_mbits_keeps_the_rate_without_loss_both_ways() throws Exception {
        for (boolean reverse : new boolean[] {false, true}) {
            List<String> misses = new ArrayList<>();
            for (int attempt = 1; attempt <= 3; attempt++) {
                Iperf3ClientResult r = run(stock.port(), udp(100_000_000, 2).toBuilder().reverse(reverse).build());
                Iperf3ClientResult.Direction d = (reverse ? r.downstream() : r.upstream()).orElseThrow();
                String miss = udpMiss(d);
                if (miss == null) {
                    break;
                }
                misses.add("try " + attempt + ": " + miss);
            }
            assertThat(misses).as("reverse=%s", reverse).hasSizeLessThan(3);
        }
    }

    /** Why a 100 Mbit/s UDP direction missed, or null when it kept the rate with no loss and the counts agree. */
    private static String udpMiss(Iperf3ClientResult.Direction d) {
        if (d.lostPackets() != 0) {
            return d.lostPackets() + " lost: " + d;
        }
        if (Math.abs(d.receiverBitsPerSecond() - 100e6) > 2e6) {
            return "rate " + d.receiverBitsPerSecond() + " not within 2 % of 100 Mbit/s: " + d;
        }
        // iperf3's receiver stops counting at TEST_END: datagrams still in its socket buffer then are neither
        // received nor lost (iperf3 FAQ, "My receiver didn't get all the bytes"). How many depends on how late the
        // receiving process runs: allow what 10 ms at the target rate carries plus 4 datagrams, as the interop matrix
        // does (a fresh-clone CI run at load 5 saw 42 datagrams, 4.7 ms, in flight with none lost).
        long datagram = d.senderBytes() / Math.max(1, d.packets());
        long inFlight = 100_000_000L / 8 / 100 + 4 * datagram;
        if (d.receiverBytes() > d.senderBytes() || d.receiverBytes() < d.senderBytes() - inFlight) {
            return "receiver counted " + d.receiverBytes() + " of " + d.senderBytes() + " sent: " + d;
        }
        return null;
    }

    @Test
    void byte_and_block_limits_end_the_test_in_both_directions() throws Exception {
        TestParameters bytes = tcp(0).toBuilder().numBytes(20L * 1024 * 1024).build();
        assertThat(run(stock.port(), bytes).upstream().orElseThrow().senderBytes())
                .isGreaterThanOrEqualTo(20L * 1024 * 1024).isLessThan(21L * 1024 * 1024);
        TestParameters blocks = tcp(0).toBuilder().blockCount(100).lenBytes(64 * 1024).reverse(true).build();
        assertThat(run(stock.port(), blocks).downstream().orElseThrow().senderBytes()).isEqualTo(100L * 64 * 1024);
    }

    @Test
    void omit_64_bit_counters_and_repeating_payload_are_understood_by_a_stock_server() throws Exception {
        TestParameters p = udp(20_000_000, 2).toBuilder().omitSeconds(1).udpCounters64bit(true)
                .repeatingPayload(true).build();
        Iperf3ClientResult r = run(stock.port(), p);
        Iperf3ClientResult.Direction up = r.upstream().orElseThrow();
        assertThat(up.lostPackets()).isZero();
        assertThat(up.receiverBitsPerSecond()).isCloseTo(20e6, Percentage.withPercentage(5));
        assertThat(r.intervals().getFirst().omitted()).isTrue();
        assertThat(r.intervals().getLast().omitted()).isFalse();
    }

    @Test
    void server_output_comes_back_when_asked_for() throws Exception {
        // A stock server returns its text report (JSON only when it runs with -J itself).
        Iperf3ClientResult r = run(stock.port(), tcp(1).toBuilder().getServerOutput(true).build());
        assertThat(r.remote().serverOutputText()).contains("Accepted connection").contains("receiver");
        try (Iperf3Server ours = Iperf3Server.start(Iperf3ServerConfig.defaults()
                .withBind(InetAddress.getLoopbackAddress(), 0))) {
            Iperf3ClientResult o = run(ours.port(), tcp(1).toBuilder().getServerOutput(true).build());
            assertThat(o.serverOutputJson()).hasValueSatisfying(j -> {
                assertThat(j.at("/start/cookie").asText()).isEqualTo(o.cookie());
                assertThat(j.at("/end/sum_received/bytes").asLong())
                        .isEqualTo(o.upstream().orElseThrow().receiverBytes());
            });
        }
    }

    @Test
    void our_client_and_our_server_agree() throws Exception {
        try (Iperf3Server ours = Iperf3Server.start(Iperf3ServerConfig.defaults()
                .withBind(InetAddress.getLoopbackAddress(), 0).withIdleTimeout(Duration.ofSeconds(3)))) {
            for (TestParameters p : List.of(tcp(1).toBuilder().bidirectional(true).parallel(2).build(),
                    udp(50_000_000, 1).toBuilder().reverse(true).build())) {
                Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> ours.activeTests() == 0);
                Iperf3ClientResult r = run(ours.port(), p);
                for (var d : List.of(r.upstream(), r.downstream())) {
                    // Our server's sender cannot count a block its close cut short: allow one block per stream more received.
                    d.ifPresent(dir -> assertThat(dir.receiverBytes()).as(p.toString()).isPositive()
                            .isLessThanOrEqualTo(dir.senderBytes() + (long) p.parallel() * p.effectiveLenBytes()));
                }
            }
        }
    }

    @Test
    void a_busy_server_answers_access_denied() throws Exception {
        Thread first = Thread.ofVirtual().start(() -> {
            try {
                run(stock.port(), tcp(2));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(500);
        assertThatThrownBy(() -> Iperf3Client.run(Iperf3ClientConfig.of("127.0.0.1", stock.port(), tcp(1)), i -> { }))
                .isInstanceOfSatisfying(Iperf3Exception.class,
                        e -> assertThat(e.error()).isEqualTo(Iperf3Error.IEACCESSDENIED));
        first.join();
    }
}
