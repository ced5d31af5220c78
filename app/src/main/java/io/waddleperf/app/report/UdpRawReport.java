package io.waddleperf.app.report;

import io.waddleperf.core.result.ProbeResult;

/** {@code udp_raw}: did anything answer the datagrams, and how fast. */
final class UdpRawReport implements Report {

    @Override
    public void render(ProbeResult r, Page page) {
        Raw raw = Raw.of(r);
        page.line(page.style().bold("--- " + Reports.where(r, true) + " udp statistics ---"));
        String payload = raw.has("payload_bytes") ? " of " + Units.bytes(raw.integer("payload_bytes")) : "";
        long sent = r.packetsSent() == null ? 0 : r.packetsSent();
        page.line(Latency.tally(r, Units.count(sent, "datagram") + payload + " sent", "answered", "unanswered", page.style()));
        Latency.lines(page, Latency.summary("reply delay", r), Latency.spread("reply delay", r));
        Long late = raw.integer("late_replies");
        if (late != null && late > 0) {
            page.line(page.style().warn(Units.count(late, "late reply") + " (after the timeout, not counted)"));
        }
    }
}
