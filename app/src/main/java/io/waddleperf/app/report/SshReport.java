package io.waddleperf.app.report;

import io.waddleperf.core.result.ProbeResult;

/** {@code ssh}: the session's stages as {@code ssh -v} goes through them, the negotiated algorithms, echo and upload. */
final class SshReport implements Report {

    @Override
    public void render(ProbeResult r, Page page) {
        Raw raw = Raw.of(r);
        Style s = page.style();
        page.line(s.bold(r.target()) + (r.serverVersion() == null ? "" : "  " + r.serverVersion()));
        Table t = new Table(false, true, false).indent("  ");
        stage(t, "tcp connect", r.connectMs(), null);
        stage(t, "banner", raw.num("banner_ms"), null);
        stage(t, "key exchange", raw.num("kex_ms"), raw.str("kex_algorithm"));
        stage(t, "authentication", raw.num("auth_ms"), raw.str("auth_method"));
        stage(t, "channel open", raw.num("channel_open_ms"), null);
        stage(t, "whole session", r.totalTimeMs(), null);
        page.table(t);
        Table k = new Table(false, false).indent("  ");
        if (raw.has("host_key_type")) {
            k.row("host key", raw.str("host_key_type") + (raw.has("host_key_fingerprint") ? " " + raw.str("host_key_fingerprint") : ""));
        }
        if (raw.has("cipher")) {
            k.row("cipher", raw.str("cipher") + (raw.has("mac") ? ", mac " + raw.str("mac") : ""));
        }
        page.table(k);
        if (r.latencyMs() != null) {
            String of = raw.has("echo_requested") ? " (" + raw.integer("echo_completed") + " of " + raw.integer("echo_requested") + ")" : "";
            Latency.lines(page, "  " + Latency.summary("echo rtt", r) + of);
            String spread = Latency.spread("echo rtt", r);
            if (spread != null) {
                page.line("  " + spread);
            }
        }
        if (r.uploadMbps() != null) {
            String timed = raw.has("upload_timed_bytes") && raw.has("upload_timed_ms")
                    ? " (" + Units.bytes(raw.integer("upload_timed_bytes")) + " in " + Units.duration(raw.num("upload_timed_ms"))
                            + " once the channel flowed)"
                    : "";
            page.line("  upload " + s.bold(Units.rate(r.uploadMbps())) + timed);
        } else if (raw.has("upload_rate_omitted")) {
            page.line("  upload: no rate, " + raw.str("upload_rate_omitted"));
        }
    }

    private static void stage(Table t, String name, Double ms, String how) {
        if (ms != null) {
            t.row(name, Units.ms(ms), how);
        }
    }
}
