package io.waddleperf.manager.ingest;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.waddleperf.core.result.Device;
import io.waddleperf.core.result.Hop;
import io.waddleperf.core.result.Interval;
import io.waddleperf.core.result.Json;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.Source;
import io.waddleperf.core.result.TestType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The ingest path's fast lane: checks a submitted result against the result schema and binds it to
 * {@link ProbeResult} in two short walks of the tree, or answers null when it cannot be sure; then the caller takes
 * the reference path, {@link ResultValidator} and Jackson's binding, which name what is wrong.
 *
 * <p>Why two lanes: the generic schema walk and Jackson's reflective binding were two fifths of the request's CPU
 * (docs/BENCHMARKS.md, section 17), and every error message must stay what those two produce. So this class never
 * makes an error of its own: it accepts only what both would certainly accept, and only binds values it can bind
 * exactly as Jackson would. It compiles the schema file itself (not a copy of its rules), understanding a small set
 * of keywords; a schema using any other keyword disables the fast lane altogether rather than being half-checked.
 * Anything unusual in a result (a float where an integer is asked for, an integer beyond {@code int}, a non-finite
 * number, a time not in the plain {@code yyyy-mm-ddThh:mm:ss[.f]Z} form) is left to the reference path.
 */
public final class ResultBinder {

    private static final int STRING = 1;
    private static final int NUMBER = 2;
    private static final int INTEGER = 4;
    private static final int BOOLEAN = 8;
    private static final int NULL = 16;
    private static final int OBJECT = 32;
    private static final int ARRAY = 64;
    /** Keywords that only annotate; everything not listed here or handled below disables the fast lane. */
    private static final Set<String> ANNOTATIONS = Set.of("$schema", "$id", "$comment", "title", "description");

    private final ObjectMapper mapper = Json.mapper();
    private final JavaType rawResultsType = mapper.getTypeFactory()
            .constructMapType(java.util.LinkedHashMap.class, String.class, Object.class);
    /** The compiled schema, or null when it uses a keyword this class does not understand (then every result goes the reference path). */
    private final Rule root;

    public ResultBinder() {
        this(readSchema());
    }

    /** For tests: a lane compiled from the given schema document. */
    ResultBinder(JsonNode schema) {
        Rule r;
        try {
            r = compile(schema);
        } catch (Unsupported e) {
            r = null;
        }
        root = r;
    }

    /** Whether the schema could be compiled (else {@link #bind} always answers null). */
    boolean enabled() {
        return root != null;
    }

    /**
     * The result, when the tree certainly satisfies the schema and binds exactly; null when the caller must take
     * the reference path (which then either refuses it naming the field, or accepts it after all).
     */
    public ProbeResult bind(JsonNode node) {
        if (root == null || !node.isObject() || !root.accepts(node)) {
            return null;
        }
        try {
            return result(node);
        } catch (RuntimeException e) {
            // NotPlain, or anything else unexpected: the reference path decides, with its own message
            return null;
        }
    }

    // ---- the schema subset ----

    /** One compiled (sub)schema. Only what JSON Schema 2020-12 says for these keywords, nothing looser. */
    private static final class Rule {
        int types; // 0: any type
        Double minimum;
        Double maximum;
        Set<JsonNode> allowed; // enum or const: strings, booleans, null only (their equals and hashCode agree)
        Pattern pattern;
        boolean dateTime;
        Map<String, Rule> properties = Map.of();
        Set<String> required = Set.of();
        boolean closed;
        Rule items;
        final List<Rule[]> conditionals = new ArrayList<>();
        /** Whether {@link #accepts} answers exactly (both ways), as an {@code if} needs; else only "certainly valid". */
        boolean exact = true;

        boolean accepts(JsonNode v) {
            if (types != 0 && (typeOf(v) & types) == 0) {
                return false;
            }
            if (allowed != null && !allowed.contains(v)) {
                return false;
            }
            if (v.isNumber()) {
                double d = v.doubleValue();
                if (!Double.isFinite(d) || (minimum != null && d < minimum) || (maximum != null && d > maximum)) {
                    return false;
                }
            } else if (v.isTextual()) {
                String s = v.textValue();
                // a line terminator is where regex dialects part ways over '$' and '.': the reference path decides
                if (pattern != null && (hasLineTerminator(s) || !pattern.matcher(s).find())) {
                    return false;
                }
                if (dateTime && !plainInstant(s)) {
                    return false;
                }
            } else if (v.isObject()) {
                for (String name : required) {
                    if (!v.has(name)) {
                        return false;
                    }
                }
                if (closed || properties.size() > v.size()) {
                    for (Map.Entry<String, JsonNode> f : v.properties()) {
                        Rule p = properties.get(f.getKey());
                        if (p == null ? closed : !p.accepts(f.getValue())) {
                            return false;
                        }
                    }
                } else {
                    // an open object with more fields than the rule names (an if/then part looking at one or two of
                    // a result's twenty fields): only the named ones can refuse it, so only they are looked up
                    for (Map.Entry<String, Rule> p : properties.entrySet()) {
                        JsonNode f = v.get(p.getKey());
                        if (f != null && !p.getValue().accepts(f)) {
                            return false;
                        }
                    }
                }
            } else if (v.isArray() && items != null) {
                for (JsonNode e : v) {
                    if (!items.accepts(e)) {
                        return false;
                    }
                }
            }
            for (Rule[] c : conditionals) {
                if (c[0].accepts(v) && !c[1].accepts(v)) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * The type bits a value has. A float never counts as an integer here (the schema would count 1.0 as one; the
     * reference path decides those), and numbers beyond {@code long} are left to it too.
     */
    private static int typeOf(JsonNode v) {
        return switch (v.getNodeType()) {
            case STRING -> STRING;
            case BOOLEAN -> BOOLEAN;
            case NULL -> NULL;
            case OBJECT -> OBJECT;
            case ARRAY -> ARRAY;
            case NUMBER -> v.isInt() || v.isLong() ? INTEGER | NUMBER : v.isDouble() ? NUMBER : 0;
            default -> 0;
        };
    }

    private static boolean hasLineTerminator(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029') {
                return true;
            }
        }
        return false;
    }

    /** RFC 3339 in the one plain form producers write: the reference path decides any other spelling. */
    private static boolean plainInstant(String s) {
        return instant(s) != null;
    }

    /**
     * {@code yyyy-mm-ddThh:mm:ss[.f{1,9}]Z} (years from 1900) as an instant, or null for any other spelling or an
     * impossible date. By hand rather than through {@link Instant#parse}: it runs twice per result and the formatter's
     * general machinery cost more than the rest of the check.
     */
    static Instant instant(String s) {
        int n = s.length();
        if (n < 20 || n > 30 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T'
                || s.charAt(13) != ':' || s.charAt(16) != ':' || s.charAt(n - 1) != 'Z') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 7);
        int day = digits(s, 8, 10);
        int hour = digits(s, 11, 13);
        int minute = digits(s, 14, 16);
        int second = digits(s, 17, 19);
        if (year < 1900 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59
                || second < 0 || second > 59) {
            return null;
        }
        int nanos = 0;
        if (n > 20) {
            // a fraction of 1 to 9 digits after the point
            if (s.charAt(19) != '.' || n == 21) {
                return null;
            }
            int fraction = digits(s, 20, n - 1);
            if (fraction < 0) {
                return null;
            }
            nanos = fraction;
            for (int i = n - 1 - 20; i < 9; i++) {
                nanos *= 10;
            }
        } else if (s.charAt(19) != 'Z') {
            return null;
        }
        if (day > java.time.YearMonth.of(year, month).lengthOfMonth()) {
            return null; // e.g. 30 February
        }
        long days = java.time.LocalDate.of(year, month, day).toEpochDay();
        return Instant.ofEpochSecond(days * 86_400 + hour * 3600L + minute * 60L + second, nanos);
    }

    /** The decimal number in {@code s[from, to)} (at most 9 digits), or -1 if any of it is not an ASCII digit. */
    private static int digits(String s, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static final class Unsupported extends Exception {
        Unsupported(String what) {
            super(what, null, false, false);
        }
    }

    private static Rule compile(JsonNode schema) throws Unsupported {
        if (!schema.isObject()) {
            throw new Unsupported("schema that is not an object");
        }
        Rule r = new Rule();
        for (Map.Entry<String, JsonNode> k : schema.properties()) {
            JsonNode v = k.getValue();
            switch (k.getKey()) {
                case "type" -> {
                    if (v.isTextual()) {
                        r.types = typeBit(v.textValue());
                    } else if (v.isArray()) {
                        for (JsonNode t : v) {
                            r.types |= typeBit(t.asText());
                        }
                    } else {
                        throw new Unsupported("type " + v);
                    }
                    if ((r.types & (INTEGER | NUMBER)) != 0) {
                        r.exact = false; // a float counted as an integer, numbers beyond long
                    }
                }
                case "minimum" -> {
                    r.minimum = number(v);
                    r.exact = false; // non-finite numbers are declined
                }
                case "maximum" -> {
                    r.maximum = number(v);
                    r.exact = false;
                }
                case "enum", "const" -> {
                    List<JsonNode> values = new ArrayList<>();
                    if (k.getKey().equals("const")) {
                        values.add(v);
                    } else if (v.isArray()) {
                        v.forEach(values::add);
                    } else {
                        throw new Unsupported("enum " + v);
                    }
                    for (JsonNode e : values) {
                        if (!(e.isTextual() || e.isBoolean() || e.isNull())) {
                            throw new Unsupported("enum of " + e.getNodeType()); // numeric equality differs
                        }
                    }
                    r.allowed = new java.util.HashSet<>(values);
                }
                case "pattern" -> {
                    r.pattern = Pattern.compile(v.textValue());
                    r.exact = false;
                }
                case "format" -> {
                    if (!"date-time".equals(v.asText())) {
                        throw new Unsupported("format " + v);
                    }
                    r.dateTime = true;
                    r.exact = false;
                }
                case "properties" -> {
                    Map<String, Rule> props = new HashMap<>();
                    for (Map.Entry<String, JsonNode> p : v.properties()) {
                        Rule pr = compile(p.getValue());
                        r.exact &= pr.exact;
                        props.put(p.getKey(), pr);
                    }
                    r.properties = props;
                }
                case "required" -> {
                    Set<String> names = new HashSet<>();
                    v.forEach(n -> names.add(n.asText()));
                    r.required = names;
                }
                case "additionalProperties" -> {
                    if (!v.isBoolean()) {
                        throw new Unsupported("additionalProperties " + v);
                    }
                    r.closed = !v.booleanValue();
                }
                case "items" -> {
                    r.items = compile(v);
                    r.exact &= r.items.exact;
                }
                case "allOf" -> {
                    for (JsonNode part : v) {
                        r.conditionals.add(conditional(part));
                    }
                }
                default -> {
                    if (!ANNOTATIONS.contains(k.getKey())) {
                        throw new Unsupported("keyword " + k.getKey());
                    }
                }
            }
        }
        return r;
    }

    /** An {@code allOf} member of the form {@code {"if": …, "then": …}}; the {@code if} must be decided exactly. */
    private static Rule[] conditional(JsonNode part) throws Unsupported {
        if (part.size() != 2 || !part.has("if") || !part.has("then")) {
            throw new Unsupported("allOf member other than if/then");
        }
        Rule condition = compile(part.get("if"));
        if (!condition.exact) {
            throw new Unsupported("if that is not decided exactly");
        }
        return new Rule[] {condition, compile(part.get("then"))};
    }

    private static int typeBit(String name) throws Unsupported {
        return switch (name) {
            case "string" -> STRING;
            case "number" -> NUMBER;
            case "integer" -> INTEGER;
            case "boolean" -> BOOLEAN;
            case "null" -> NULL;
            case "object" -> OBJECT;
            case "array" -> ARRAY;
            default -> throw new Unsupported("type " + name);
        };
    }

    private static Double number(JsonNode v) throws Unsupported {
        if (!v.isNumber()) {
            throw new Unsupported("bound " + v);
        }
        return v.doubleValue();
    }

    private static JsonNode readSchema() {
        try (InputStream in = ProbeResult.class.getResourceAsStream(ResultValidator.SCHEMA_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("result schema missing from the class path: "
                        + ResultValidator.SCHEMA_RESOURCE);
            }
            return Json.mapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- binding, as Jackson binds ProbeResult (snake_case names, nulls as absent) ----

    /** A value this lane does not bind itself; the reference path takes the result. */
    private static final class NotPlain extends RuntimeException {
        NotPlain() {
            super(null, null, false, false);
        }
    }

    private static final NotPlain NOT_PLAIN = new NotPlain();

    private ProbeResult result(JsonNode node) {
        ProbeResult.Builder b = ProbeResult.builder();
        for (Map.Entry<String, JsonNode> f : node.properties()) {
            JsonNode v = f.getValue();
            switch (f.getKey()) {
                case "id" -> b.id(UUID.fromString(v.textValue()));
                case "test_type" -> b.testType(TestType.fromWireName(v.textValue()));
                case "protocol_detail" -> b.protocolDetail(text(v));
                case "target" -> b.target(text(v));
                case "target_host" -> b.targetHost(text(v));
                case "target_ip" -> b.targetIp(text(v));
                case "target_port" -> b.targetPort(integer(v));
                case "started_at" -> b.startedAt(instantOrDecline(v.textValue()));
                case "duration_ms" -> b.durationMs(decimal(v));
                case "success" -> b.success(v.booleanValue());
                case "error" -> b.error(text(v));
                case "tier" -> b.tier(integer(v));
                case "device" -> b.device(device(v));
                case "source" -> b.source(v.isNull() ? null : Source.fromWireName(v.textValue()));
                case "latency_ms" -> b.latencyMs(decimal(v));
                case "min_latency_ms" -> b.minLatencyMs(decimal(v));
                case "max_latency_ms" -> b.maxLatencyMs(decimal(v));
                case "p50_latency_ms" -> b.p50LatencyMs(decimal(v));
                case "p95_latency_ms" -> b.p95LatencyMs(decimal(v));
                case "p99_latency_ms" -> b.p99LatencyMs(decimal(v));
                case "stddev_latency_ms" -> b.stddevLatencyMs(decimal(v));
                case "jitter_ms" -> b.jitterMs(decimal(v));
                case "ipdv_ms" -> b.ipdvMs(decimal(v));
                case "packets_sent" -> b.packetsSent(longInteger(v));
                case "packets_received" -> b.packetsReceived(longInteger(v));
                case "packet_loss_percent" -> b.packetLossPercent(decimal(v));
                case "duplicate_packets" -> b.duplicatePackets(longInteger(v));
                case "reordered_packets" -> b.reorderedPackets(longInteger(v));
                case "dns_ms" -> b.dnsMs(decimal(v));
                case "connect_ms" -> b.connectMs(decimal(v));
                case "tls_ms" -> b.tlsMs(decimal(v));
                case "request_ms" -> b.requestMs(decimal(v));
                case "ttfb_ms" -> b.ttfbMs(decimal(v));
                case "transfer_ms" -> b.transferMs(decimal(v));
                case "total_time_ms" -> b.totalTimeMs(decimal(v));
                case "status_code" -> b.statusCode(integer(v));
                case "throughput_mbps" -> b.throughputMbps(decimal(v));
                case "sent_bytes" -> b.sentBytes(longInteger(v));
                case "received_bytes" -> b.receivedBytes(longInteger(v));
                case "retransmits" -> b.retransmits(longInteger(v));
                case "download_mbps" -> b.downloadMbps(decimal(v));
                case "upload_mbps" -> b.uploadMbps(decimal(v));
                case "rpm" -> b.rpm(decimal(v));
                case "loaded_latency_ms" -> b.loadedLatencyMs(decimal(v));
                case "path_mtu_bytes" -> b.pathMtuBytes(integer(v));
                case "hop_count" -> b.hopCount(integer(v));
                case "hops" -> b.hops(hops(v));
                case "intervals" -> b.intervals(intervals(v));
                case "tls_version" -> b.tlsVersion(text(v));
                case "cert_days_left" -> b.certDaysLeft(integer(v));
                case "server_version" -> b.serverVersion(text(v));
                case "raw_results" -> b.rawResults(rawResults(v));
                default -> throw NOT_PLAIN; // a field the schema knows and this lane does not
            }
        }
        return b.build();
    }

    private static Instant instantOrDecline(String s) {
        Instant t = instant(s);
        if (t == null) {
            throw NOT_PLAIN;
        }
        return t;
    }

    private static Device device(JsonNode v) {
        if (v.isNull()) {
            return null;
        }
        String serial = null;
        String hostname = null;
        String os = null;
        String osVersion = null;
        String clientType = null;
        String clientVersion = null;
        for (Map.Entry<String, JsonNode> f : v.properties()) {
            String s = text(f.getValue());
            switch (f.getKey()) {
                case "serial" -> serial = s;
                case "hostname" -> hostname = s;
                case "os" -> os = s;
                case "os_version" -> osVersion = s;
                case "client_type" -> clientType = s;
                case "client_version" -> clientVersion = s;
                default -> throw NOT_PLAIN;
            }
        }
        return new Device(serial, hostname, os, osVersion, clientType, clientVersion);
    }

    private static List<Hop> hops(JsonNode v) {
        if (v.isNull()) {
            return null;
        }
        List<Hop> out = new ArrayList<>(v.size());
        for (JsonNode h : v) {
            Integer hop = null;
            String ip = null;
            String hostname = null;
            Double loss = null;
            Integer sent = null;
            Double last = null;
            Double avg = null;
            Double best = null;
            Double worst = null;
            Double stddev = null;
            for (Map.Entry<String, JsonNode> f : h.properties()) {
                JsonNode x = f.getValue();
                switch (f.getKey()) {
                    case "hop" -> hop = integer(x);
                    case "ip" -> ip = text(x);
                    case "hostname" -> hostname = text(x);
                    case "loss_percent" -> loss = decimal(x);
                    case "sent" -> sent = integer(x);
                    case "last_ms" -> last = decimal(x);
                    case "avg_ms" -> avg = decimal(x);
                    case "best_ms" -> best = decimal(x);
                    case "worst_ms" -> worst = decimal(x);
                    case "stddev_ms" -> stddev = decimal(x);
                    default -> throw NOT_PLAIN;
                }
            }
            if (hop == null) {
                throw NOT_PLAIN; // a primitive Jackson refuses to leave unset
            }
            out.add(new Hop(hop, ip, hostname, loss, sent, last, avg, best, worst, stddev));
        }
        return out;
    }

    private static List<Interval> intervals(JsonNode v) {
        if (v.isNull()) {
            return null;
        }
        List<Interval> out = new ArrayList<>(v.size());
        for (JsonNode i : v) {
            Double start = null;
            Double end = null;
            Long bytes = null;
            Double mbps = null;
            Long retransmits = null;
            for (Map.Entry<String, JsonNode> f : i.properties()) {
                JsonNode x = f.getValue();
                switch (f.getKey()) {
                    case "start_seconds" -> start = decimal(x);
                    case "end_seconds" -> end = decimal(x);
                    case "bytes" -> bytes = longInteger(x);
                    case "throughput_mbps" -> mbps = decimal(x);
                    case "retransmits" -> retransmits = longInteger(x);
                    default -> throw NOT_PLAIN;
                }
            }
            if (start == null || end == null || bytes == null || mbps == null) {
                throw NOT_PLAIN;
            }
            out.add(new Interval(start, end, bytes, mbps, retransmits));
        }
        return out;
    }

    private Map<String, Object> rawResults(JsonNode v) {
        if (v.isNull()) {
            return null;
        }
        try {
            // free-form: Jackson's own untyped binding, the same the model's binding applies
            return mapper.treeToValue(v, rawResultsType);
        } catch (IOException | IllegalArgumentException e) {
            throw NOT_PLAIN;
        }
    }

    private static String text(JsonNode v) {
        if (v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw NOT_PLAIN;
        }
        return v.textValue();
    }

    private static Double decimal(JsonNode v) {
        if (v.isNull()) {
            return null;
        }
        if (!(v.isInt() || v.isLong() || v.isDouble()) || !Double.isFinite(v.doubleValue())) {
            throw NOT_PLAIN;
        }
        return v.doubleValue();
    }

    private static Integer integer(JsonNode v) {
        if (v.isNull()) {
            return null;
        }
        if (!v.isInt()) {
            throw NOT_PLAIN; // beyond int, or a float: Jackson's rules (and its message) decide
        }
        return v.intValue();
    }

    private static Long longInteger(JsonNode v) {
        if (v.isNull()) {
            return null;
        }
        if (!v.isInt() && !v.isLong()) {
            throw NOT_PLAIN;
        }
        return v.longValue();
    }
}
