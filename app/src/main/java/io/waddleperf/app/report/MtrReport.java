package io.waddleperf.app.report;

import io.waddleperf.core.result.Hop;
import io.waddleperf.core.result.ProbeResult;
import java.util.Locale;

/** {@code mtr}: mtr's report table (Loss%, Snt, Last, Avg, Best, Wrst, StDev per hop). */
final class MtrReport implements Report {

    @Override
    public void render(ProbeResult r, Page page) {
        Raw raw = Raw.of(r);
        String how = raw.has("cycles") ? ", " + Units.count(raw.integer("cycles"), "cycle") : "";
        page.line(page.style().bold("mtr to " + Reports.where(r, false)) + "  " + page.style().dim(
                (r.protocolDetail() == null ? "" : r.protocolDetail()) + how + ", times in ms"));
        table(r, page);
    }

    @Override
    public void afterFailure(ProbeResult r, Page page) {
        if (r.hops() != null && !r.hops().isEmpty()) {
            table(r, page);
        }
    }

    static void table(ProbeResult r, Page page) {
        Style s = page.style();
        String host = r.device() != null && r.device().hostname() != null ? r.device().hostname() : "local";
        Table t = new Table(false, true, true, true, true, true, true, true);
        t.row("HOST: " + host, "Loss%", "Snt", "Last", "Avg", "Best", "Wrst", "StDev");
        if (r.hops() != null) {
            for (Hop h : r.hops()) {
                String name = h.ip() == null ? "???" : h.hostname() == null || h.hostname().equals(h.ip()) ? h.ip()
                        : h.hostname() + " (" + h.ip() + ")";
                t.row(String.format(Locale.ROOT, "%3d.|-- %s", h.hop(), name),
                        h.lossPercent() == null ? "" : String.format(Locale.ROOT, "%.1f%%", h.lossPercent()),
                        h.sent() == null ? "" : String.valueOf(h.sent()), n(h.lastMs()), n(h.avgMs()), n(h.bestMs()),
                        n(h.worstMs()), n(h.stddevMs()));
                if (h.lossPercent() != null && h.lossPercent() > 0) {
                    t.paint(1, s::warn);
                }
            }
        }
        page.table(t);
    }

    private static String n(Double ms) {
        return ms == null ? "" : Units.sig3(ms);
    }
}
