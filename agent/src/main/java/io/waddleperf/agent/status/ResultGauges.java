package io.waddleperf.agent.status;

import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.TestType;
import java.util.Arrays;

/**
 * The gauges of one result, by blackbox_exporter's names where it has one (its probers' metrics: {@code
 * probe_success}, {@code probe_duration_seconds}, {@code probe_http_duration_seconds{phase}} with phases resolve,
 * connect, tls, processing, transfer; {@code probe_http_status_code}; {@code probe_icmp_duration_seconds{phase}} with
 * resolve and rtt; {@code probe_icmp_reply_hop_limit}; {@code probe_dns_lookup_time_seconds}; {@code
 * probe_tls_version_info}) and as {@code waddleperf_probe_*} in base units otherwise. A figure the result does not
 * have is removed rather than left at an old value or set to 0.
 */
final class ResultGauges {

    private final String[] labels;
    private final java.util.Set<String> written = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final Gauge success;
    private final Gauge duration;
    private final Gauge httpPhase;
    private final Gauge httpStatus;
    private final Gauge icmpPhase;
    private final Gauge dnsLookup;
    private final Gauge latency;
    private final Gauge loss;
    private final Gauge jitter;
    private final Gauge throughput;
    private final Gauge hops;
    private final Gauge mtu;
    private final Gauge certDays;
    private final Gauge rpm;

    ResultGauges(PrometheusRegistry registry, String[] labels) {
        this.labels = labels;
        String[] withPhase = plus(labels, "phase");
        success = gauge(registry, "probe_success", "Whether the probe succeeded (1) or failed (0)", labels);
        duration = gauge(registry, "probe_duration_seconds", "How long the probe took", labels);
        httpPhase = gauge(registry, "probe_http_duration_seconds", "Duration of an HTTP request by phase", withPhase);
        httpStatus = gauge(registry, "probe_http_status_code", "HTTP status of the last response", labels);
        icmpPhase = gauge(registry, "probe_icmp_duration_seconds", "Duration of an ICMP echo by phase", withPhase);
        dnsLookup = gauge(registry, "probe_dns_lookup_time_seconds", "Time taken by the DNS lookup", labels);
        latency = gauge(registry, "waddleperf_probe_latency_seconds", "Mean latency of the probe's samples", labels);
        loss = gauge(registry, "waddleperf_probe_packet_loss_ratio", "Share of packets or attempts lost (0-1)", labels);
        jitter = gauge(registry, "waddleperf_probe_jitter_seconds", "RFC 3550 jitter of the probe's samples", labels);
        throughput = gauge(registry, "waddleperf_probe_throughput_bits_per_second",
                "Goodput; for download and upload measured apart, the slower direction", labels);
        hops = gauge(registry, "waddleperf_probe_hop_count", "Hops to the destination", labels);
        mtu = gauge(registry, "waddleperf_probe_path_mtu_bytes", "Path MTU found", labels);
        certDays = gauge(registry, "waddleperf_probe_cert_days_left", "Days until the server certificate expires", labels);
        rpm = gauge(registry, "waddleperf_probe_rpm", "Responsiveness under load (round trips per minute)", labels);
    }

    private static Gauge gauge(PrometheusRegistry registry, String name, String help, String[] labels) {
        Gauge.Builder b = Gauge.builder().name(name).help(help);
        if (labels.length > 0) {
            b.labelNames(labels);
        }
        return b.register(registry);
    }

    private static String[] plus(String[] labels, String extra) {
        String[] out = Arrays.copyOf(labels, labels.length + 1);
        out[labels.length] = extra;
        return out;
    }

    void set(ProbeResult r, String[] values) {
        set(success, values, r.success() ? 1.0 : 0.0);
        set(duration, values, seconds(r.durationMs()));
        if (r.testType() == TestType.HTTP) {
            Double processing = null;
            if (r.ttfbMs() != null) {
                // blackbox's "processing" is the server's wait: time to first byte less the network phases before it
                processing = r.ttfbMs() - nz(r.dnsMs()) - nz(r.connectMs()) - nz(r.tlsMs());
            }
            set(httpPhase, plus(values, "resolve"), seconds(r.dnsMs()));
            set(httpPhase, plus(values, "connect"), seconds(r.connectMs()));
            set(httpPhase, plus(values, "tls"), seconds(r.tlsMs()));
            set(httpPhase, plus(values, "processing"), seconds(processing));
            set(httpPhase, plus(values, "transfer"), seconds(r.transferMs()));
            set(httpStatus, values, r.statusCode() == null ? null : r.statusCode().doubleValue());
        }
        if (r.testType() == TestType.ICMP) {
            set(icmpPhase, plus(values, "resolve"), seconds(r.dnsMs()));
            set(icmpPhase, plus(values, "rtt"), seconds(r.latencyMs()));
        }
        Double lookup = r.dnsMs() != null ? r.dnsMs() : r.testType() == TestType.DNS ? r.latencyMs() : null;
        set(dnsLookup, values, seconds(lookup));
        set(latency, values, seconds(r.latencyMs()));
        set(loss, values, r.packetLossPercent() == null ? null : r.packetLossPercent() / 100.0);
        set(jitter, values, seconds(r.jitterMs()));
        Double mbps = r.throughputMbps();
        if (r.downloadMbps() != null || r.uploadMbps() != null) {
            mbps = Math.min(r.downloadMbps() == null ? Double.MAX_VALUE : r.downloadMbps(),
                    r.uploadMbps() == null ? Double.MAX_VALUE : r.uploadMbps());
        }
        set(throughput, values, mbps == null ? null : mbps * 1e6);
        set(hops, values, r.hopCount() == null ? null : r.hopCount().doubleValue());
        set(mtu, values, r.pathMtuBytes() == null ? null : r.pathMtuBytes().doubleValue());
        set(certDays, values, r.certDaysLeft() == null ? null : r.certDaysLeft().doubleValue());
        set(rpm, values, r.rpm());
    }

    private void set(Gauge g, String[] values, Double v) {
        if (v == null || v.isNaN()) {
            if (values.length > 0) {
                g.remove(values);
            }
            return;
        }
        if (values.length == 0) {
            g.set(v);
        } else {
            g.labelValues(values).set(v);
        }
        written.add(g.getPrometheusName());
    }

    private static Double seconds(Double ms) {
        return ms == null ? null : ms / 1000.0;
    }

    private static double nz(Double v) {
        return v == null ? 0 : v;
    }

    /** Without labels, the names of the gauges a result gave a value (the others would show a misleading 0). */
    java.util.Set<String> written() {
        return written;
    }
}
