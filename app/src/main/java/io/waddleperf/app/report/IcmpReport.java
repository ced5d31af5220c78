package io.waddleperf.app.report;

import io.waddleperf.core.result.ProbeResult;
import java.util.ArrayList;
import java.util.List;

/** {@code icmp}: ping's statistics block. */
final class IcmpReport implements Report {

    @Override
    public void render(ProbeResult r, Page page) {
        Raw raw = Raw.of(r);
        page.line(page.style().bold("--- " + Reports.where(r, false) + " ping statistics ---"));
        Latency.lines(page, Latency.tally(r, Latency.sent(r, "packet"), "received", "packet loss", page.style()),
                Latency.summary("rtt", r), Latency.spread("rtt", r));
        List<String> about = new ArrayList<>();
        if (raw.has("payload_bytes")) {
            about.add(raw.integer("payload_bytes") + " data bytes" + (raw.flag("dont_fragment") ? ", don't fragment" : ""));
        }
        Raw ttl = raw.sub("reply_ttl_range");
        if (ttl.has("min") && !ttl.integer("min").equals(ttl.integer("max"))) {
            about.add("reply ttl " + ttl.integer("min") + "-" + ttl.integer("max"));
        } else if (raw.has("reply_ttl")) {
            about.add("reply ttl " + raw.integer("reply_ttl"));
        }
        if (raw.has("method")) {
            about.add(Sockets.describe(raw.str("method")));
        }
        if (!about.isEmpty()) {
            page.line(page.style().dim(String.join(", ", about)));
        }
    }
}
