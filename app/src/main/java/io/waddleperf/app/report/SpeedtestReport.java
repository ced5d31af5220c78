package io.waddleperf.app.report;

import io.waddleperf.core.result.ProbeResult;
import java.util.ArrayList;
import java.util.List;

/** {@code speedtest}: idle latency, then download and upload goodput, as a speed test page shows them. */
final class SpeedtestReport implements Report {

    @Override
    public void render(ProbeResult r, Page page) {
        Raw raw = Raw.of(r);
        Style s = page.style();
        page.line(s.bold(r.target()) + (r.protocolDetail() == null ? "" : "  " + r.protocolDetail() + " protocol"));
        Table t = new Table(false, true, false).indent("  ");
        if (r.latencyMs() != null) {
            List<String> spread = new ArrayList<>();
            if (r.minLatencyMs() != null) {
                spread.add("min " + Units.ms(r.minLatencyMs()));
            }
            if (r.p95LatencyMs() != null) {
                spread.add("p95 " + Units.ms(r.p95LatencyMs()));
            }
            if (r.jitterMs() != null) {
                spread.add("jitter " + Units.ms(r.jitterMs()));
            }
            t.row("idle latency", Units.ms(r.latencyMs()), String.join(", ", spread));
        }
        if (r.downloadMbps() != null) {
            t.row("download", Units.rate(r.downloadMbps()), detail(raw, "download", r.receivedBytes())).paint(1, s::bold);
        }
        if (r.uploadMbps() != null) {
            t.row("upload", Units.rate(r.uploadMbps()), detail(raw, "upload", r.sentBytes())).paint(1, s::bold);
        }
        page.table(t);
        if (Boolean.FALSE.equals(raw.bool("tls_verified"))) {
            page.line("  " + s.warn("certificate not checked (verify=false)"));
        }
    }

    private static String detail(Raw raw, String direction, Long bytes) {
        List<String> parts = new ArrayList<>();
        if (raw.has(direction + "_streams")) {
            parts.add(Units.count(raw.integer(direction + "_streams"), "stream"));
        }
        if (raw.has(direction + "_measured_ms")) {
            parts.add("measured " + Units.duration(raw.num(direction + "_measured_ms")));
        }
        if (bytes != null) {
            parts.add(Units.bytes(bytes) + " moved");
        }
        return String.join(", ", parts);
    }
}
