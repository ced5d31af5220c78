package io.waddleperf.manager.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.waddleperf.core.result.Device;
import io.waddleperf.core.result.Json;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.Source;
import io.waddleperf.core.result.TestType;
import io.waddleperf.core.result.UuidV7;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Turns the bodies the original clients upload into result objects, so they can keep sending what they send:
 *
 * <ul>
 * <li>the flat body of {@code POST /api/v1/results/upload} and of the container client ({@code test_type},
 *     {@code protocol_detail}, {@code target_host}, {@code target_ip}, {@code latency_ms}, {@code jitter_ms},
 *     {@code packet_loss_percent}, {@code throughput_mbps}, {@code raw_results}, {@code device_serial},
 *     {@code device_hostname}, {@code device_os}, {@code device_os_version}, {@code timestamp}, …, or a
 *     {@code device_info} object);</li>
 * <li>the Go client's body of {@code POST /api/v1/tests/} ({@code test_id, name, status, duration_ms, success,
 *     metrics{…}, metadata{…}}).</li>
 * </ul>
 *
 * Fields with a place in the result object go there, device fields into {@code device} (the original dropped
 * them), everything else into {@code raw_results}, so nothing sent is lost. The flat body carries no id, so the
 * manager makes one; the Go client's {@code test_id} becomes a UUIDv7 derived from it and its time, so sending the
 * same test again is recognised as a duplicate.
 */
public final class LegacyUploads {

    /** Flat fields that map onto the result object (or its device); the rest go to raw_results. */
    private static final Set<String> FLAT_KNOWN = Set.of("test_type", "protocol_detail", "target", "target_host",
            "target_ip", "target_port", "latency_ms", "jitter_ms", "packet_loss_percent", "throughput_mbps",
            "raw_results", "device_serial", "device_hostname", "device_os", "device_os_version", "device_info",
            "timestamp", "success", "error", "duration_ms", "packets_sent", "packets_received", "status_code");
    /** Go client metric names that map onto result fields of the same name. */
    private static final Set<String> GO_METRICS = Set.of("latency_ms", "jitter_ms", "packet_loss_percent",
            "throughput_mbps", "packets_sent", "packets_received", "status_code", "protocol", "error");

    private LegacyUploads() {
    }

    /** A result from the flat body ({@code /api/v1/results/upload}, the container client's {@code /api/v1/tests/}). */
    public static ProbeResult fromFlat(JsonNode body, Instant receivedAt) {
        object(body, "body");
        ProbeResult.Builder b = ProbeResult.builder().id(UuidV7.next()).source(Source.AGENT)
                .testType(testType(text(body, "test_type", true), "test_type"))
                .protocolDetail(text(body, "protocol_detail", false));
        String host = text(body, "target_host", false);
        Integer port = integer(body, "target_port");
        String target = text(body, "target", false);
        if (target == null && host == null) {
            throw new InvalidResultException("target_host", "is required (or target)");
        }
        b.target(target != null ? target : port == null ? host : host + ":" + port).targetHost(host)
                .targetIp(blankToNull(text(body, "target_ip", false))).targetPort(port);
        b.startedAt(time(body, "timestamp", receivedAt));
        b.latencyMs(number(body, "latency_ms")).jitterMs(number(body, "jitter_ms"))
                .packetLossPercent(number(body, "packet_loss_percent")).throughputMbps(number(body, "throughput_mbps"))
                .packetsSent(longValue(body, "packets_sent")).packetsReceived(longValue(body, "packets_received"))
                .statusCode(integer(body, "status_code"));
        String error = text(body, "error", false);
        b.error(error);
        b.success(body.has("success") ? bool(body, "success") : error == null);
        Map<String, Object> raw = new LinkedHashMap<>(rawResults(body.get("raw_results"), "raw_results"));
        b.durationMs(duration(number(body, "duration_ms"), raw));
        b.device(device(body));
        for (Map.Entry<String, JsonNode> e : body.properties()) {
            if (!FLAT_KNOWN.contains(e.getKey())) {
                raw.put(e.getKey(), Json.mapper().convertValue(e.getValue(), Object.class));
            }
        }
        return b.rawResults(raw.isEmpty() ? null : raw).build();
    }

    /** A result from the Go client's body of {@code /api/v1/tests/}. */
    public static ProbeResult fromGoClient(JsonNode body, Instant receivedAt) {
        object(body, "body");
        String testId = text(body, "test_id", true);
        JsonNode metadata = body.get("metadata");
        JsonNode metrics = body.get("metrics");
        if (metadata == null || !metadata.isObject()) {
            throw new InvalidResultException("metadata", "is required: an object with test_type and target");
        }
        if (metrics != null && !metrics.isNull() && !metrics.isObject()) {
            throw new InvalidResultException("metrics", "must be an object");
        }
        Instant startedAt = time(metadata, "timestamp", receivedAt, "metadata.");
        ProbeResult.Builder b = ProbeResult.builder().id(idFor(testId, startedAt)).source(Source.AGENT)
                .testType(testType(text(metadata, "test_type", true, "metadata."), "metadata.test_type"))
                .target(text(metadata, "target", true, "metadata."))
                .targetIp(ipOrNull(text(metadata, "target_ip", false, "metadata.")))
                .startedAt(startedAt).success(bool(body, "success"));
        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put("test_id", testId);
        Double duration = number(body, "duration_ms");
        b.durationMs(duration(duration, raw));
        if (metrics != null && metrics.isObject()) {
            b.latencyMs(number(metrics, "latency_ms", "metrics.")).jitterMs(number(metrics, "jitter_ms", "metrics."))
                    .packetLossPercent(number(metrics, "packet_loss_percent", "metrics."))
                    .throughputMbps(number(metrics, "throughput_mbps", "metrics."))
                    .packetsSent(longValue(metrics, "packets_sent", "metrics."))
                    .packetsReceived(longValue(metrics, "packets_received", "metrics."))
                    .statusCode(integer(metrics, "status_code", "metrics."))
                    .protocolDetail(text(metrics, "protocol", false, "metrics."))
                    .error(text(metrics, "error", false, "metrics."));
            for (Map.Entry<String, JsonNode> e : metrics.properties()) {
                if (!GO_METRICS.contains(e.getKey())) {
                    raw.put(e.getKey(), Json.mapper().convertValue(e.getValue(), Object.class));
                }
            }
        }
        b.device(new Device(text(metadata, "device_serial", false, "metadata."),
                text(metadata, "device_host", false, "metadata."), text(metadata, "device_os", false, "metadata."),
                null, "go-client", null));
        for (String f : new String[] {"name", "status", "organization_id", "device_id"}) {
            String v = text(body, f, false);
            if (v != null) {
                raw.put(f, v);
            }
        }
        String arch = text(metadata, "device_arch", false, "metadata.");
        if (arch != null) {
            raw.put("device_arch", arch);
        }
        return b.rawResults(raw).build();
    }

    /** True when the body looks like the Go client's (it has {@code test_id} or a {@code metadata} object). */
    public static boolean isGoClientBody(JsonNode body) {
        return body.isObject() && (body.has("test_id") || (body.has("metadata") && body.get("metadata").isObject()));
    }

    /**
     * The result id for a client's own test id: if it is a UUIDv7 already, itself; otherwise a UUIDv7 whose time is
     * the test's start and whose other bits are a SHA-256 of the test id, so the same test sent twice has one id.
     */
    static UUID idFor(String testId, Instant startedAt) {
        try {
            UUID u = UUID.fromString(testId);
            if (u.version() == 7) {
                return u;
            }
        } catch (IllegalArgumentException e) {
            // not a UUID: derive one
        }
        byte[] h;
        try {
            h = MessageDigest.getInstance("SHA-256").digest(("waddleperf test_id\0" + testId).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
        ByteBuffer bb = ByteBuffer.wrap(h);
        long msb = ((startedAt.toEpochMilli() & 0xFFFF_FFFF_FFFFL) << 16) | 0x7000L | (bb.getShort(0) & 0x0FFFL);
        long lsb = (bb.getLong(2) & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L; // RFC 9562 variant 10
        return new UUID(msb, lsb);
    }

    /** The original clients sent no run time; 0 with a note, since the result object requires one. */
    private static Double duration(Double given, Map<String, Object> raw) {
        if (given != null) {
            if (given < 0 || !Double.isFinite(given)) {
                throw new InvalidResultException("duration_ms", "must be a number >= 0");
            }
            return given;
        }
        raw.put("duration_unknown", true);
        return 0.0;
    }

    private static Device device(JsonNode body) {
        JsonNode info = body.get("device_info");
        if (info != null && !info.isNull()) {
            object(info, "device_info");
            return new Device(text(info, "serial", false, "device_info."), text(info, "hostname", false, "device_info."),
                    text(info, "os", false, "device_info."), text(info, "os_version", false, "device_info."), null, null);
        }
        String serial = text(body, "device_serial", false);
        String host = text(body, "device_hostname", false);
        String os = text(body, "device_os", false);
        String osVersion = text(body, "device_os_version", false);
        return serial == null && host == null && os == null && osVersion == null ? null
                : new Device(serial, host, os, osVersion, null, null);
    }

    private static Map<String, Object> rawResults(JsonNode node, String field) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw new InvalidResultException(field, "must be an object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = Json.mapper().convertValue(node, Map.class);
        return m;
    }

    private static TestType testType(String name, String field) {
        try {
            return TestType.fromWireName(name.toLowerCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidResultException(field, "'" + name + "' is not a test type (docs/RESULTS.md)");
        }
    }

    private static void object(JsonNode node, String field) {
        if (node == null || !node.isObject()) {
            throw new InvalidResultException(field, "must be a JSON object");
        }
    }

    private static String text(JsonNode n, String f, boolean required) {
        return text(n, f, required, "");
    }

    private static String text(JsonNode n, String f, boolean required, String prefix) {
        JsonNode v = n.get(f);
        if (v == null || v.isNull()) {
            if (required) {
                throw new InvalidResultException(prefix + f, "is required");
            }
            return null;
        }
        if (!v.isValueNode() || v.isBinary()) {
            throw new InvalidResultException(prefix + f, "must be a string");
        }
        String s = v.asText();
        if (s.length() > 1024) {
            throw new InvalidResultException(prefix + f, "is longer than 1024 characters");
        }
        if (required && s.isBlank()) {
            throw new InvalidResultException(prefix + f, "is required");
        }
        return s;
    }

    private static Double number(JsonNode n, String f) {
        return number(n, f, "");
    }

    private static Double number(JsonNode n, String f, String prefix) {
        JsonNode v = n.get(f);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber() || !Double.isFinite(v.doubleValue())) {
            throw new InvalidResultException(prefix + f, "must be a number");
        }
        return v.doubleValue();
    }

    private static Long longValue(JsonNode n, String f) {
        return longValue(n, f, "");
    }

    private static Long longValue(JsonNode n, String f, String prefix) {
        JsonNode v = n.get(f);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.canConvertToLong() || !v.isIntegralNumber() || v.longValue() < 0) {
            throw new InvalidResultException(prefix + f, "must be a whole number >= 0");
        }
        return v.longValue();
    }

    private static Integer integer(JsonNode n, String f) {
        return integer(n, f, "");
    }

    private static Integer integer(JsonNode n, String f, String prefix) {
        Long v = longValue(n, f, prefix);
        if (v != null && v > 65535) {
            throw new InvalidResultException(prefix + f, "must be at most 65535");
        }
        return v == null ? null : v.intValue();
    }

    private static boolean bool(JsonNode n, String f) {
        JsonNode v = n.get(f);
        if (v == null || !v.isBoolean()) {
            throw new InvalidResultException(f, "is required: true or false");
        }
        return v.booleanValue();
    }

    private static Instant time(JsonNode n, String f, Instant dflt) {
        return time(n, f, dflt, "");
    }

    /** An RFC 3339 time with any offset (the container client sends local time with its offset), as UTC. */
    private static Instant time(JsonNode n, String f, Instant dflt, String prefix) {
        String v = text(n, f, false, prefix);
        if (v == null) {
            return dflt;
        }
        try {
            return OffsetDateTime.parse(v).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidResultException(prefix + f, "'" + v + "' is not an RFC 3339 time");
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /** The Go client sends "unknown" when it could not resolve the target. */
    private static String ipOrNull(String s) {
        return s == null || s.isBlank() || s.equals("unknown") ? null : s;
    }

    /** The result as the JSON tree the schema check takes. */
    static ObjectNode tree(ProbeResult r) {
        return Json.mapper().valueToTree(r);
    }
}
