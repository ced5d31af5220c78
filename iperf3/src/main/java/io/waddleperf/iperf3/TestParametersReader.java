package io.waddleperf.iperf3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The server-side reading and range checks of a parameters message ({@code get_parameters}, {@code src/iperf_api.c}). */
final class TestParametersReader {

    private TestParametersReader() {
    }

    static TestParameters read(ObjectNode j) throws Iperf3Exception {
        Protocol protocol = protocol(j);
        int omit = bounded(j, "omit", 0, TestParameters.MAX_OMIT_SECONDS, Iperf3Error.IEOMIT);
        int time = bounded(j, "time", 0, TestParameters.MAX_TIME_SECONDS, Iperf3Error.IEDURATION);
        long num = TestParameters.number(j, "num");
        long blocks = TestParameters.number(j, "blockcount");
        if (num < 0 || blocks < 0) {
            throw new Iperf3Exception(Iperf3Error.IEENDCONDITIONS, "num and blockcount must not be negative");
        }
        int parallel = j.has("parallel")
                ? bounded(j, "parallel", 1, TestParameters.MAX_STREAMS, Iperf3Error.IENUMSTREAMS) : 1;
        boolean reverse = flag(j, "reverse");
        boolean bidir = flag(j, "bidirectional");
        if (reverse && bidir) {
            throw new Iperf3Exception(Iperf3Error.IEREVERSEBIDIR, "both reverse and bidirectional are set");
        }
        int window = bounded(j, "window", 0, TestParameters.MAX_WINDOW_BYTES, Iperf3Error.IEBUFSIZE);
        int len;
        if (protocol == Protocol.UDP) {
            len = j.has("len") ? bounded(j, "len", TestParameters.MIN_UDP_BLOCK_BYTES,
                    TestParameters.MAX_UDP_BLOCK_BYTES, Iperf3Error.IEUDPBLOCKSIZE) : 0;
        } else {
            len = j.has("len") ? bounded(j, "len", 1, TestParameters.MAX_TCP_BLOCK_BYTES, Iperf3Error.IEBLOCKSIZE) : 0;
        }
        long bandwidth = nonNegative(j, "bandwidth");
        long fqrate = nonNegative(j, "fqrate");
        int pacing = (int) Math.min(Integer.MAX_VALUE, nonNegative(j, "pacing_timer"));
        int burst = bounded(j, "burst", 0, TestParameters.MAX_BURST, Iperf3Error.IEBURST);
        int mss = bounded(j, "MSS", 0, TestParameters.MAX_MSS, Iperf3Error.IEMSS);
        int tos = bounded(j, "TOS", 0, 255, Iperf3Error.IEBADTOS);
        int flowLabel = bounded(j, "flowlabel", 0, 0xFFFFF, Iperf3Error.IESETFLOW);
        return new TestParameters(protocol, omit, time, num, blocks, parallel, reverse, bidir, window, len, bandwidth,
                fqrate, pacing, burst, mss, flag(j, "nodelay"), tos, flowLabel, text(j, "title"),
                text(j, "extra_data"), text(j, "congestion"), flag(j, "get_server_output"),
                flag(j, "udp_counters_64bit"), flag(j, "repeating_payload"), flag(j, "zerocopy"),
                flag(j, "dont_fragment"), flag(j, "skip_rx_copy"), text(j, "client_version"), text(j, "authtoken"));
    }

    private static Protocol protocol(ObjectNode j) throws Iperf3Exception {
        Protocol found = null;
        for (Protocol p : Protocol.values()) {
            if (j.has(p.key())) {
                if (found != null) {
                    throw new Iperf3Exception(Iperf3Error.IEPROTOCOL, "both " + found.key() + " and " + p.key());
                }
                found = p;
            }
        }
        if (found == null) {
            throw new Iperf3Exception(Iperf3Error.IEPROTOCOL, "no tcp, udp or sctp key");
        }
        return found;
    }

    private static int bounded(JsonNode j, String key, long min, long max, Iperf3Error error) throws Iperf3Exception {
        if (!j.has(key)) {
            return 0;
        }
        long v = TestParameters.number(j, key);
        if (v < min || v > max) {
            throw new Iperf3Exception(error, key + " = " + v + " is outside " + min + ".." + max);
        }
        return (int) v;
    }

    private static long nonNegative(JsonNode j, String key) throws Iperf3Exception {
        long v = TestParameters.number(j, key);
        if (v < 0) {
            throw new Iperf3Exception(Iperf3Error.IERECVPARAMS, key + " must not be negative: " + v);
        }
        return v;
    }

    /** iperf3 sends flags as {@code true} or as the number 1; it only tests for presence ({@code cJSON_GetObjectItem}). */
    private static boolean flag(JsonNode j, String key) {
        JsonNode v = j.get(key);
        if (v == null || v.isNull()) {
            return false;
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        return !v.isNumber() || v.asLong() != 0;
    }

    private static String text(JsonNode j, String key) throws Iperf3Exception {
        JsonNode v = j.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new Iperf3Exception(Iperf3Error.IERECVPARAMS, "parameter " + key + " is not a string: " + v);
        }
        return v.textValue();
    }
}
