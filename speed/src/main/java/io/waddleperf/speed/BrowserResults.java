package io.waddleperf.speed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.waddleperf.core.result.FiniteNumbers;
import io.waddleperf.core.result.Json;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.Source;
import io.waddleperf.core.result.TestType;
import io.waddleperf.core.result.UuidV7;
import io.waddleperf.core.stats.LatencyStats;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * What a browser posts after its speed test, turned into a {@code speedtest} result from {@code browser}: the test
 * server keeps it with the caller's address, the manager stores it under the logged-in user. Every refusal is a
 * {@link SpeedRequestException} naming the field.
 */
public final class BrowserResults {

    /** A result object is a few hundred bytes; this leaves room for raw_results without inviting uploads. */
    public static final int MAX_RESULT_BYTES = 64 * 1024;
    /** Where a browser result carries its latency samples, and how many it may carry. */
    public static final String SAMPLES_FIELD = "raw_results.latency_samples_ms";
    public static final int MAX_LATENCY_SAMPLES = 1000;
    /** The result fields the server computes from the samples; a browser's own figures for them are not kept. */
    public static final List<String> LATENCY_FIELDS = List.of("latency_ms", "min_latency_ms", "max_latency_ms",
            "p50_latency_ms", "p95_latency_ms", "p99_latency_ms", "stddev_latency_ms", "jitter_ms", "ipdv_ms");

    private BrowserResults() {
    }

    /**
     * A result object (docs/RESULTS.md, recognised by {@code test_type}) kept as it is, stamped {@code source: browser},
     * except its latency figures, which are computed here from {@code raw_results.latency_samples_ms} so that every
     * stored {@code stddev_latency_ms} or {@code p95_latency_ms} means the same whoever measured it; or the
     * original's flat fields ({@code download_mbps}/{@code download_speed}, {@code upload_mbps}/{@code upload_speed},
     * {@code latency_ms}/{@code ping}, {@code jitter_ms}/{@code jitter}, Mbit/s and ms) turned into one.
     */
    public static ProbeResult parse(byte[] body) {
        JsonNode tree;
        try {
            tree = Json.mapper().readTree(body);
        } catch (IOException e) {
            throw new SpeedRequestException("body", "not JSON: " + e.getMessage());
        }
        if (!(tree instanceof ObjectNode obj)) {
            throw new SpeedRequestException("body", "must be a JSON object");
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        if (obj.has("test_type")) {
            if (!"speedtest".equals(obj.path("test_type").asText())) {
                throw new SpeedRequestException("test_type", "must be speedtest, got '" + obj.path("test_type").asText() + "'");
            }
            obj.put("source", Source.BROWSER.wireName());
            LatencyStats latency = latencyFromSamples(obj);
            requireFiniteNumbers(obj, "");
            ProbeResult r;
            try {
                r = Json.mapper().treeToValue(obj, ProbeResult.class);
            } catch (IOException | IllegalArgumentException e) {
                throw new SpeedRequestException("body", "not a result object: " + e.getMessage());
            }
            ProbeResult.Builder b = r.toBuilder();
            b.id(r.id() != null ? r.id() : UuidV7.next());
            b.startedAt(r.startedAt() != null ? r.startedAt() : now);
            b.target(r.target() != null ? r.target() : "browser");
            b.durationMs(r.durationMs() != null ? r.durationMs() : 0.0);
            checkRates(r.downloadMbps(), r.uploadMbps(), null, null);
            if (latency != null) {
                b.latencyMs(latency.avgMs()).minLatencyMs(latency.minMs()).maxLatencyMs(latency.maxMs())
                        .p50LatencyMs(latency.p50Ms()).p95LatencyMs(latency.p95Ms()).p99LatencyMs(latency.p99Ms())
                        .stddevLatencyMs(latency.stddevMs()).jitterMs(latency.jitterMs()).ipdvMs(latency.ipdvMs());
            }
            return b.build();
        }
        Double down = number(obj, "download_mbps", "download_speed");
        Double up = number(obj, "upload_mbps", "upload_speed");
        Double latency = number(obj, "latency_ms", "ping");
        Double jitter = number(obj, "jitter_ms", "jitter");
        if (down == null && up == null && latency == null) {
            throw new SpeedRequestException("download_mbps", "a result needs at least one of download_mbps, upload_mbps"
                    + " or latency_ms (or a WaddlePerf result object with test_type, docs/RESULTS.md)");
        }
        checkRates(down, up, latency, jitter);
        return ProbeResult.builder().id(UuidV7.next()).testType(TestType.SPEEDTEST).target("browser")
                .startedAt(now).durationMs(0.0).success(true).source(Source.BROWSER)
                .downloadMbps(down).uploadMbps(up).latencyMs(latency).jitterMs(jitter).build();
    }

    /**
     * Refuses a number anywhere in the result object that is too large for a double ({@code 1e400}): it would be
     * read as infinity, stored as the string {@code "Infinity"} and read back as something else than was accepted
     * (found by SpeedResultFuzzTest in {@code raw_results}).
     */
    private static void requireFiniteNumbers(JsonNode node, String path) {
        FiniteNumbers.Found f = FiniteNumbers.firstNonFinite(node, path);
        if (f != null) {
            throw new SpeedRequestException(f.path().isEmpty() ? "body" : f.path(), "must be a number a double can hold "
                    + "(at most about 1.8e308 in magnitude), got " + f.text());
        }
    }

    /** The node at a path {@link FiniteNumbers#firstNonFinite} returned. */
    private static JsonNode at(JsonNode root, String path) {
        JsonNode n = root;
        for (String part : path.split("\\.")) {
            int bracket = part.indexOf('[');
            String name = bracket < 0 ? part : part.substring(0, bracket);
            if (!name.isEmpty()) {
                n = n.get(name);
            }
            for (int i = bracket; i >= 0; i = part.indexOf('[', i + 1)) {
                n = n.get(Integer.parseInt(part.substring(i + 1, part.indexOf(']', i))));
            }
        }
        return n;
    }

    private static String abbreviated(String number) {
        return number.length() <= 40 ? number : number.substring(0, 20) + "…(" + number.length() + " characters)";
    }

    /**
     * The rounded statistics of the body's latency samples, with the browser's own latency figures removed from
     * {@code obj}; null when the body has neither samples nor any latency figure (e.g. a download-only result).
     * Samples must be 1..1000 finite non-negative numbers (milliseconds, in send order); anything else is a 400 naming
     * the field, since a figure the server cannot recompute is not stored.
     */
    public static LatencyStats latencyFromSamples(ObjectNode obj) {
        boolean hasFigures = false;
        for (String field : LATENCY_FIELDS) {
            JsonNode n = obj.remove(field);
            hasFigures |= n != null && !n.isNull();
        }
        JsonNode raw = obj.get("raw_results");
        JsonNode samples = raw instanceof ObjectNode rawObj ? rawObj.get("latency_samples_ms") : null;
        if (samples == null || samples.isNull()) {
            if (hasFigures) {
                throw new SpeedRequestException(SAMPLES_FIELD, "latency figures are computed by the server from the"
                        + " samples: send the round-trip times as " + SAMPLES_FIELD);
            }
            return null;
        }
        if (!samples.isArray()) {
            throw new SpeedRequestException(SAMPLES_FIELD, "must be an array of round-trip times in milliseconds");
        }
        if (samples.isEmpty() || samples.size() > MAX_LATENCY_SAMPLES) {
            throw new SpeedRequestException(SAMPLES_FIELD, "must hold 1 to " + MAX_LATENCY_SAMPLES + " samples, got "
                    + samples.size());
        }
        double[] ms = new double[samples.size()];
        for (int i = 0; i < ms.length; i++) {
            JsonNode v = samples.get(i);
            if (!v.isNumber() || !Double.isFinite(v.asDouble()) || v.asDouble() < 0) {
                throw new SpeedRequestException(SAMPLES_FIELD, "sample " + i + " must be a finite non-negative number"
                        + " of milliseconds, got " + v);
            }
            ms[i] = v.asDouble();
        }
        return LatencyStats.of(ms).roundedToMicroseconds();
    }

    private static Double number(ObjectNode obj, String... names) {
        for (String name : names) {
            JsonNode n = obj.get(name);
            if (n == null || n.isNull()) {
                continue;
            }
            // + 0.0 turns a "-0" a client sent into 0: negative zero passes the range check but is no rate to store
            if (n.isNumber()) {
                return n.asDouble() + 0.0;
            }
            if (n.isTextual()) {
                try {
                    return Double.parseDouble(n.asText().strip()) + 0.0;
                } catch (NumberFormatException e) {
                    throw new SpeedRequestException(name, "expected a number, got '" + n.asText() + "'");
                }
            }
            throw new SpeedRequestException(name, "expected a number");
        }
        return null;
    }

    private static void checkRates(Double down, Double up, Double latency, Double jitter) {
        String[] names = {"download_mbps", "upload_mbps", "latency_ms", "jitter_ms"};
        Double[] values = {down, up, latency, jitter};
        for (int i = 0; i < names.length; i++) {
            if (values[i] != null && !(values[i] >= 0 && values[i] < 1e7)) {
                throw new SpeedRequestException(names[i], "must be a finite number from 0 to 10^7, got " + values[i]);
            }
        }
    }
}
