package io.waddleperf.app.report;

import io.waddleperf.core.result.ProbeResult;
import java.util.ArrayList;
import java.util.List;

/** Latency lines shared by the ping-like reports, in iputils ping's layout. */
final class Latency {

    private Latency() {
    }

    /** {@code <label> min/avg/max/mdev = 0.004/0.019/0.025/0.008 ms} (mdev is ping's: the population standard deviation). */
    static String summary(String label, ProbeResult r) {
        if (r.latencyMs() == null || r.minLatencyMs() == null || r.maxLatencyMs() == null) {
            return r.latencyMs() == null ? null : label + " avg = " + Units.ms3(r.latencyMs()) + " ms";
        }
        return label + " min/avg/max/mdev = " + values(r);
    }

    /** {@code 0.004/0.019/0.025/0.008 ms}: min, mean, max and population standard deviation. */
    static String values(ProbeResult r) {
        return Units.ms3(r.minLatencyMs()) + "/" + Units.ms3(r.latencyMs()) + "/" + Units.ms3(r.maxLatencyMs()) + "/"
                + Units.ms3(r.stddevLatencyMs() == null ? 0 : r.stddevLatencyMs()) + " ms";
    }

    /** {@code <label> p50/p95/p99 = …, jitter …, ipdv …}, or null when there are no percentiles. */
    static String spread(String label, ProbeResult r) {
        List<String> parts = new ArrayList<>();
        if (r.p50LatencyMs() != null && r.p95LatencyMs() != null) {
            parts.add(r.p99LatencyMs() == null
                    ? label + " p50/p95 = " + Units.ms3(r.p50LatencyMs()) + "/" + Units.ms3(r.p95LatencyMs()) + " ms"
                    : label + " p50/p95/p99 = " + Units.ms3(r.p50LatencyMs()) + "/" + Units.ms3(r.p95LatencyMs()) + "/"
                            + Units.ms3(r.p99LatencyMs()) + " ms");
        }
        if (r.jitterMs() != null) {
            parts.add("jitter " + Units.ms(r.jitterMs()));
        }
        if (r.ipdvMs() != null) {
            parts.add("ipdv " + Units.ms(r.ipdvMs()));
        }
        return parts.isEmpty() ? null : String.join(", ", parts);
    }

    /**
     * ping's tally: {@code 5 packets transmitted, 5 received, +1 duplicates, 0% packet loss, time 1073ms}, the sending
     * half in the caller's words, the loss painted when there is any.
     */
    static String tally(ProbeResult r, String sentText, String receivedWord, String lossWord, Style style) {
        long received = r.packetsReceived() == null ? 0 : r.packetsReceived();
        StringBuilder s = new StringBuilder(sentText).append(", ").append(received).append(' ').append(receivedWord);
        if (r.duplicatePackets() != null && r.duplicatePackets() > 0) {
            s.append(", +").append(r.duplicatePackets()).append(" duplicates");
        }
        if (r.reorderedPackets() != null && r.reorderedPackets() > 0) {
            s.append(", ").append(r.reorderedPackets()).append(" reordered");
        }
        double loss = r.packetLossPercent() == null ? 0 : r.packetLossPercent();
        String lossText = Units.percent(loss) + " " + lossWord;
        s.append(", ").append(loss > 0 ? style.warn(lossText) : lossText);
        s.append(", time ").append(Math.round(r.durationMs())).append("ms");
        return s.toString();
    }

    /** {@code 5 packets transmitted}. */
    static String sent(ProbeResult r, String noun) {
        return Units.count(r.packetsSent() == null ? 0 : r.packetsSent(), noun) + " transmitted";
    }

    /** Adds the non-null lines. */
    static void lines(Page page, String... lines) {
        for (String l : lines) {
            if (l != null) {
                page.line(l);
            }
        }
    }
}
