package io.waddleperf.probes.http;

import io.waddleperf.probes.Failures;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One attempt of an http probe, every time measured on that attempt's own events. Fields are null where the
 * attempt did not get that far (e.g. no {@code ttfbMs} after a refused connect); {@code failure} is the attempt's
 * failure (an exception, an HTTP error status, or HTTP/2 required but not negotiated), null when it got an
 * acceptable response.
 *
 * @param totalMs {@code ttfbMs} plus {@code transferMs}: the network's share of the attempt
 * @param ttfbMs dns, connect and tls of every connection plus every exchange's server wait (request's first byte
 *               written to its response headers read), redirects included; the client's processing in between is not
 * @param transferMs from the read that completed the final response's headers to the read that completed its body
 * @param clientMs the attempt's wall time minus {@code totalMs}: the client's own processing (OkHttp, class loading)
 * @param bodyBytes body bytes as received on the connection (compressed size when the server gzipped); for a failed
 *                  attempt the bytes that arrived before it failed, null when no body was being read
 * @param bodyCapped whether {@code max_body_bytes} cut the body off; null without a cap
 */
record HttpAttempt(int attempt, Double dnsMs, Double connectMs, Double tlsMs, Double requestMs, Double ttfbMs,
                   Double transferMs, Double totalMs, Double clientMs, Integer statusCode, String protocol, Long bodyBytes,
                   List<Map<String, Object>> redirects, String finalUrl, String targetIp, int connections,
                   String tlsVersion, String tlsCipher, Failures.Failure failure, Boolean bodyCapped) {

    boolean completed() {
        return totalMs != null;
    }

    /** This attempt as a {@code raw_results.attempts[]} entry (snake_case, nulls left out). */
    Map<String, Object> toRaw() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("attempt", attempt);
        put(m, "status_code", statusCode);
        put(m, "protocol", protocol);
        put(m, "dns_ms", dnsMs);
        put(m, "connect_ms", connectMs);
        put(m, "tls_ms", tlsMs);
        put(m, "request_ms", requestMs);
        put(m, "ttfb_ms", ttfbMs);
        put(m, "transfer_ms", transferMs);
        put(m, "total_time_ms", totalMs);
        put(m, "client_ms", clientMs);
        put(m, "received_bytes", bodyBytes);
        put(m, "body_capped", bodyCapped);
        m.put("connections", connections);
        put(m, "target_ip", targetIp);
        if (redirects != null) {
            m.put("redirect_count", redirects.size());
        }
        put(m, "final_url", finalUrl);
        put(m, "tls_version", tlsVersion);
        put(m, "tls_cipher", tlsCipher);
        put(m, "error", failure == null ? null : failure.describe());
        return m;
    }

    private static void put(Map<String, Object> m, String key, Object value) {
        if (value != null) {
            m.put(key, switch (value) {
                case Double d -> round(d);
                // Jackson reads a JSON integer back as Integer when it fits: store it that way so results round-trip.
                case Long l when l == (int) (long) l -> (int) (long) l;
                default -> value;
            });
        }
    }

    /** Milliseconds to the microsecond, the resolution the clock readings deserve in JSON. */
    static double round(double ms) {
        return Math.round(ms * 1000.0) / 1000.0;
    }
}
