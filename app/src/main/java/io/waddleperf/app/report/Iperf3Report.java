package io.waddleperf.app.report;

import io.waddleperf.core.result.Interval;
import io.waddleperf.core.result.ProbeResult;
import java.util.List;
import java.util.Locale;

/**
 * {@code iperf3}: iperf3's interval lines (unless they were already shown live) and its sender/receiver summary per
 * direction, with jitter and loss for UDP; then both ends' CPU use, as {@code iperf3 -V} prints it.
 */
final class Iperf3Report implements Report {

    @Override
    public void render(ProbeResult r, Page page) {
        Raw raw = Raw.of(r);
        Style s = page.style();
        boolean udp = "udp".equals(raw.str("protocol")) || "udp".equals(r.protocolDetail());
        String direction = switch (raw.has("direction") ? raw.str("direction") : "normal") {
            case "reverse" -> "server sends";
            case "bidir" -> "both directions";
            default -> "client sends";
        };
        Long streams = raw.integer("streams");
        page.line(s.bold(r.target()) + "  " + (udp ? "UDP" : "TCP")
                + (streams == null ? "" : ", " + Units.count(streams, "stream")) + ", " + direction);
        List<Interval> intervals = r.intervals() == null ? List.of() : r.intervals();
        if (!page.progressShown() && !intervals.isEmpty()) {
            long omitted = raw.has("omitted_intervals") ? raw.integer("omitted_intervals") : 0;
            boolean retr = intervals.stream().anyMatch(i -> i.retransmits() != null);
            Table t = new Table(true, false, true, true, true, false).indent("  ");
            t.row("Interval", "", "Transfer", "Bitrate", retr ? "Retr" : "", "");
            int n = 0;
            for (Interval i : intervals) {
                t.row(span(i.startSeconds(), i.endSeconds()), "sec", Units.bytes(i.bytes()), Units.rate(i.throughputMbps()),
                        i.retransmits() == null ? "" : String.valueOf(i.retransmits()), n++ < omitted ? "(omitted)" : "");
            }
            page.table(t);
            page.line("  " + "- ".repeat(30).strip());
        }
        Table t = new Table(true, false, true, true, true, true, false).indent("  ");
        t.row("Interval", "", "Transfer", "Bitrate", udp ? "Jitter" : "Retr", udp ? "Lost/Total" : "", "");
        boolean both = raw.has("upstream") && raw.has("downstream");
        summary(t, raw.sub("upstream"), udp, both ? "upload " : "");
        summary(t, raw.sub("downstream"), udp, both ? "download " : "");
        page.table(t);
        if (r.uploadMbps() != null && r.downloadMbps() != null) {
            page.line("  " + s.bold("upload " + Units.rate(r.uploadMbps()) + ", download " + Units.rate(r.downloadMbps())));
        } else if (r.throughputMbps() != null) {
            page.line("  " + s.bold(Units.rate(r.throughputMbps())) + " received");
        }
        String cpu = cpu(raw.sub("cpu_local_percent"), "local") + cpu(raw.sub("cpu_remote_percent"), "remote");
        if (!cpu.isEmpty()) {
            page.line(s.dim("  cpu " + cpu.substring(2)));
        }
    }

    private static void summary(Table t, Raw d, boolean udp, String prefix) {
        if (!d.has("sender_bytes")) {
            return;
        }
        String lost = udp && d.has("packets") ? d.integer("lost_packets") + "/" + d.integer("packets") + " ("
                + Units.percent(d.integer("packets") == 0 ? 0 : 100.0 * d.integer("lost_packets") / d.integer("packets")) + ")" : "";
        t.row(span(0, d.num("sender_seconds")), "sec", Units.bytes(d.integer("sender_bytes")), Units.rate(d.num("sender_mbps")),
                udp ? "" : d.has("retransmits") && d.integer("retransmits") >= 0 ? String.valueOf(d.integer("retransmits")) : "",
                "", prefix + "sender");
        t.row(span(0, d.num("receiver_seconds")), "sec", Units.bytes(d.integer("receiver_bytes")), Units.rate(d.num("receiver_mbps")),
                udp && d.has("jitter_ms") ? Units.ms(d.num("jitter_ms")) : "", lost, prefix + "receiver");
    }

    private static String span(double from, double to) {
        return String.format(Locale.ROOT, "%.2f-%.2f", from, to);
    }

    private static String cpu(Raw c, String side) {
        if (!c.has("total")) {
            return "";
        }
        return String.format(Locale.ROOT, ", %s %.1f%% (user %.1f%%, system %.1f%%)", side, c.num("total"),
                c.num("user"), c.num("system"));
    }
}
