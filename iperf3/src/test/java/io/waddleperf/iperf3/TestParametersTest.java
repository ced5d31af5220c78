package io.waddleperf.iperf3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class TestParametersTest {

    /** Sent by Debian's iperf3 3.12 for {@code iperf3 -c HOST -t 2} (captured on loopback). */
    private static final String TCP_312 = "{\"tcp\":true,\"omit\":0,\"time\":2,\"num\":0,\"blockcount\":0,"
            + "\"parallel\":1,\"len\":131072,\"pacing_timer\":1000,\"client_version\":\"3.12\"}";
    /** Sent by 3.12 for {@code -u -b 100M -R --get-server-output -O 1 -P 2 -w 1M --repeating-payload
     * --udp-counters-64bit -S 16 --extra-data x -T title -C cubic}. */
    private static final String UDP_312 = "{\"udp\":true,\"omit\":1,\"time\":10,\"num\":0,\"blockcount\":0,"
            + "\"parallel\":2,\"reverse\":true,\"window\":1048576,\"len\":32768,\"bandwidth\":100000000,"
            + "\"pacing_timer\":1000,\"TOS\":16,\"title\":\"title\",\"extra_data\":\"x\",\"congestion\":\"cubic\","
            + "\"get_server_output\":1,\"udp_counters_64bit\":1,\"repeating_payload\":1,\"client_version\":\"3.12\"}";

    private static ObjectNode json(String s) throws Exception {
        return (ObjectNode) JsonFrames.mapper().readTree(s);
    }

    @Test
    void reads_what_a_312_tcp_client_sends() throws Exception {
        TestParameters p = TestParameters.fromJson(json(TCP_312));
        assertThat(p.protocol()).isEqualTo(Protocol.TCP);
        assertThat(p.timeSeconds()).isEqualTo(2);
        assertThat(p.parallel()).isEqualTo(1);
        assertThat(p.effectiveLenBytes()).isEqualTo(131_072);
        assertThat(p.effectiveRateBitsPerSecond()).isZero();
        assertThat(p.clientVersion()).isEqualTo("3.12");
        assertThat(p.totalStreams()).isEqualTo(1);
    }

    @Test
    void reads_every_option_a_312_udp_client_sends() throws Exception {
        TestParameters p = TestParameters.fromJson(json(UDP_312));
        assertThat(p.protocol()).isEqualTo(Protocol.UDP);
        assertThat(p.omitSeconds()).isEqualTo(1);
        assertThat(p.parallel()).isEqualTo(2);
        assertThat(p.reverse()).isTrue();
        assertThat(p.bidirectional()).isFalse();
        assertThat(p.windowBytes()).isEqualTo(1_048_576);
        assertThat(p.lenBytes()).isEqualTo(32_768);
        assertThat(p.bandwidthBitsPerSecond()).isEqualTo(100_000_000L);
        assertThat(p.tos()).isEqualTo(16);
        assertThat(p.title()).isEqualTo("title");
        assertThat(p.extraData()).isEqualTo("x");
        assertThat(p.congestion()).isEqualTo("cubic");
        assertThat(p.getServerOutput()).isTrue();
        assertThat(p.udpCounters64bit()).isTrue();
        assertThat(p.repeatingPayload()).isTrue();
    }

    @Test
    void writing_then_reading_gives_the_same_parameters() throws Exception {
        TestParameters p = TestParameters.fromJson(json(UDP_312));
        assertThat(TestParameters.fromJson(p.toJson())).isEqualTo(p);
        assertThat(p.toJson().toString()).isEqualTo(UDP_312);
        TestParameters tcp = TestParameters.tcpDefaults();
        assertThat(TestParameters.fromJson(tcp.toJson())).isEqualTo(tcp);
    }

    @Test
    void unknown_keys_are_ignored_and_large_rates_fit() throws Exception {
        TestParameters p = TestParameters.fromJson(json(
                "{\"tcp\":true,\"time\":1,\"gso\":1,\"future_key\":[1,2],\"bandwidth\":40000000000}"));
        assertThat(p.bandwidthBitsPerSecond()).isEqualTo(40_000_000_000L);
        assertThat(p.parallel()).isEqualTo(1);
    }

    @Test
    void udp_defaults_are_iperf3s() throws Exception {
        TestParameters p = TestParameters.fromJson(json("{\"udp\":true,\"time\":1}"));
        assertThat(p.effectiveLenBytes()).isEqualTo(TestParameters.DEFAULT_UDP_BLOCK_BYTES);
        assertThat(p.effectiveRateBitsPerSecond()).isEqualTo(1_048_576L);
    }

    @Test
    void bidirectional_doubles_the_streams() throws Exception {
        TestParameters p = TestParameters.fromJson(json("{\"tcp\":true,\"parallel\":3,\"bidirectional\":true}"));
        assertThat(p.totalStreams()).isEqualTo(6);
    }

    @Test
    void bad_values_fail_with_iperf3s_codes() {
        assertCode("{\"tcp\":true,\"parallel\":0}", Iperf3Error.IENUMSTREAMS);
        assertCode("{\"tcp\":true,\"parallel\":129}", Iperf3Error.IENUMSTREAMS);
        assertCode("{\"tcp\":true,\"time\":-1}", Iperf3Error.IEDURATION);
        assertCode("{\"tcp\":true,\"omit\":601}", Iperf3Error.IEOMIT);
        assertCode("{\"tcp\":true,\"window\":600000000}", Iperf3Error.IEBUFSIZE);
        assertCode("{\"udp\":true,\"len\":65508}", Iperf3Error.IEUDPBLOCKSIZE);
        assertCode("{\"tcp\":true,\"len\":0}", Iperf3Error.IEBLOCKSIZE);
        assertCode("{\"tcp\":true,\"TOS\":-1}", Iperf3Error.IEBADTOS);
        assertCode("{\"tcp\":true,\"burst\":1001}", Iperf3Error.IEBURST);
        assertCode("{\"tcp\":true,\"MSS\":40000}", Iperf3Error.IEMSS);
        assertCode("{\"tcp\":true,\"num\":-5}", Iperf3Error.IEENDCONDITIONS);
        assertCode("{\"tcp\":true,\"udp\":true}", Iperf3Error.IEPROTOCOL);
        assertCode("{\"time\":1}", Iperf3Error.IEPROTOCOL);
        assertCode("{\"tcp\":true,\"title\":5}", Iperf3Error.IERECVPARAMS);
        assertCode("{\"tcp\":true,\"bandwidth\":-1}", Iperf3Error.IERECVPARAMS);
    }

    private static void assertCode(String params, Iperf3Error expected) {
        assertThatThrownBy(() -> TestParameters.fromJson(json(params))).as(params)
                .isInstanceOfSatisfying(Iperf3Exception.class, e -> assertThat(e.error()).isEqualTo(expected));
    }
}
