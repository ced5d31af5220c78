package io.waddleperf.app.report;

import io.waddleperf.core.result.Hop;
import io.waddleperf.core.result.ProbeResult;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code traceroute}: traceroute's hop lines, every probe's time, {@code *} for no answer, a new address where it changes. */
final class TraceReport implements Report {

    @Override
    public void render(ProbeResult r, Page page) {
        page.line(page.style().bold(heading(r)));
        hops(r, page);
    }

    @Override
    public void afterFailure(ProbeResult r, Page page) {
        if (r.hops() != null && !r.hops().isEmpty()) {
            page.line(heading(r));
            hops(r, page);
        }
    }

    /** {@code traceroute to host (ip), 30 hops max, 3 probes each, udp}. */
    static String heading(ProbeResult r) {
        Raw raw = Raw.of(r);
        StringBuilder s = new StringBuilder("traceroute to ").append(Reports.where(r, false));
        if (raw.has("max_hops")) {
            s.append(", ").append(raw.integer("max_hops")).append(" hops max");
        }
        if (raw.has("probes_per_hop")) {
            s.append(", ").append(Units.count(raw.integer("probes_per_hop"), "probe")).append(" each");
        }
        String proto = raw.has("proto") ? raw.str("proto") : r.protocolDetail();
        if (proto != null) {
            s.append(", ").append(proto);
            if ("tcp".equals(proto) || "udp".equals(proto)) {
                s.append(" port ").append(r.targetPort());
            }
        }
        return s.toString();
    }

    /** One line per hop, as traceroute(8) prints them. */
    static void hops(ProbeResult r, Page page) {
        Raw raw = Raw.of(r);
        Map<String, String> names = new HashMap<>();
        if (r.hops() != null) {
            for (Hop h : r.hops()) {
                if (h.ip() != null && h.hostname() != null) {
                    names.put(h.ip(), h.hostname());
                }
            }
        }
        List<Raw> details = raw.list("hop_details");
        if (details.isEmpty()) {
            if (r.hops() != null) {
                for (Hop h : r.hops()) {
                    page.line(String.format(java.util.Locale.ROOT, "%2d  %s", h.hop(), h.ip() == null ? "* * *"
                            : name(h.ip(), names) + (h.avgMs() == null ? "" : "  " + Units.ms3(h.avgMs()) + " ms")));
                }
            }
            return;
        }
        for (Raw d : details) {
            StringBuilder line = new StringBuilder(String.format(java.util.Locale.ROOT, "%2d ", d.integer("hop")));
            String shown = null;
            String noted = null;
            for (Raw p : d.list("probes")) {
                String from = p.str("from");
                if (!p.has("rtt_ms")) {
                    line.append(" *");
                    continue;
                }
                if (from != null && !from.equals(shown)) {
                    line.append(' ').append(name(from, names));
                    shown = from;
                }
                line.append("  ").append(Units.ms3(p.num("rtt_ms"))).append(" ms");
                // an annotation once per run of equal ones (tcptraceroute's [open]), not after every time
                String note = p.str("note");
                if (note != null && !note.equals(noted)) {
                    line.append(' ').append(note.startsWith("!") ? page.style().warn(note) : "[" + note + "]");
                }
                noted = note;
            }
            page.line(line.toString());
        }
        String stopped = raw.str("stopped");
        if (stopped != null && !"destination".equals(stopped)) {
            page.line(page.style().warn(switch (stopped) {
                case "max_hops" -> "destination not reached within " + raw.integer("max_hops") + " hops";
                case "silent_hops" -> "stopped after several silent hops in a row";
                case "unreachable" -> "a router said the destination is unreachable";
                default -> "stopped: " + stopped.replace('_', ' ');
            }));
        }
    }

    /** {@code name (ip)} when the address has a name, else the address. */
    static String name(String ip, Map<String, String> names) {
        String n = names.get(ip);
        return n == null || n.equals(ip) ? ip : n + " (" + ip + ")";
    }
}
