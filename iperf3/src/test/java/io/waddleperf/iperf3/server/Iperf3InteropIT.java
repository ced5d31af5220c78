package io.waddleperf.iperf3.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Stock iperf3 3.12 clients against our server on 127.0.0.1, port 0: every mode completes with sane numbers. */
class Iperf3InteropIT {

    private static Iperf3Server server;

    @BeforeAll
    static void startServer() throws Exception {
        StockIperf3.assumeInstalled();
        server = Iperf3Server.start(Iperf3ServerConfig.defaults()
                .withBind(InetAddress.getLoopbackAddress(), 0)
                .withIdleTimeout(Duration.ofSeconds(3)));
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    private static JsonNode run(String... args) throws Exception {
        // The previous test's session may still be closing when its client has exited (the client leaves right after
        // IPERF_DONE); a stock iperf3 server has the same window, so wait for the slot rather than race it.
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> server.activeTests() == 0);
        StockIperf3.Run run = StockIperf3.client(server.port(), 30, args);
        assertThat(run.exitCode()).as(run.output()).isZero();
        JsonNode json = run.json();
        assertThat(json.has("error")).as(run.stdout()).isFalse();
        return json;
    }

    /**
     * The end summary of a UDP run, run a second time if the first lost packets or missed the rate by 2 %: the stock
     * client's receiver on a loaded 2-core machine sometimes misses a burst (against a stock server too), while a
     * pacing or accounting error of ours repeats.
     */
    private static JsonNode udpSumRetryingOnce(String... args) throws Exception {
        JsonNode sum = run(args).get("end").get("sum");
        boolean clean = sum.get("lost_packets").asLong() == 0
                && Math.abs(sum.get("bits_per_second").asDouble() / 100e6 - 1) <= 0.02;
        return clean ? sum : run(args).get("end").get("sum");
    }

    @Test
    void tcp_test_completes_and_both_sides_count_bytes() throws Exception {
        JsonNode end = run("-t", "2", "-J").get("end");
        long sent = end.at("/sum_sent/bytes").asLong();
        long received = end.at("/sum_received/bytes").asLong();
        assertThat(sent).isPositive();
        assertThat(received).as("server-received vs client-sent").isBetween(sent / 2, sent);
        assertThat(end.at("/cpu_utilization_percent/remote_total").asDouble()).isPositive();
    }

    @Test
    void reverse_tcp_test_has_the_server_sending() throws Exception {
        JsonNode json = run("-t", "2", "-R", "-J");
        JsonNode end = json.get("end");
        assertThat(json.at("/start/test_start/reverse").asInt()).isEqualTo(1);
        assertThat(end.at("/sum_sent/bytes").asLong()).isPositive();
        assertThat(end.at("/sum_received/bytes").asLong()).isPositive();
        assertThat(end.at("/streams/0/sender/sender").asBoolean()).isFalse();
    }

    @Test
    void bidirectional_tcp_test_moves_data_both_ways() throws Exception {
        JsonNode end = run("-t", "2", "--bidir", "-J").get("end");
        assertThat(end.at("/sum_sent/bytes").asLong()).isPositive();
        assertThat(end.at("/sum_received/bytes").asLong()).isPositive();
        assertThat(end.at("/sum_sent_bidir_reverse/bytes").asLong()).isPositive();
        assertThat(end.at("/sum_received_bidir_reverse/bytes").asLong()).isPositive();
    }

    @Test
    void four_parallel_streams_are_reported_by_id() throws Exception {
        JsonNode end = run("-t", "2", "-P", "4", "-J").get("end");
        assertThat(end.get("streams")).hasSize(4);
        for (JsonNode s : end.get("streams")) {
            assertThat(s.at("/receiver/bytes").asLong()).isPositive();
        }
    }

    @Test
    void udp_at_100_mbits_keeps_the_rate_without_loss() throws Exception {
        JsonNode sum = udpSumRetryingOnce("-u", "-b", "100M", "-t", "2", "-J");
        assertThat(sum.get("lost_packets").asLong()).as(sum.toString()).isZero();
        assertThat(sum.get("bits_per_second").asDouble()).as(sum.toString()).isCloseTo(100e6,
                org.assertj.core.data.Percentage.withPercentage(2));
    }

    @Test
    void reverse_udp_at_100_mbits_is_paced_by_the_server() throws Exception {
        // 1400-byte datagrams and 2 MiB buffers: with the 212 KiB default receive buffer the stock client itself drops
        // bursts on this shared machine, against a stock iperf3 server just the same.
        JsonNode sum = udpSumRetryingOnce("-u", "-b", "100M", "-t", "2", "-R", "-l", "1400", "-w", "2M", "-J");
        assertThat(sum.get("lost_packets").asLong()).as(sum.toString()).isZero();
        assertThat(sum.get("bits_per_second").asDouble()).as(sum.toString()).isCloseTo(100e6,
                org.assertj.core.data.Percentage.withPercentage(2));
    }

    @Test
    void byte_limited_test_stops_after_the_requested_bytes() throws Exception {
        JsonNode end = run("-n", "20M", "-J").get("end");
        assertThat(end.at("/sum_sent/bytes").asLong()).isGreaterThanOrEqualTo(20L * 1024 * 1024);
        assertThat(end.at("/sum_received/bytes").asLong()).isPositive();
    }

    @Test
    void server_output_is_returned_in_iperf3_layout() throws Exception {
        JsonNode json = run("-t", "2", "--get-server-output", "-J");
        JsonNode server = json.get("server_output_json");
        assertThat(server).as(json.toString()).isNotNull();
        assertThat(server.at("/start/cookie").asText()).isEqualTo(json.at("/start/cookie").asText());
        assertThat(server.get("intervals").size()).isGreaterThanOrEqualTo(2);
        assertThat(server.at("/end/sum_received/bytes").asLong())
                .isEqualTo(json.at("/end/sum_received/bytes").asLong());
    }

    @Test
    void omit_period_64_bit_counters_and_repeating_payload_work_together() throws Exception {
        String[] args = {"-u", "-b", "20M", "-R", "-t", "2", "-O", "1", "--udp-counters-64bit",
            "--repeating-payload", "-l", "1400", "-w", "2M", "-J"};
        JsonNode json = run(args);
        JsonNode sum = json.at("/end/sum");
        boolean clean = sum.get("lost_packets").asLong() == 0
                && Math.abs(sum.get("bits_per_second").asDouble() / 20e6 - 1) <= 0.05;
        if (!clean) {
            // As udpSumRetryingOnce: one more run when a loaded machine descheduled a sender or receiver (a CI run
            // under other builds' load saw 18.1 Mbit/s once); a counter or omit error of ours repeats.
            json = run(args);
            sum = json.at("/end/sum");
        }
        // A counter-width mismatch would read garbage sequence numbers and show huge loss.
        assertThat(sum.get("lost_packets").asLong()).as(sum.toString()).isZero();
        assertThat(sum.get("bits_per_second").asDouble()).isCloseTo(20e6,
                org.assertj.core.data.Percentage.withPercentage(5));
        assertThat(json.get("intervals").get(0).at("/sum/omitted").asBoolean()).isTrue();
        // Omitted second excluded: about 2 s of data at 20 Mbit/s, not 3.
        assertThat(sum.get("bytes").asLong()).isBetween(4_000_000L, 5_600_000L);
    }

    @Test
    void block_limited_tests_move_exactly_the_requested_blocks_both_ways() throws Exception {
        for (String[] mode : new String[][] {{}, {"-R"}}) {
            String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(mode),
                    java.util.stream.Stream.of("-k", "200", "-l", "64K", "-J")).toArray(String[]::new);
            JsonNode end = run(args).get("end");
            if (mode.length == 0) {
                assertThat(end.at("/sum_sent/bytes").asLong()).as(String.join(" ", args)).isEqualTo(200L * 64 * 1024);
            } else {
                // Reverse: the stock client ends the test with TEST_END once it has done 200 reads, and a read may
                // return less than a block when the machine is busy, so our sending server may have sent fewer
                // than 200 full blocks by then (seen: 188 under CI load). Never more.
                assertThat(end.at("/sum_sent/bytes").asLong()).as(String.join(" ", args))
                        .isPositive().isLessThanOrEqualTo(200L * 64 * 1024);
            }
            // The receiver may stop counting early: a 3.12 client ends on TEST_END before draining the last reads, and
            // stock iperf3 against itself shows the same (iperf3 FAQ "My receiver didn't get all the bytes"). How much
            // is still in flight then depends on scheduling (a loaded CI machine saw 77 %), so only bound it by the
            // exact sender count.
            assertThat(end.at("/sum_received/bytes").asLong()).as(String.join(" ", args))
                    .isPositive().isLessThanOrEqualTo(200L * 64 * 1024);
        }
    }
}
