package io.waddleperf.agent.autoperf;

import io.waddleperf.core.autoperf.Thresholds;
import io.waddleperf.core.autoperf.CustomThreshold;
import io.waddleperf.core.autoperf.ResultFields;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.TestType;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * A tier's thresholds applied to its results: which probe types each of the original AutoPerf's thresholds is
 * about, which result field it reads, and the reason a crossing gives. A value equal to its limit does not cross.
 */
public final class ThresholdCheck {

    private static final Set<TestType> PING = EnumSet.of(TestType.ICMP, TestType.UDP);
    private static final Set<TestType> BANDWIDTH = EnumSet.of(TestType.IPERF3, TestType.SPEEDTEST);
    private static final Set<TestType> JITTER = EnumSet.of(TestType.ICMP, TestType.UDP, TestType.IPERF3);
    private static final Set<TestType> PATH = EnumSet.of(TestType.TRACEROUTE, TestType.MTR, TestType.HTTP_TRACE,
            TestType.TCP_TRACE, TestType.UDP_TRACE);

    private ThresholdCheck() {
    }

    /** Every crossing among {@code outcomes}, in probe order; a failed probe crosses when {@code failureCrosses}. */
    public static List<Crossing> check(Thresholds t, boolean failureCrosses, List<ProbeOutcome> outcomes) {
        List<Crossing> out = new ArrayList<>();
        for (ProbeOutcome o : outcomes) {
            ProbeResult r = o.result();
            String probe = o.definition().name();
            TestType type = r.testType();
            if (failureCrosses && !r.success()) {
                out.add(new Crossing("probe_failed", probe, probe + " failed: " + r.error()));
            }
            if (PING.contains(type)) {
                above(out, probe, "ping_latency", r.latencyMs(), millis(t.pingLatency()), "ms");
                above(out, probe, "packet_loss", r.packetLossPercent(), t.packetLoss(), "%");
            }
            if (type == TestType.HTTP) {
                above(out, probe, "http_response", r.totalTimeMs() != null ? r.totalTimeMs() : r.latencyMs(),
                        millis(t.httpResponse()), "ms");
            }
            if (type == TestType.DNS) {
                above(out, probe, "dns_timeout", r.latencyMs() != null ? r.latencyMs() : r.dnsMs(),
                        millis(t.dnsTimeout()), "ms");
            }
            if (BANDWIDTH.contains(type) && t.bandwidth() != null) {
                below(out, probe, "bandwidth", bandwidthMbps(r), t.bandwidth() / 1e6, "Mbit/s");
            }
            if (JITTER.contains(type)) {
                above(out, probe, "jitter", r.jitterMs(), millis(t.jitter()), "ms");
            }
            if (PATH.contains(type) && t.hopCount() != null) {
                above(out, probe, "hop_count", r.hopCount() == null ? null : r.hopCount().doubleValue(),
                        t.hopCount().doubleValue(), "");
            }
            if (type == TestType.TLS && t.sslExpiry() != null) {
                below(out, probe, "ssl_expiry", r.certDaysLeft() == null ? null : r.certDaysLeft().doubleValue(),
                        t.sslExpiry().toHours() / 24.0, "d");
            }
            for (CustomThreshold c : t.custom()) {
                if (!c.probes().isEmpty() && !c.probes().contains(probe)) {
                    continue;
                }
                OptionalDouble v = ResultFields.value(r, c.field());
                if (v.isPresent()) {
                    if (c.above() != null) {
                        above(out, probe, c.name(), v.getAsDouble(), c.above(), "");
                    } else {
                        below(out, probe, c.name(), v.getAsDouble(), c.below(), "");
                    }
                }
            }
        }
        return List.copyOf(out);
    }

    /** The rate a bandwidth threshold compares: the slower direction when both were measured, else the goodput. */
    private static Double bandwidthMbps(ProbeResult r) {
        if (r.downloadMbps() != null || r.uploadMbps() != null) {
            return Math.min(r.downloadMbps() == null ? Double.MAX_VALUE : r.downloadMbps(),
                    r.uploadMbps() == null ? Double.MAX_VALUE : r.uploadMbps());
        }
        return r.throughputMbps();
    }

    private static Double millis(Duration d) {
        return d == null ? null : d.toNanos() / 1e6;
    }

    private static void above(List<Crossing> out, String probe, String name, Double value, Double limit, String unit) {
        if (value != null && limit != null && value > limit) {
            out.add(new Crossing(name, probe, name + " exceeded: " + format(value) + unit + " > " + format(limit) + unit));
        }
    }

    private static void below(List<Crossing> out, String probe, String name, Double value, Double limit, String unit) {
        if (value != null && limit != null && value < limit) {
            out.add(new Crossing(name, probe, name + " below minimum: " + format(value) + unit + " < " + format(limit)
                    + unit));
        }
    }

    /**
     * A figure as a person reads it: from 10 up at most one decimal (150, 100.5), below that three significant
     * digits (8.2, 0.0234), so that a sub-millisecond loopback latency does not read as "0ms"; no trailing zeros.
     */
    static String format(double v) {
        BigDecimal d = BigDecimal.valueOf(v);
        d = Math.abs(v) >= 10 ? d.setScale(1, RoundingMode.HALF_UP) : d.round(new java.math.MathContext(3, RoundingMode.HALF_UP));
        return d.stripTrailingZeros().toPlainString();
    }
}
