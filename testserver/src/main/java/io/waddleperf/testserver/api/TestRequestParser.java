package io.waddleperf.testserver.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.waddleperf.core.result.Device;
import io.waddleperf.core.result.Json;
import io.waddleperf.core.spec.TargetParser;
import java.io.IOException;
import java.time.Duration;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads and validates a test API body (docs/TEST-API.md) field by field, so every refusal names its field: unknown
 * fields, wrong JSON types (no silent {@code "80"} → 80 coercion), out-of-range values and duplicate keys are 400s.
 * A JSON {@code null} counts as absent. Device metadata may come from {@code X-Device-*} headers or from the body's
 * {@code device_*} fields; where both give a value the body wins, as it is the more specific of the two.
 */
public final class TestRequestParser {

    public static final int MAX_TIMEOUT_SECONDS = 300;
    public static final int MAX_COUNT = 1000;
    public static final Set<String> METHODS = Set.of("GET", "POST", "HEAD", "OPTIONS");
    /** Longest accepted device metadata value. */
    public static final int MAX_DEVICE_FIELD_LENGTH = 255;

    /** Body field → request header carrying the same device metadata. */
    public static final Map<String, String> DEVICE_HEADERS = Map.of(
            "device_serial", "X-Device-Serial",
            "device_hostname", "X-Device-Hostname",
            "device_os", "X-Device-OS",
            "device_os_version", "X-Device-OS-Version");

    private static final Set<String> FIELDS = Set.of("target", "protocol", "protocol_detail", "port", "timeout", "count",
            "method", "query", "device_serial", "device_hostname", "device_os", "device_os_version");

    private static final ObjectReader READER = Json.mapper().reader()
            .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private TestRequestParser() {
    }

    /**
     * Parses {@code body}; {@code headers} maps a header name (as in {@link #DEVICE_HEADERS}) to its value and may
     * lack any of them.
     */
    public static TestRequest parse(byte[] body, Map<String, String> headers) {
        JsonNode root = readTree(body);
        if (!root.isObject()) {
            throw ApiException.badRequest("body", "expected a JSON object");
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                // The key "" is valid JSON; an error must still name a field a client can find, so it blames the body.
                throw ApiException.badRequest(name.isBlank() ? "body" : name, "unknown field '" + name
                        + "'; accepted fields: " + String.join(", ", new TreeSet<>(FIELDS)));
            }
        }
        String target = text(root, "target", TargetParser.MAX_TARGET_LENGTH);
        if (target == null || target.isEmpty()) {
            throw ApiException.badRequest("target", "is required (host, host:port or URL)");
        }
        if (!target.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw ApiException.badRequest("target", "must be a host, host:port or URL without spaces or control characters");
        }
        String protocol = text(root, "protocol", 32);
        String protocolDetail = text(root, "protocol_detail", 32);
        if (protocol != null && protocolDetail != null && !protocol.equalsIgnoreCase(protocolDetail)) {
            throw ApiException.badRequest("protocol_detail", "differs from protocol; give one of them");
        }
        Integer port = integer(root, "port", 1, 65535);
        Duration timeout = seconds(root, "timeout", 1, MAX_TIMEOUT_SECONDS);
        Integer count = integer(root, "count", 1, MAX_COUNT);
        String method = text(root, "method", 16);
        if (method != null) {
            method = method.toUpperCase(Locale.ROOT);
            if (!METHODS.contains(method)) {
                throw ApiException.badRequest("method", "must be one of GET, POST, HEAD, OPTIONS");
            }
        }
        String query = text(root, "query", 253);
        Device device = new Device(
                deviceField(root, headers, "device_serial"),
                deviceField(root, headers, "device_hostname"),
                deviceField(root, headers, "device_os"),
                deviceField(root, headers, "device_os_version"),
                null, null);
        return new TestRequest(target, protocol != null ? protocol : protocolDetail, port, timeout, count, method, query, device);
    }

    private static JsonNode readTree(byte[] body) {
        if (body.length == 0) {
            throw ApiException.badRequest("body", "is empty; expected a JSON object");
        }
        try {
            JsonNode node = READER.readTree(body);
            if (node == null || node.isMissingNode()) {
                throw ApiException.badRequest("body", "is empty; expected a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("body", "malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiException.badRequest("body", "unreadable: " + e.getMessage());
        }
    }

    private static String text(JsonNode root, String name, int maxLength) {
        JsonNode n = root.get(name);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw ApiException.badRequest(name, "must be a string, got " + kind(n));
        }
        String v = n.textValue().strip();
        if (v.length() > maxLength) {
            throw ApiException.badRequest(name, "is longer than " + maxLength + " characters");
        }
        if (v.chars().anyMatch(Character::isISOControl)) {
            throw ApiException.badRequest(name, "contains control characters");
        }
        return v;
    }

    private static Integer integer(JsonNode root, String name, int min, int max) {
        JsonNode n = root.get(name);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isIntegralNumber()) {
            throw ApiException.badRequest(name, "must be an integer, got " + kind(n));
        }
        if (!n.canConvertToLong() || n.longValue() < min || n.longValue() > max) {
            throw ApiException.badRequest(name, "must be between " + min + " and " + max + ", got " + n.asText());
        }
        return n.intValue();
    }

    private static Duration seconds(JsonNode root, String name, int min, int max) {
        JsonNode n = root.get(name);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isNumber()) {
            throw ApiException.badRequest(name, "must be a number of seconds, got " + kind(n));
        }
        double s = n.doubleValue();
        if (!(s >= min && s <= max)) {
            throw ApiException.badRequest(name, "must be between " + min + " and " + max + " seconds, got " + n.asText());
        }
        return Duration.ofNanos(Math.round(s * 1e9));
    }

    private static String deviceField(JsonNode root, Map<String, String> headers, String field) {
        String fromBody = text(root, field, MAX_DEVICE_FIELD_LENGTH);
        if (fromBody != null && !fromBody.isEmpty()) {
            return fromBody;
        }
        String header = DEVICE_HEADERS.get(field);
        String fromHeader = headers.get(header);
        if (fromHeader == null || fromHeader.isBlank()) {
            return null;
        }
        fromHeader = fromHeader.strip();
        if (fromHeader.length() > MAX_DEVICE_FIELD_LENGTH || fromHeader.chars().anyMatch(Character::isISOControl)) {
            throw ApiException.badRequest(field, "header " + header + " must be at most " + MAX_DEVICE_FIELD_LENGTH
                    + " characters without control characters");
        }
        return fromHeader;
    }

    private static String kind(JsonNode n) {
        return n.getNodeType().name().toLowerCase(Locale.ROOT);
    }
}
