package io.waddleperf.app.report;

import io.waddleperf.core.result.ProbeResult;
import java.util.List;

/**
 * {@code http}: curl's phase timings ({@code -w time_namelookup … time_total}) as a table of what each phase took and
 * when it was done. A transfer rate only for bodies large enough for one to mean something.
 */
final class HttpReport implements Report {

    /** Below this a body moves in a round trip or two and bytes over time says nothing about the path's capacity. */
    static final long RATE_MIN_BODY_BYTES = 1 << 20;

    @Override
    public void render(ProbeResult r, Page page) {
        Raw raw = Raw.of(r);
        Style s = page.style();
        long body = bodyBytes(r, raw);
        StringBuilder head = new StringBuilder(s.bold(r.target()));
        if (r.statusCode() != null) {
            String status = String.valueOf(r.statusCode());
            head.append("  ").append(r.statusCode() < 400 ? s.good(status) : s.warn(status));
        }
        if (r.protocolDetail() != null) {
            head.append("  ").append(r.protocolDetail().toUpperCase(java.util.Locale.ROOT));
        }
        if (body >= 0) {
            head.append("  ").append(Units.bytes(body)).append(" body");
        }
        Long sent = raw.integer("attempts_sent");
        if (sent != null && sent > 1) {
            head.append("  ").append(s.dim("(times: mean of " + raw.integer("attempts_completed") + " requests)"));
        }
        page.line(head.toString());
        Long redirects = raw.integer("redirect_count");
        if (redirects != null && redirects > 0) {
            page.line("  after " + Units.count(redirects, "redirect") + " to " + raw.str("final_url"));
        }
        if (Boolean.FALSE.equals(raw.bool("tls_verified"))) {
            page.line("  " + s.warn("certificate not checked (verify=false)"));
        }
        phases(r, raw, page);
        if (r.throughputMbps() != null && body >= RATE_MIN_BODY_BYTES && r.transferMs() != null && r.transferMs() > 0) {
            page.line("  transfer rate " + Units.rate(r.throughputMbps()));
        }
        Long done = raw.integer("attempts_completed");
        if (sent != null && sent > 1) {
            String answered = done == null || done.equals(sent) ? done + " answered" : s.warn(done + " answered");
            page.line("  " + Units.count(sent, "request") + ", " + answered
                    + (r.minLatencyMs() == null ? "" : "; total min/avg/max/mdev = " + Latency.values(r)));
        }
    }

    private static void phases(ProbeResult r, Raw raw, Page page) {
        Table t = new Table(false, true, true).indent("  ");
        t.row("", "took", "done at");
        double at = 0;
        at = phase(t, "dns lookup", r.dnsMs(), at);
        at = phase(t, "tcp connect", r.connectMs(), at);
        at = phase(t, "tls handshake", r.tlsMs(), at);
        if (r.ttfbMs() != null) {
            t.row("first byte", Units.ms(Math.max(0, r.ttfbMs() - at)), Units.ms(r.ttfbMs()));
            at = r.ttfbMs();
        }
        if (r.transferMs() != null) {
            t.row("transfer", Units.ms(r.transferMs()), Units.ms(r.totalTimeMs() != null ? r.totalTimeMs() : at + r.transferMs()));
        }
        page.table(t);
    }

    private static double phase(Table t, String name, Double ms, double at) {
        if (ms == null) {
            return at;
        }
        t.row(name, Units.ms(ms), Units.ms(at + ms));
        return at + ms;
    }

    /** One response's body: the last attempt's, else the total over the answered attempts; -1 when unknown. */
    static long bodyBytes(ProbeResult r, Raw raw) {
        List<Raw> attempts = raw.list("attempts");
        for (int i = attempts.size() - 1; i >= 0; i--) {
            if (attempts.get(i).has("received_bytes")) {
                return attempts.get(i).integer("received_bytes");
            }
        }
        Long done = raw.integer("attempts_completed");
        if (r.receivedBytes() != null) {
            return done != null && done > 0 ? r.receivedBytes() / done : r.receivedBytes();
        }
        return -1;
    }
}
