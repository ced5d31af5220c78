package io.waddleperf.app.report;

import io.waddleperf.core.result.ProbeResult;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code mtu}: the path MTU and what bounded it, as tracepath's {@code pmtu N} line. When the largest size searched got
 * through, that size is a lower bound, not the path's MTU, and the report says so — unless it was the outgoing
 * interface's own MTU, which no packet can exceed.
 */
final class MtuReport implements Report {

    @Override
    public void render(ProbeResult r, Page page) {
        Raw raw = Raw.of(r);
        Style s = page.style();
        Integer mtu = r.pathMtuBytes();
        String limit = raw.has("limited_by") ? raw.str("limited_by") : "";
        String iface = raw.str("local_interface");
        Long ifaceMtu = raw.integer("local_interface_mtu_bytes");
        Long max = raw.integer("max_bytes");
        String to = Reports.where(r, false);
        switch (limit) {
            case "range_max" -> {
                if (ifaceMtu != null && max != null && ifaceMtu.equals(max)) {
                    page.line(s.bold("path MTU to " + to + ": " + mtu + " bytes") + ", the MTU of the outgoing interface "
                            + iface);
                } else {
                    page.line(s.bold("path MTU to " + to + ": at least " + mtu + " bytes") + ", the largest size searched");
                    page.line("  every size up to " + mtu + " bytes got through; search higher with --opt max=N"
                            + (ifaceMtu != null ? " (up to " + ifaceMtu + ", the MTU of " + iface + ")" : ""));
                }
            }
            case "frag_needed" -> {
                page.line(s.bold("path MTU to " + to + ": " + mtu + " bytes"));
                page.line("  " + (raw.has("frag_needed_from") ? raw.str("frag_needed_from") : "a router")
                        + " said fragmentation needed"
                        + (raw.has("next_hop_mtu_bytes") ? ", next-hop MTU " + raw.integer("next_hop_mtu_bytes") : ""));
            }
            case "local_interface" -> page.line(s.bold("path MTU to " + to + ": " + mtu + " bytes")
                    + ", the MTU of the outgoing interface" + (iface == null ? "" : " " + iface));
            default -> page.line(s.bold("path MTU to " + to + ": " + mtu + " bytes"));
        }
        List<String> about = new ArrayList<>();
        if (raw.has("min_bytes") && max != null) {
            about.add("searched " + raw.integer("min_bytes") + "-" + max + " bytes");
        }
        if (raw.has("probes_sent")) {
            about.add(Units.count(raw.integer("probes_sent"), "echo request"));
        }
        if (iface != null && ifaceMtu != null) {
            about.add("via " + iface + " (MTU " + ifaceMtu + ")");
        }
        if (raw.has("method")) {
            about.add(Sockets.describe(raw.str("method")));
        }
        if (raw.has("ip_version")) {
            about.add("IPv" + raw.integer("ip_version"));
        }
        if (!about.isEmpty()) {
            page.line(s.dim("  " + String.join(", ", about)));
        }
    }
}
