package io.waddleperf.probes.http;

import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.spec.HttpSpec;
import io.waddleperf.core.stats.LatencyStats;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/** Folds an http probe's attempts into the result fields; the aggregation rules are documented on {@link HttpProber}. */
final class HttpMetrics {

    private HttpMetrics() {
    }

    static void fill(ProbeResult.Builder result, List<HttpAttempt> attempts, HttpSpec spec) {
        List<HttpAttempt> completed = attempts.stream().filter(HttpAttempt::completed).toList();
        result.dnsMs(mean(attempts, HttpAttempt::dnsMs))
                .connectMs(mean(attempts, HttpAttempt::connectMs))
                .tlsMs(mean(attempts, HttpAttempt::tlsMs))
                .requestMs(mean(attempts, HttpAttempt::requestMs))
                .ttfbMs(mean(attempts, HttpAttempt::ttfbMs))
                .transferMs(mean(attempts, HttpAttempt::transferMs))
                .totalTimeMs(mean(attempts, HttpAttempt::totalMs));
        attempts.stream().map(HttpAttempt::targetIp).filter(Objects::nonNull).findFirst().ifPresent(result::targetIp);

        long bytes = 0;
        double transferMs = 0;
        double[] totals = new double[completed.size()];
        for (int i = 0; i < completed.size(); i++) {
            HttpAttempt a = completed.get(i);
            bytes += a.bodyBytes();
            transferMs += a.transferMs();
            totals[i] = a.totalMs();
        }
        // Bodies cut off by a failure moved bytes too: they count in received_bytes, not in the goodput.
        long allBytes = attempts.stream().map(HttpAttempt::bodyBytes).filter(Objects::nonNull).mapToLong(Long::longValue)
                .sum();
        if (attempts.stream().anyMatch(a -> a.bodyBytes() != null)) {
            result.receivedBytes(allBytes);
        }
        if (spec.maxBodyBytes() > 0) {
            long max = spec.maxBodyBytes();
            // stored as JSON reads it back: an Integer when it fits, so results round-trip
            result.raw("max_body_bytes", max == (int) max ? (Object) (int) max : (Object) max)
                    .raw("body_capped", attempts.stream().anyMatch(a -> Boolean.TRUE.equals(a.bodyCapped())));
        }
        if (!completed.isEmpty()) {
            // Goodput of the bodies: bits over the time from response headers to the last byte (10^6 bit/s).
            if (bytes > 0 && transferMs > 0) {
                result.throughputMbps(HttpAttempt.round(bytes * 8.0 / (transferMs / 1000.0) / 1e6));
            }
            LatencyStats stats = LatencyStats.of(totals);
            result.latencyMs(HttpAttempt.round(stats.avgMs()))
                    .minLatencyMs(HttpAttempt.round(stats.minMs()))
                    .maxLatencyMs(HttpAttempt.round(stats.maxMs()))
                    .p50LatencyMs(HttpAttempt.round(stats.p50Ms()))
                    .p95LatencyMs(HttpAttempt.round(stats.p95Ms()))
                    .stddevLatencyMs(HttpAttempt.round(stats.stddevMs()));
            HttpAttempt last = completed.getLast();
            result.statusCode(last.statusCode())
                    .protocolDetail(last.protocol())
                    .tlsVersion(last.tlsVersion());
            result.raw("redirect_count", last.redirects().size())
                    .raw("redirects", last.redirects())
                    .raw("final_url", last.finalUrl());
            if (last.tlsCipher() != null) {
                result.raw("tls_cipher", last.tlsCipher())
                        .raw("tls_verified", spec.tlsClient().verify()); // false: verify=false skipped chain and host name checks
            }
        } else {
            result.protocolDetail(null); // no response, so no protocol was actually used
        }
        result.raw("method", spec.method())
                .raw("protocol_requested", spec.protocol());
        result.raw("attempts_sent", attempts.size())
                .raw("attempts_completed", completed.size());
        List<Map<String, Object>> raw = new ArrayList<>();
        for (HttpAttempt a : attempts) {
            raw.add(a.toRaw());
        }
        result.raw("attempts", raw);
    }

    /** Mean of one phase over the attempts that measured it, null when none did. */
    private static Double mean(List<HttpAttempt> attempts, Function<HttpAttempt, Double> phase) {
        double sum = 0;
        int n = 0;
        for (HttpAttempt a : attempts) {
            Double v = phase.apply(a);
            if (v != null) {
                sum += v;
                n++;
            }
        }
        return n == 0 ? null : HttpAttempt.round(sum / n);
    }
}
