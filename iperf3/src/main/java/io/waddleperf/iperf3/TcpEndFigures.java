package io.waddleperf.iperf3;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The end figures iperf3 keeps per sending stream over its interval samples ({@code stream_max_snd_cwnd},
 * {@code stream_max_rtt}, …): cwnd and window maxima, RTT maximum, minimum and integer mean in µs. One place for the
 * client's {@code -J} output and the server's {@code server_output_json}.
 */
public final class TcpEndFigures {

    private TcpEndFigures() {
    }

    /** Puts the figures of {@code readings} (one per sample that read them) into {@code n}; nothing when there are none. */
    public static void put(ObjectNode n, List<TcpStats> readings) {
        if (readings.isEmpty()) {
            return;
        }
        long maxCwnd = 0;
        long maxWnd = -1;
        long maxRtt = 0;
        long minRtt = Long.MAX_VALUE;
        long sumRtt = 0;
        for (TcpStats tcp : readings) {
            maxCwnd = Math.max(maxCwnd, tcp.sndCwndBytes());
            maxWnd = Math.max(maxWnd, tcp.sndWndBytes());
            maxRtt = Math.max(maxRtt, tcp.rttMicros());
            minRtt = Math.min(minRtt, tcp.rttMicros());
            sumRtt += tcp.rttMicros();
        }
        n.put("max_snd_cwnd", maxCwnd);
        if (maxWnd >= 0) {
            n.put("max_snd_wnd", maxWnd);
        }
        n.put("max_rtt", maxRtt).put("min_rtt", minRtt).put("mean_rtt", sumRtt / readings.size());
    }
}
