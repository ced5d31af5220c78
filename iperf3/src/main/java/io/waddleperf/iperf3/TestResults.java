package io.waddleperf.iperf3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.waddleperf.iperf3.stream.DataStream;
import io.waddleperf.iperf3.stream.TcpSendStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The results message each side sends after {@link ControlState#EXCHANGE_RESULTS} (client first, then server).
 *
 * @param cpuUtilTotal this process's CPU use over the test in percent of one core (can exceed 100)
 * @param senderHasRetransmits 1 if this side sent and read retransmits, 0 if it sent without them, -1 if it only received
 * @param congestionUsed TCP congestion control in use, or null
 * @param serverOutputJson the server's own iperf3-style JSON report when the client asked for it, or null
 * @param serverOutputText the server's text report when the client asked for it, or null
 */
public record TestResults(
        double cpuUtilTotal,
        double cpuUtilUser,
        double cpuUtilSystem,
        int senderHasRetransmits,
        String congestionUsed,
        List<StreamResult> streams,
        JsonNode serverOutputJson,
        String serverOutputText) {

    public TestResults {
        streams = List.copyOf(streams);
    }

    /**
     * The {@code sender_has_retransmits} value for one side's streams and their results (same order): -1 when the
     * side only receives (as iperf3's {@code send_results} for a receiver), 1 when every stream it sends on read its
     * TCP retransmits, 0 otherwise (UDP, or the kernel figures could not be read).
     */
    public static int senderHasRetransmits(List<DataStream> streams,
            List<StreamResult> results) {
        boolean anySender = false;
        boolean all = true;
        for (int i = 0; i < streams.size(); i++) {
            if (streams.get(i).sender()) {
                anySender = true;
                all &= streams.get(i) instanceof TcpSendStream
                        && results.get(i).retransmits() >= 0;
            }
        }
        return !anySender ? -1 : all ? 1 : 0;
    }

    public ObjectNode toJson() {
        ObjectNode j = JsonFrames.mapper().createObjectNode();
        j.put("cpu_util_total", cpuUtilTotal);
        j.put("cpu_util_user", cpuUtilUser);
        j.put("cpu_util_system", cpuUtilSystem);
        j.put("sender_has_retransmits", senderHasRetransmits);
        if (congestionUsed != null) {
            j.put("congestion_used", congestionUsed);
        }
        ArrayNode array = j.putArray("streams");
        streams.forEach(s -> array.add(s.toJson()));
        if (serverOutputJson != null) {
            j.set("server_output_json", serverOutputJson);
        }
        if (serverOutputText != null) {
            j.put("server_output_text", serverOutputText);
        }
        return j;
    }

    /** Reads a results message, requiring what iperf3's {@code get_results} requires. */
    public static TestResults fromJson(ObjectNode j) throws Iperf3Exception {
        List<StreamResult> streams = new ArrayList<>();
        JsonNode array = j.get("streams");
        if (array != null) {
            if (!array.isArray()) {
                throw new Iperf3Exception(Iperf3Error.IERECVRESULTS, "streams is not an array");
            }
            for (JsonNode s : array) {
                streams.add(StreamResult.fromJson(s));
            }
        }
        JsonNode cc = j.get("congestion_used");
        JsonNode text = j.get("server_output_text");
        JsonNode json = j.get("server_output_json");
        return new TestResults(
                StreamResult.required(j, "cpu_util_total"),
                StreamResult.required(j, "cpu_util_user"),
                StreamResult.required(j, "cpu_util_system"),
                (int) StreamResult.required(j, "sender_has_retransmits"),
                cc != null && cc.isTextual() ? cc.textValue() : null,
                streams,
                json != null && json.isObject() ? json : null,
                text != null && text.isTextual() ? text.textValue() : null);
    }
}
