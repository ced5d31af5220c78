package io.waddleperf.app;

import io.waddleperf.core.result.Hop;
import io.waddleperf.core.result.Interval;
import io.waddleperf.core.result.ProbeResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders a result as a short, readable report for a terminal: the verdict first, then the metrics that exist. */
public final class ResultFormatter {

    private ResultFormatter() {
    }

    public static String format(ProbeResult r) {
        StringBuilder sb = new StringBuilder();
        String where = r.targetIp() != null && !r.targetIp().equals(r.targetHost())
                ? r.target() + " (" + r.targetIp() + ")" : r.target();
        sb.append(String.format(Locale.ROOT, "%s %s  %s  in %s ms%n", r.testType().wireName(), where,
                r.success() ? "OK" : "FAILED", num(r.durationMs())));
        if (r.error() != null) {
            sb.append("  error            ").append(r.error()).append('\n');
        }
        for (String[] row : rows(r)) {
            sb.append(String.format(Locale.ROOT, "  %-16s %s%n", row[0], row[1]));
        }
        if (r.hops() != null && !r.hops().isEmpty()) {
            // mtr's report columns (Loss%, Snt, Last, Avg, Best, Wrst, StDev), times in ms.
            sb.append(String.format(Locale.ROOT, "  %3s  %-39s %6s %5s %8s %8s %8s %8s %8s%n", "hop", "address", "loss%", "sent",
                    "last", "avg", "best", "worst", "stddev"));
            for (Hop h : r.hops()) {
                sb.append(String.format(Locale.ROOT, "  %3d  %-39s %6s %5s %8s %8s %8s %8s %8s%n", h.hop(),
                        h.ip() == null ? "*" : h.hostname() == null ? h.ip() : h.hostname() + " (" + h.ip() + ")",
                        num(h.lossPercent()), h.sent() == null ? "" : h.sent(), num(h.lastMs()), num(h.avgMs()),
                        num(h.bestMs()), num(h.worstMs()), num(h.stddevMs())));
            }
        }
        if (r.intervals() != null && !r.intervals().isEmpty()) {
            sb.append("  interval           bytes     Mbit/s\n");
            for (Interval i : r.intervals()) {
                sb.append(String.format(Locale.ROOT, "  %5.1f-%-5.1f s %12d %10.2f%n", i.startSeconds(), i.endSeconds(), i.bytes(), i.throughputMbps()));
            }
        }
        return sb.toString();
    }

    private static List<String[]> rows(ProbeResult r) {
        List<String[]> rows = new ArrayList<>();
        if (r.latencyMs() != null) {
            StringBuilder s = new StringBuilder(num(r.latencyMs()) + " ms avg");
            List<String> spread = new ArrayList<>();
            addPart(spread, "min", r.minLatencyMs());
            addPart(spread, "p50", r.p50LatencyMs());
            addPart(spread, "p95", r.p95LatencyMs());
            addPart(spread, "p99", r.p99LatencyMs());
            addPart(spread, "max", r.maxLatencyMs());
            addPart(spread, "stddev", r.stddevLatencyMs());
            if (!spread.isEmpty()) {
                s.append("  (").append(String.join(", ", spread)).append(')');
            }
            rows.add(new String[] {"latency", s.toString()});
        }
        if (r.jitterMs() != null) {
            rows.add(new String[] {"jitter", num(r.jitterMs()) + " ms (RFC 3550)" + (r.ipdvMs() == null ? "" : ", ipdv " + num(r.ipdvMs()) + " ms")});
        }
        if (r.packetsSent() != null) {
            rows.add(new String[] {"packets", r.packetsSent() + " sent, " + r.packetsReceived() + " received, "
                    + num(r.packetLossPercent()) + " % loss"
                    + (r.duplicatePackets() != null && r.duplicatePackets() > 0 ? ", " + r.duplicatePackets() + " duplicates" : "")
                    + (r.reorderedPackets() != null && r.reorderedPackets() > 0 ? ", " + r.reorderedPackets() + " reordered" : "")});
        }
        addMs(rows, "dns", r.dnsMs());
        addMs(rows, "connect", r.connectMs());
        addMs(rows, "tls handshake", r.tlsMs());
        addMs(rows, "request sent", r.requestMs());
        addMs(rows, "first byte", r.ttfbMs());
        addMs(rows, "transfer", r.transferMs());
        addMs(rows, "total", r.totalTimeMs());
        add(rows, "status", r.statusCode());
        add(rows, "protocol", r.protocolDetail());
        add(rows, "tls version", r.tlsVersion());
        add(rows, "cert days left", r.certDaysLeft());
        add(rows, "server", r.serverVersion());
        if (r.throughputMbps() != null) {
            rows.add(new String[] {"throughput", num(r.throughputMbps()) + " Mbit/s"});
        }
        add(rows, "bytes sent", r.sentBytes());
        add(rows, "bytes received", r.receivedBytes());
        add(rows, "retransmits", r.retransmits());
        if (r.downloadMbps() != null) {
            rows.add(new String[] {"download", num(r.downloadMbps()) + " Mbit/s"});
        }
        if (r.uploadMbps() != null) {
            rows.add(new String[] {"upload", num(r.uploadMbps()) + " Mbit/s"});
        }
        add(rows, "rpm", r.rpm() == null ? null : num(r.rpm()));
        addMs(rows, "loaded latency", r.loadedLatencyMs());
        add(rows, "path mtu", r.pathMtuBytes() == null ? null : r.pathMtuBytes() + " bytes");
        add(rows, "hop count", r.hopCount());
        if (r.rawResults() != null) {
            for (Map.Entry<String, Object> e : r.rawResults().entrySet()) {
                Object v = e.getValue();
                if (v instanceof List<?> || v instanceof Map<?, ?>) {
                    continue; // detail lists belong in --json output
                }
                rows.add(new String[] {e.getKey().replace('_', ' '), String.valueOf(v)});
            }
        }
        return rows;
    }

    private static void addPart(List<String> parts, String label, Double ms) {
        if (ms != null) {
            parts.add(label + " " + num(ms));
        }
    }

    private static void add(List<String[]> rows, String label, Object value) {
        if (value != null) {
            rows.add(new String[] {label, String.valueOf(value)});
        }
    }

    private static void addMs(List<String[]> rows, String label, Double ms) {
        if (ms != null) {
            rows.add(new String[] {label, num(ms) + " ms"});
        }
    }

    /** Three significant decimals for small numbers, fewer for large ones; empty for null. */
    static String num(Double v) {
        if (v == null) {
            return "";
        }
        double a = Math.abs(v);
        String f = a >= 100 ? "%.1f" : a >= 1 ? "%.2f" : "%.3f";
        return String.format(Locale.ROOT, f, v);
    }
}
