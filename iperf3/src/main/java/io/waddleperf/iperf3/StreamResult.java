package io.waddleperf.iperf3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;

/**
 * One stream's entry in the exchanged results ({@code send_results}/{@code get_results}, {@code src/iperf_api.c}).
 *
 * @param bytes sender: bytes sent after the omit period; receiver: bytes received after it
 * @param retransmits TCP retransmits, or -1 when this side cannot read them
 * @param jitterSeconds UDP receiver's RFC 1889 jitter in seconds (0 otherwise)
 * @param errors UDP receiver's lost-packet count
 * @param packets UDP: sender's packet counter or receiver's highest sequence number
 * @param endTimeSeconds how long the stream ran ({@code start_time} is always 0)
 */
public record StreamResult(
        int id,
        long bytes,
        long retransmits,
        double jitterSeconds,
        long errors,
        long omittedErrors,
        long packets,
        long omittedPackets,
        double endTimeSeconds) {

    public ObjectNode toJson() {
        ObjectNode j = JsonFrames.mapper().createObjectNode();
        j.put("id", id);
        j.put("bytes", bytes);
        j.put("retransmits", retransmits);
        j.put("jitter", jitterSeconds);
        j.put("errors", errors);
        j.put("omitted_errors", omittedErrors);
        j.put("packets", packets);
        j.put("omitted_packets", omittedPackets);
        j.put("start_time", 0);
        j.put("end_time", endTimeSeconds);
        return j;
    }

    /** Reads an entry; {@code id, bytes, retransmits, jitter, errors, packets} are required as iperf3 requires them. */
    public static StreamResult fromJson(JsonNode j) throws Iperf3Exception {
        if (!(j instanceof ObjectNode)) {
            throw new Iperf3Exception(Iperf3Error.IERECVRESULTS, "stream entry is not an object");
        }
        boolean hasOmitted = j.has("omitted_errors");
        if (hasOmitted != j.has("omitted_packets")) {
            throw new Iperf3Exception(Iperf3Error.IERECVRESULTS, "omitted_errors and omitted_packets come together");
        }
        return new StreamResult(
                (int) required(j, "id"),
                (long) required(j, "bytes"),
                (long) required(j, "retransmits"),
                required(j, "jitter"),
                (long) required(j, "errors"),
                hasOmitted ? (long) required(j, "omitted_errors") : 0,
                (long) required(j, "packets"),
                hasOmitted ? (long) required(j, "omitted_packets") : 0,
                j.has("end_time") ? required(j, "end_time") : 0);
    }

    static double required(JsonNode j, String key) throws Iperf3Exception {
        JsonNode v = j.get(key);
        if (v == null || !v.isNumber()) {
            throw new Iperf3Exception(Iperf3Error.IERECVRESULTS, "results lack a number for " + key);
        }
        // Jackson reads 2e+308 as Infinity, which the JSON we send back cannot hold: a bad message.
        if (!v.isIntegralNumber()) {
            if (!Double.isFinite(v.doubleValue())) {
                throw new Iperf3Exception(Iperf3Error.IERECVRESULTS, "results hold an out-of-range number for " + key);
            }
            return v.doubleValue();
        }
        // iperf3 3.12 writes its "unknown" -1 (a receiver's retransmits, sender_has_retransmits) as the unsigned
        // 64-bit 18446744073709551615, so integers up to 2^64-1 are taken as the signed value they wrap to; only
        // integers beyond 64 bits are refused.
        BigInteger big = v.bigIntegerValue();
        if (big.signum() < 0 ? big.bitLength() > 63 : big.bitLength() > 64) {
            throw new Iperf3Exception(Iperf3Error.IERECVRESULTS, "results hold an out-of-range number for " + key);
        }
        return big.longValue();
    }
}
