package io.waddleperf.app.report;

import io.waddleperf.core.result.ProbeResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code udp}: ping's statistics block for the UDP echo protocol, plus the figures only an echo server can give. */
final class UdpEchoReport implements Report {

    @Override
    public void render(ProbeResult r, Page page) {
        Raw raw = Raw.of(r);
        page.line(page.style().bold("--- " + Reports.where(r, true) + " udp echo statistics ---"));
        Latency.lines(page, Latency.tally(r, Latency.sent(r, "packet"), "received", "packet loss", page.style()),
                Latency.summary("rtt", r), Latency.spread("rtt", r));
        if (raw.has("upstream_ipdv_ms") && raw.has("downstream_ipdv_ms")) {
            page.line("one-way ipdv: out " + Units.ms(raw.num("upstream_ipdv_ms")) + ", back "
                    + Units.ms(raw.num("downstream_ipdv_ms")));
        }
        if (raw.has("server_processing_avg_ms")) {
            page.line("server held each packet " + Units.ms(raw.num("server_processing_avg_ms")) + " on average (max "
                    + Units.ms(raw.num("server_processing_max_ms")) + ")");
        }
        List<String> about = new ArrayList<>();
        if (raw.has("size_bytes")) {
            about.add(raw.integer("size_bytes") + "-byte datagrams"
                    + (raw.has("interval_ms") ? " every " + Units.ms(raw.num("interval_ms")) : ""));
        }
        if (raw.flag("authenticated")) {
            about.add("authenticated");
        }
        Double lag = raw.num("send_lag_max_ms");
        if (lag != null && raw.has("interval_ms") && lag > raw.num("interval_ms")) {
            about.add(page.style().warn(String.format(Locale.ROOT, "sends ran up to %s late", Units.ms(lag))));
        }
        if (raw.flag("icmp_port_unreachable")) {
            about.add(page.style().warn("ICMP port unreachable seen"));
        }
        if (raw.has("invalid_replies")) {
            // reason -> count, e.g. {bad_magic=2}
            about.add(page.style().warn("invalid replies: " + raw.str("invalid_replies").replaceAll("[{}]", "")
                    .replace('=', ' ').replace('_', ' ')));
        }
        if (!about.isEmpty()) {
            page.line(page.style().dim(String.join(", ", about)));
        }
    }
}
