package io.waddleperf.iperf3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class TestResultsTest {

    private static ObjectNode json(String s) throws Exception {
        return (ObjectNode) JsonFrames.mapper().readTree(s);
    }

    @Test
    void results_round_trip_with_every_field_a_stock_peer_reads() throws Exception {
        TestResults r = new TestResults(12.5, 10.0, 2.5, -1, "cubic",
                List.of(new StreamResult(1, 1000, -1, 0.000012, 3, 1, 700, 10, 2.0),
                        new StreamResult(3, 2000, -1, 0, 0, 0, 0, 0, 2.0)),
                JsonFrames.mapper().createObjectNode().put("k", 1), null);
        ObjectNode j = r.toJson();
        for (String key : List.of("cpu_util_total", "cpu_util_user", "cpu_util_system", "sender_has_retransmits")) {
            assertThat(j.has(key)).as(key).isTrue();
        }
        for (String key : List.of("id", "bytes", "retransmits", "jitter", "errors", "omitted_errors", "packets",
                "omitted_packets", "start_time", "end_time")) {
            assertThat(j.at("/streams/0").has(key)).as(key).isTrue();
        }
        assertThat(TestResults.fromJson(j)).isEqualTo(r);
    }

    @Test
    void reads_what_a_312_client_sends_after_a_tcp_test() throws Exception {
        // Shape of iperf3 3.12's send_results for a one-stream TCP sender.
        TestResults r = TestResults.fromJson(json("{\"cpu_util_total\":98.1,\"cpu_util_user\":2.3,"
                + "\"cpu_util_system\":95.8,\"sender_has_retransmits\":1,\"congestion_used\":\"cubic\","
                + "\"streams\":[{\"id\":1,\"bytes\":5418123264,\"retransmits\":0,\"jitter\":0,\"errors\":0,"
                + "\"omitted_errors\":0,\"packets\":0,\"omitted_packets\":0,\"start_time\":0,\"end_time\":2.000043}]}"));
        assertThat(r.streams()).singleElement().satisfies(s -> {
            assertThat(s.bytes()).isEqualTo(5_418_123_264L);
            assertThat(s.endTimeSeconds()).isEqualTo(2.000043);
        });
        assertThat(r.congestionUsed()).isEqualTo("cubic");
    }

    @Test
    void missing_required_numbers_are_a_results_error() {
        assertCode("{\"cpu_util_user\":1,\"cpu_util_system\":1,\"sender_has_retransmits\":0}");
        assertCode("{\"cpu_util_total\":1,\"cpu_util_user\":1,\"cpu_util_system\":1,\"sender_has_retransmits\":0,"
                + "\"streams\":[{\"id\":1,\"bytes\":1,\"retransmits\":0,\"errors\":0,\"packets\":0}]}");
        assertCode("{\"cpu_util_total\":1,\"cpu_util_user\":1,\"cpu_util_system\":1,\"sender_has_retransmits\":0,"
                + "\"streams\":[{\"id\":1,\"bytes\":1,\"retransmits\":0,\"jitter\":0,\"errors\":0,\"packets\":0,"
                + "\"omitted_errors\":0}]}");
        assertCode("{\"cpu_util_total\":1,\"cpu_util_user\":1,\"cpu_util_system\":1,\"sender_has_retransmits\":0,"
                + "\"streams\":{}}");
    }

    @Test
    void numbers_the_results_cannot_carry_back_are_a_results_error() {
        // Found by ResultsFrameFuzzTest: 2e+308 read as Infinity, a 65-bit integer wrapped to a negative figure.
        assertCode("{\"cpu_util_total\":2e+308,\"cpu_util_user\":1,\"cpu_util_system\":1,\"sender_has_retransmits\":0}");
        assertCode("{\"cpu_util_total\":1,\"cpu_util_user\":1,\"cpu_util_system\":36893488147419103232,"
                + "\"sender_has_retransmits\":0}");
    }

    @Test
    void iperf3_receivers_unsigned_minus_one_reads_as_unknown() throws Exception {
        // What Debian's iperf3 3.12 client sends as the receiver of a -R test: its "unknown" -1 as an unsigned 64-bit.
        TestResults r = TestResults.fromJson(json("{\"cpu_util_total\":37.1,\"cpu_util_user\":3.4,"
                + "\"cpu_util_system\":33.6,\"sender_has_retransmits\":18446744073709551615,"
                + "\"congestion_used\":\"bbr\",\"streams\":[{\"id\":1,\"bytes\":1773273088,"
                + "\"retransmits\":18446744073709551615,\"jitter\":0,\"errors\":0,\"packets\":0,"
                + "\"start_time\":0,\"end_time\":2.000308}]}"));
        assertThat(r.senderHasRetransmits()).isEqualTo(-1);
        assertThat(r.streams().getFirst().retransmits()).isEqualTo(-1);
        assertThat(r.streams().getFirst().bytes()).isEqualTo(1773273088L);
    }

    @Test
    void older_peers_without_omitted_counts_or_times_are_accepted() throws Exception {
        TestResults r = TestResults.fromJson(json("{\"cpu_util_total\":1,\"cpu_util_user\":1,\"cpu_util_system\":0,"
                + "\"sender_has_retransmits\":0,\"streams\":[{\"id\":1,\"bytes\":9,\"retransmits\":-1,\"jitter\":0.5,"
                + "\"errors\":2,\"packets\":7}]}"));
        assertThat(r.streams().getFirst()).isEqualTo(new StreamResult(1, 9, -1, 0.5, 2, 0, 7, 0, 0));
    }

    private static void assertCode(String s) {
        assertThatThrownBy(() -> TestResults.fromJson(json(s))).as(s)
                .isInstanceOfSatisfying(Iperf3Exception.class,
                        e -> assertThat(e.error()).isEqualTo(Iperf3Error.IERECVRESULTS));
    }
}
