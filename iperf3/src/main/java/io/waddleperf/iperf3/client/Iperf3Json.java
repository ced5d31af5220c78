package io.waddleperf.iperf3.client;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.waddleperf.iperf3.JsonFrames;
import io.waddleperf.iperf3.Protocol;
import io.waddleperf.iperf3.StreamResult;
import io.waddleperf.iperf3.TcpEndFigures;
import io.waddleperf.iperf3.TcpStats;
import io.waddleperf.iperf3.TestParameters;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * A client run in stock iperf3 3.12's {@code -J} layout ({@code start}, {@code intervals}, {@code end}; the
 * {@code iperf_json_printf} calls of {@code src/iperf_api.c}), so existing iperf3 JSON consumers read it. A sending
 * TCP stream whose kernel figures could be read (see {@link io.waddleperf.iperf3.TcpStatsSource}) gets iperf3's
 * {@code retransmits}, {@code snd_cwnd}, {@code snd_wnd}, {@code rtt}, {@code rttvar} and {@code pmtu} per interval
 * and {@code retransmits}, {@code max_snd_cwnd}, {@code max_snd_wnd}, {@code max_rtt}, {@code min_rtt},
 * {@code mean_rtt} at the end; without them those keys are left out, as iperf3 leaves them out on platforms without
 * TCP_INFO. The server's figures for a stream it sends on are only known as its retransmit count, so only that is
 * shown (stock iperf3 prints zeros for the rest). {@code start.tcp_mss_default} is the control connection's
 * {@code tcpi_snd_mss} (the value {@code TCP_MAXSEG} gives iperf3), {@code end.sender_tcp_congestion} and
 * {@code end.receiver_tcp_congestion} are the two sides' {@code congestion_used}; each is left out when it could not
 * be read, as iperf3 leaves the names out where it has no {@code TCP_CONGESTION}. {@code socket} holds the stream id
 * since a JVM has no file descriptor numbers.
 */
public final class Iperf3Json {

    /** What our client calls itself in {@code start.version}. */
    public static final String VERSION = "waddleperf-iperf3 (iperf 3.12 compatible)";
    private static final DateTimeFormatter HTTP_DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private Iperf3Json() {
    }

    public static ObjectNode of(Iperf3ClientResult r) {
        TestParameters p = r.params();
        boolean udp = p.protocol() == Protocol.UDP;
        ObjectNode top = JsonFrames.mapper().createObjectNode();
        ObjectNode start = top.putObject("start");
        ArrayNode connected = start.putArray("connected");
        for (Iperf3ClientResult.StreamInfo s : r.streams()) {
            connected.addObject().put("socket", s.id())
                    .put("local_host", s.local().getAddress().getHostAddress()).put("local_port", s.local().getPort())
                    .put("remote_host", s.remote().getAddress().getHostAddress())
                    .put("remote_port", s.remote().getPort());
        }
        start.put("version", VERSION);
        start.put("system_info", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        start.putObject("timestamp").put("time", HTTP_DATE.format(r.startedAt()))
                .put("timesecs", r.startedAt().getEpochSecond());
        start.putObject("connecting_to").put("host", r.host()).put("port", r.port());
        start.put("cookie", r.cookie());
        if (!udp && p.mss() == 0 && r.controlMss() >= 0) {
            start.put("tcp_mss_default", r.controlMss());
        }
        start.put("target_bitrate", p.effectiveRateBitsPerSecond());
        start.put("sock_bufsize", p.windowBytes());
        start.put("sndbuf_actual", r.sndbufActual());
        start.put("rcvbuf_actual", r.rcvbufActual());
        start.putObject("test_start").put("protocol", p.protocol().name()).put("num_streams", p.parallel())
                .put("blksize", p.effectiveLenBytes()).put("omit", p.omitSeconds()).put("duration", p.timeSeconds())
                .put("bytes", p.numBytes()).put("blocks", p.blockCount()).put("reverse", p.reverse() ? 1 : 0)
                .put("tos", p.tos()).put("target_bitrate", p.effectiveRateBitsPerSecond());

        ArrayNode intervals = top.putArray("intervals");
        for (Iperf3Interval i : r.intervals()) {
            ObjectNode interval = intervals.addObject();
            ArrayNode streams = interval.putArray("streams");
            for (Iperf3Interval.Stream s : i.streams()) {
                ObjectNode n = span(streams.addObject().put("socket", s.id()), i.startSeconds(), i.endSeconds(),
                        s.bytes());
                if (udp) {
                    udpInterval(n, s.sender(), s.packets(), s.lost(), s.jitterSeconds());
                } else if (s.sender() && s.tcp() != null && s.retransmits() >= 0) {
                    n.put("retransmits", s.retransmits()).put("snd_cwnd", s.tcp().sndCwndBytes());
                    if (s.tcp().sndWndBytes() >= 0) {
                        n.put("snd_wnd", s.tcp().sndWndBytes());
                    }
                    n.put("rtt", s.tcp().rttMicros()).put("rttvar", s.tcp().rttVarMicros())
                            .put("pmtu", s.tcp().pmtuBytes());
                }
                n.put("omitted", i.omitted()).put("sender", s.sender());
            }
            boolean forwardSender = !p.reverse();
            sumInterval(interval.putObject("sum"), i, forwardSender, udp);
            if (p.bidirectional()) {
                sumInterval(interval.putObject("sum_bidir_reverse"), i, false, udp);
            }
        }

        ObjectNode end = top.putObject("end");
        ArrayNode endStreams = end.putArray("streams");
        for (Iperf3ClientResult.StreamInfo s : r.streams()) {
            StreamResult mine = Iperf3ClientResult.find(r.local(), s.id());
            StreamResult theirs = Iperf3ClientResult.find(r.remote(), s.id());
            StreamResult sender = s.sender() ? mine : theirs;
            StreamResult receiver = s.sender() ? theirs : mine;
            ObjectNode entry = endStreams.addObject();
            if (udp) {
                ObjectNode u = span(entry.putObject("udp").put("socket", s.id()), 0, sender.endTimeSeconds(),
                        sender.bytes());
                long packets = sender.packets() - sender.omittedPackets();
                long lost = receiver.errors() - receiver.omittedErrors();
                u.put("jitter_ms", receiver.jitterSeconds() * 1000).put("lost_packets", lost).put("packets", packets)
                        .put("lost_percent", packets > 0 ? 100.0 * lost / packets : 0).put("out_of_order", 0)
                        .put("sender", s.sender());
            } else {
                ObjectNode n = span(entry.putObject("sender").put("socket", s.id()), 0, sender.endTimeSeconds(),
                        sender.bytes());
                if (sender.retransmits() >= 0) {
                    n.put("retransmits", sender.retransmits());
                    if (s.sender()) {
                        TcpEndFigures.put(n, readings(r.intervals(), s.id()));
                    }
                }
                n.put("sender", s.sender());
                span(entry.putObject("receiver").put("socket", s.id()), 0, receiver.endTimeSeconds(),
                        receiver.bytes()).put("sender", s.sender());
            }
        }
        Iperf3ClientResult.Direction main = (p.reverse() ? r.downstream() : r.upstream()).orElseThrow();
        sums(end, "", main, !p.reverse(), udp);
        if (p.bidirectional()) {
            sums(end, "_bidir_reverse", r.downstream().orElseThrow(), false, udp);
        }
        end.putObject("cpu_utilization_percent")
                .put("host_total", r.localCpu().totalPercent())
                .put("host_user", r.localCpu().userPercent())
                .put("host_system", r.localCpu().systemPercent())
                .put("remote_total", r.remote().cpuUtilTotal())
                .put("remote_user", r.remote().cpuUtilUser())
                .put("remote_system", r.remote().cpuUtilSystem());
        if (!udp) {
            // iperf3 names the congestion controls from the side of its last summary block: for a client that is
            // the streams it sends on unless it only receives (-R) or runs --bidir, whose last block is the server's
            // sending direction.
            boolean localSends = !p.reverse() && !p.bidirectional();
            String sender = localSends ? r.local().congestionUsed() : r.remote().congestionUsed();
            String receiver = localSends ? r.remote().congestionUsed() : r.local().congestionUsed();
            if (sender != null) {
                end.put("sender_tcp_congestion", sender);
            }
            if (receiver != null) {
                end.put("receiver_tcp_congestion", receiver);
            }
        }
        r.serverOutputJson().ifPresent(j -> top.set("server_output_json", j));
        if (r.remote().serverOutputText() != null) {
            top.put("server_output_text", r.remote().serverOutputText());
        }
        return top;
    }

    /** The TCP readings of stream {@code id} over the intervals, for {@link TcpEndFigures}. */
    private static List<TcpStats> readings(List<Iperf3Interval> intervals, int id) {
        return intervals.stream().flatMap(i -> i.streams().stream())
                .filter(s -> s.id() == id && s.tcp() != null).map(Iperf3Interval.Stream::tcp).toList();
    }

    private static void sumInterval(ObjectNode sum, Iperf3Interval i, boolean sender, boolean udp) {
        List<Iperf3Interval.Stream> streams = i.streams().stream().filter(s -> s.sender() == sender).toList();
        span(sum, i.startSeconds(), i.endSeconds(), streams.stream().mapToLong(Iperf3Interval.Stream::bytes).sum());
        if (!udp && sender && i.retransmits(true) >= 0) {
            sum.put("retransmits", i.retransmits(true));
        }
        if (udp) {
            udpInterval(sum, sender, streams.stream().mapToLong(Iperf3Interval.Stream::packets).sum(),
                    streams.stream().mapToLong(Iperf3Interval.Stream::lost).sum(),
                    streams.stream().mapToDouble(Iperf3Interval.Stream::jitterSeconds).average().orElse(0));
        }
        sum.put("omitted", i.omitted()).put("sender", sender);
    }

    private static void udpInterval(ObjectNode n, boolean sender, long packets, long lost, double jitterSeconds) {
        if (sender) {
            n.put("packets", packets);
        } else {
            long total = packets + lost;
            n.put("jitter_ms", jitterSeconds * 1000).put("lost_packets", lost).put("packets", total)
                    .put("lost_percent", total > 0 ? 100.0 * lost / total : 0);
        }
    }

    private static void sums(ObjectNode end, String suffix, Iperf3ClientResult.Direction d, boolean sender,
            boolean udp) {
        ObjectNode sent = span(end.putObject("sum_sent" + suffix), 0, d.senderSeconds(), d.senderBytes());
        ObjectNode received = span(end.putObject("sum_received" + suffix), 0, d.receiverSeconds(), d.receiverBytes());
        if (udp) {
            sent.put("jitter_ms", 0).put("lost_packets", 0).put("packets", d.packets() + d.lostPackets())
                    .put("lost_percent", 0);
            received.put("jitter_ms", d.jitterSeconds() * 1000).put("lost_packets", d.lostPackets())
                    .put("packets", d.packets()).put("lost_percent", d.lostPercent());
            if (suffix.isEmpty()) {
                span(end.putObject("sum"), 0, d.receiverSeconds(), d.receiverBytes())
                        .put("jitter_ms", d.jitterSeconds() * 1000).put("lost_packets", d.lostPackets())
                        .put("packets", d.packets()).put("lost_percent", d.lostPercent()).put("sender", sender);
            }
        }
        if (!udp && d.retransmits() >= 0) {
            sent.put("retransmits", d.retransmits());
        }
        sent.put("sender", sender);
        received.put("sender", sender);
    }

    private static ObjectNode span(ObjectNode n, double start, double end, long bytes) {
        double seconds = end - start;
        return n.put("start", start).put("end", end).put("seconds", seconds).put("bytes", bytes)
                .put("bits_per_second", seconds > 0 ? bytes * 8 / seconds : 0);
    }
}
