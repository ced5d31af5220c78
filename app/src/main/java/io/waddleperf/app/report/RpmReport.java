package io.waddleperf.app.report;

import io.waddleperf.core.result.ProbeResult;

/**
 * {@code rpm}: responsiveness in round trips per minute with its parts, as Apple's networkQuality and
 * goresponsiveness print it: whole RPM (a fraction of a round trip per minute means nothing), latencies, capacity.
 */
final class RpmReport implements Report {

    @Override
    public void render(ProbeResult r, Page page) {
        Raw raw = Raw.of(r);
        Style s = page.style();
        page.line(s.bold(r.target()) + (r.protocolDetail() == null ? "" : "  load: " + r.protocolDetail()));
        Table t = new Table(false, true, false).indent("  ");
        if (r.rpm() != null) {
            StringBuilder how = new StringBuilder();
            if (raw.has("foreign_rpm") && raw.has("loaded_rpm")) {
                how.append("mean of new connections ").append(Math.round(raw.num("foreign_rpm"))).append(" and loaded ones ")
                        .append(Math.round(raw.num("loaded_rpm")));
            }
            if (raw.has("confidence")) {
                how.append(how.isEmpty() ? "" : "; ").append(raw.str("confidence")).append(" confidence");
            }
            t.row("responsiveness", Math.round(r.rpm()) + " RPM", how.toString()).paint(1, s::bold);
        }
        if (r.loadedLatencyMs() != null) {
            t.row("loaded latency", Units.ms(r.loadedLatencyMs()), "");
        }
        if (r.latencyMs() != null) {
            t.row("idle latency", Units.ms(r.latencyMs()), r.minLatencyMs() == null ? "" : "min " + Units.ms(r.minLatencyMs()));
        }
        if (r.throughputMbps() != null) {
            StringBuilder how = new StringBuilder();
            if (raw.has("load_connections")) {
                how.append(Units.count(raw.integer("load_connections"), "connection"));
            }
            Long bytes = r.receivedBytes() != null ? r.receivedBytes() : r.sentBytes();
            if (bytes != null) {
                how.append(how.isEmpty() ? "" : ", ").append(Units.bytes(bytes)).append(" moved");
            }
            if (raw.has("intervals")) {
                how.append(how.isEmpty() ? "" : " in ").append(Units.count(raw.integer("intervals"), "interval"));
            }
            t.row("capacity", Units.rate(r.throughputMbps()), how.toString());
        }
        page.table(t);
        if (Boolean.FALSE.equals(raw.bool("tls_verified"))) {
            page.line("  " + s.warn("certificate not checked (verify=false)"));
        }
    }
}
