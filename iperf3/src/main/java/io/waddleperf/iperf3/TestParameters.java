package io.waddleperf.iperf3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The parameters a client sends after {@link ControlState#PARAM_EXCHANGE} ({@code send_parameters} /
 * {@code get_parameters}, {@code src/iperf_api.c}; keys in docs/PROTOCOL-iperf3.md). Zero, false or null means "not set",
 * exactly as iperf3 omits those keys; unknown keys are ignored as iperf3 ignores them.
 *
 * @param omitSeconds {@code omit}: seconds at the start not counted
 * @param timeSeconds {@code time}: test duration (0 with a byte or block limit)
 * @param numBytes {@code num}: bytes to send in total (0 = no byte limit)
 * @param blockCount {@code blockcount}: blocks to send in total (0 = no block limit)
 * @param lenBytes {@code len}: block (TCP write) or datagram size
 * @param bandwidthBitsPerSecond {@code bandwidth}: per-stream target rate, 0 = unlimited
 * @param pacingTimerMicros {@code pacing_timer}
 * @param tos {@code TOS} byte
 * @param clientVersion {@code client_version}, e.g. "3.12"
 */
public record TestParameters(
        Protocol protocol,
        int omitSeconds,
        int timeSeconds,
        long numBytes,
        long blockCount,
        int parallel,
        boolean reverse,
        boolean bidirectional,
        int windowBytes,
        int lenBytes,
        long bandwidthBitsPerSecond,
        long fqRateBitsPerSecond,
        int pacingTimerMicros,
        int burst,
        int mss,
        boolean noDelay,
        int tos,
        int flowLabel,
        String title,
        String extraData,
        String congestion,
        boolean getServerOutput,
        boolean udpCounters64bit,
        boolean repeatingPayload,
        boolean zeroCopy,
        boolean dontFragment,
        boolean skipRxCopy,
        String clientVersion,
        String authToken) {

    public static final int MAX_TIME_SECONDS = 86_400;
    public static final int MAX_OMIT_SECONDS = 600;
    public static final int MAX_STREAMS = 128;
    public static final int MAX_TCP_BLOCK_BYTES = 1024 * 1024;
    public static final int MIN_UDP_BLOCK_BYTES = 16;
    public static final int MAX_UDP_BLOCK_BYTES = 65_507;
    public static final int MAX_WINDOW_BYTES = 512 * 1024 * 1024;
    public static final int MAX_BURST = 1000;
    public static final int MAX_MSS = 32_767;
    /** {@code DEFAULT_TCP_BLKSIZE}. */
    public static final int DEFAULT_TCP_BLOCK_BYTES = 128 * 1024;
    /** {@code DEFAULT_UDP_BLKSIZE} when the control connection's MSS is unknown. */
    public static final int DEFAULT_UDP_BLOCK_BYTES = 1460;
    /** {@code UDP_RATE}: 1 Mbit/s as iperf3 counts it (1024 × 1024). */
    public static final long DEFAULT_UDP_RATE_BITS_PER_SECOND = 1024 * 1024;

    /** A TCP test with iperf3's client defaults (1 stream, 10 s, 128 KiB blocks). */
    public static TestParameters tcpDefaults() {
        return new TestParameters(Protocol.TCP, 0, 10, 0, 0, 1, false, false, 0, DEFAULT_TCP_BLOCK_BYTES, 0, 0, 1000,
                0, 0, false, 0, 0, null, null, null, false, false, false, false, false, false, "3.12", null);
    }

    /** A builder starting from these values. */
    public TestParametersBuilder toBuilder() {
        return new TestParametersBuilder(this);
    }

    /** The block size in use: {@code len}, else the protocol's default. */
    public int effectiveLenBytes() {
        if (lenBytes > 0) {
            return lenBytes;
        }
        return protocol == Protocol.UDP ? DEFAULT_UDP_BLOCK_BYTES : DEFAULT_TCP_BLOCK_BYTES;
    }

    /** The per-stream target rate: {@code bandwidth}, else 1 Mbit/s for UDP and unlimited (0) for TCP. */
    public long effectiveRateBitsPerSecond() {
        if (bandwidthBitsPerSecond > 0) {
            return bandwidthBitsPerSecond;
        }
        return protocol == Protocol.UDP ? DEFAULT_UDP_RATE_BITS_PER_SECOND : 0;
    }

    /** How many data streams the server accepts: {@code parallel}, doubled for {@code --bidir}. */
    public int totalStreams() {
        return bidirectional ? 2 * parallel : parallel;
    }

    /** The JSON a client sends, with the keys iperf3's {@code send_parameters} writes for these values. */
    public ObjectNode toJson() {
        ObjectNode j = JsonFrames.mapper().createObjectNode();
        j.put(protocol.key(), true);
        j.put("omit", omitSeconds);
        j.put("time", timeSeconds);
        j.put("num", numBytes);
        j.put("blockcount", blockCount);
        if (mss > 0) {
            j.put("MSS", mss);
        }
        if (noDelay) {
            j.put("nodelay", true);
        }
        j.put("parallel", parallel);
        if (reverse) {
            j.put("reverse", true);
        }
        if (bidirectional) {
            j.put("bidirectional", true);
        }
        putIfSet(j, "window", windowBytes);
        putIfSet(j, "len", lenBytes);
        putIfSet(j, "bandwidth", bandwidthBitsPerSecond);
        putIfSet(j, "fqrate", fqRateBitsPerSecond);
        putIfSet(j, "pacing_timer", pacingTimerMicros);
        putIfSet(j, "burst", burst);
        putIfSet(j, "TOS", tos);
        putIfSet(j, "flowlabel", flowLabel);
        putIfSet(j, "title", title);
        putIfSet(j, "extra_data", extraData);
        putIfSet(j, "congestion", congestion);
        putIfSet(j, "get_server_output", getServerOutput ? 1 : 0);
        putIfSet(j, "udp_counters_64bit", udpCounters64bit ? 1 : 0);
        putIfSet(j, "repeating_payload", repeatingPayload ? 1 : 0);
        putIfSet(j, "zerocopy", zeroCopy ? 1 : 0);
        putIfSet(j, "dont_fragment", dontFragment ? 1 : 0);
        putIfSet(j, "skip_rx_copy", skipRxCopy ? 1 : 0);
        putIfSet(j, "authtoken", authToken);
        putIfSet(j, "client_version", clientVersion);
        return j;
    }

    private static void putIfSet(ObjectNode j, String key, long value) {
        if (value != 0) {
            j.put(key, value);
        }
    }

    private static void putIfSet(ObjectNode j, String key, String value) {
        if (value != null) {
            j.put(key, value);
        }
    }

    /**
     * Parses and validates a parameters message as iperf3's server does, failing with iperf3's code for the first bad
     * value so a stock client prints the matching text.
     */
    public static TestParameters fromJson(ObjectNode j) throws Iperf3Exception {
        return TestParametersReader.read(j);
    }

    /** Reads a key iperf3 sends as a number (cJSON keeps 64-bit {@code valueint}); absent → 0. */
    static long number(JsonNode j, String key) throws Iperf3Exception {
        JsonNode v = j.get(key);
        if (v == null || v.isNull()) {
            return 0;
        }
        if (!v.isNumber()) {
            throw new Iperf3Exception(Iperf3Error.IERECVPARAMS, "parameter " + key + " is not a number: " + v);
        }
        return v.asLong();
    }
}
