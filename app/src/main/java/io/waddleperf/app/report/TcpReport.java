package io.waddleperf.app.report;

import io.waddleperf.core.result.ProbeResult;

/** {@code tcp}: connect times in ping's layout, as tcping and hping print them. */
final class TcpReport implements Report {

    @Override
    public void render(ProbeResult r, Page page) {
        page.line(page.style().bold("--- " + Reports.where(r, true) + " tcp connect statistics ---"));
        body(r, page);
    }

    /** The statistics without the heading (the tcp_trace report shows them under its hop lines). */
    static void body(ProbeResult r, Page page) {
        Latency.lines(page, Latency.tally(r, Units.count(r.packetsSent() == null ? 0 : r.packetsSent(), "connection attempt"), "established", "failed",
                page.style()),
                Latency.summary("connect", r), Latency.spread("connect", r));
    }
}
