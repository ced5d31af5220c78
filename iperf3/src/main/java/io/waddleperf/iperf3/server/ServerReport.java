package io.waddleperf.iperf3.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.waddleperf.iperf3.Cookie;
import io.waddleperf.iperf3.CpuMeter;
import io.waddleperf.iperf3.JsonFrames;
import io.waddleperf.iperf3.StreamResult;
import io.waddleperf.iperf3.TcpEndFigures;
import io.waddleperf.iperf3.TcpStats;
import io.waddleperf.iperf3.TestParameters;
import io.waddleperf.iperf3.stream.DataStream;
import io.waddleperf.iperf3.stream.IntervalReporter;
import java.util.List;
import java.util.Objects;

/**
 * The server's own report in stock iperf3's {@code -J} layout ({@code start}, {@code intervals}, {@code end}), sent
 * as {@code server_output_json} when the client asked for {@code --get-server-output}. Streams the server sends on
 * carry iperf3's TCP figures (retransmits per interval and in total, cwnd, RTT, PMTU) when they could be read, and
 * {@code end} names both sides' congestion controls when they are known.
 */
final class ServerReport {

    /** What this server calls itself in {@code start.version}. */
    static final String VERSION = "waddleperf-iperf3 (iperf 3.12 compatible)";

    private ServerReport() {
    }

    /**
     * @param congestion this server's {@code congestion_used}, or null
     * @param clientCongestion the client's {@code congestion_used} from its results, or null
     */
    static ObjectNode build(TestParameters params, Cookie cookie, List<DataStream> streams, IntervalReporter reporter,
            CpuMeter.Usage cpu, String congestion, String clientCongestion) {
        ObjectNode top = JsonFrames.mapper().createObjectNode();
        ObjectNode start = top.putObject("start");
        start.put("version", VERSION);
        start.put("cookie", cookie.text());
        ObjectNode testStart = start.putObject("test_start");
        testStart.put("protocol", params.protocol().name());
        testStart.put("num_streams", params.parallel());
        testStart.put("blksize", params.effectiveLenBytes());
        testStart.put("omit", params.omitSeconds());
        testStart.put("duration", params.timeSeconds());
        testStart.put("bytes", params.numBytes());
        testStart.put("blocks", params.blockCount());
        testStart.put("reverse", params.reverse() ? 1 : 0);
        testStart.put("tos", params.tos());
        testStart.put("target_bitrate", params.bandwidthBitsPerSecond());
        testStart.put("bidir", params.bidirectional() ? 1 : 0);

        ArrayNode intervals = top.putArray("intervals");
        List<IntervalReporter.Sample> samples = reporter.samples();
        long origin = reporter.startNanos();
        long omitNanos = params.omitSeconds() * 1_000_000_000L;
        long[] previousRetransmits = new long[streams.size()];
        for (int k = 1; k < samples.size(); k++) {
            IntervalReporter.Sample a = samples.get(k - 1);
            IntervalReporter.Sample b = samples.get(k);
            double from = (a.nanos() - origin) / 1e9;
            double to = (b.nanos() - origin) / 1e9;
            boolean omitted = b.nanos() - origin <= omitNanos;
            ObjectNode interval = intervals.addObject();
            ArrayNode perStream = interval.putArray("streams");
            long sum = 0;
            for (int i = 0; i < streams.size(); i++) {
                long bytes = b.bytes()[i] - a.bytes()[i];
                sum += bytes;
                ObjectNode n = span(perStream.addObject().put("socket", streams.get(i).id()), from, to, bytes,
                        omitted);
                TcpStats tcp = b.counters().get(i).tcp();
                if (tcp != null) {
                    n.put("retransmits", Math.max(0, tcp.totalRetransmits() - previousRetransmits[i]))
                            .put("snd_cwnd", tcp.sndCwndBytes());
                    previousRetransmits[i] = tcp.totalRetransmits();
                    if (tcp.sndWndBytes() >= 0) {
                        n.put("snd_wnd", tcp.sndWndBytes());
                    }
                    n.put("rtt", tcp.rttMicros()).put("rttvar", tcp.rttVarMicros()).put("pmtu", tcp.pmtuBytes());
                }
                n.put("sender", streams.get(i).sender());
            }
            span(interval.putObject("sum"), from, to, sum, omitted);
        }

        ObjectNode end = top.putObject("end");
        ArrayNode endStreams = end.putArray("streams");
        long sent = 0;
        long received = 0;
        double seconds = 0;
        for (DataStream s : streams) {
            StreamResult r = s.result();
            seconds = Math.max(seconds, r.endTimeSeconds());
            ObjectNode side = span(endStreams.addObject().putObject(s.sender() ? "sender" : "receiver")
                    .put("socket", r.id()), 0, r.endTimeSeconds(), r.bytes(), false);
            if (s.sender() && r.retransmits() >= 0) {
                side.put("retransmits", r.retransmits());
                TcpEndFigures.put(side, readings(samples, streams.indexOf(s)));
            }
            side.put("sender", s.sender());
            if (params.protocol() == io.waddleperf.iperf3.Protocol.UDP) {
                side.put("jitter_ms", r.jitterSeconds() * 1000);
                side.put("lost_packets", r.errors());
                side.put("packets", r.packets() - r.omittedPackets());
            }
            if (s.sender()) {
                sent += r.bytes();
            } else {
                received += r.bytes();
            }
        }
        span(end.putObject("sum_sent"), 0, seconds, sent, false);
        span(end.putObject("sum_received"), 0, seconds, received, false);
        end.putObject("cpu_utilization_percent")
                .put("host_total", cpu.totalPercent())
                .put("host_user", cpu.userPercent())
                .put("host_system", cpu.systemPercent());
        if (params.protocol() == io.waddleperf.iperf3.Protocol.TCP) {
            // As iperf3's server names them from its last summary block: the server's sending direction for -R
            // and --bidir, the client's otherwise.
            boolean serverSends = params.reverse() || params.bidirectional();
            String sender = serverSends ? congestion : clientCongestion;
            String receiver = serverSends ? clientCongestion : congestion;
            if (sender != null) {
                end.put("sender_tcp_congestion", sender);
            }
            if (receiver != null) {
                end.put("receiver_tcp_congestion", receiver);
            }
        }
        return top;
    }

    /** The TCP readings of stream {@code index} over the samples, for {@link TcpEndFigures}. */
    private static List<TcpStats> readings(List<IntervalReporter.Sample> samples, int index) {
        return samples.stream().map(sample -> sample.counters().get(index).tcp()).filter(Objects::nonNull).toList();
    }

    private static ObjectNode span(ObjectNode node, double from, double to, long bytes, boolean omitted) {
        double seconds = to - from;
        node.put("start", from);
        node.put("end", to);
        node.put("seconds", seconds);
        node.put("bytes", bytes);
        node.put("bits_per_second", seconds > 0 ? bytes * 8 / seconds : 0);
        node.put("omitted", omitted);
        return node;
    }
}
