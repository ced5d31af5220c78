package io.waddleperf.testserver.speed;

import io.waddleperf.speed.SpeedStreams;
import io.waddleperf.speed.LibreSpeedApi;
import io.waddleperf.speed.SpeedConfig;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.waddleperf.core.result.Json;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.Source;
import io.waddleperf.core.result.TestType;
import io.waddleperf.core.result.UuidV7;
import io.waddleperf.core.stats.LatencyStats;
import io.waddleperf.testserver.api.ApiException;
import io.waddleperf.speed.LimitExceededException;
import io.waddleperf.speed.StreamAdmission;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The original test server's speed test endpoints (docs/PROTOCOL-http-speedtest.md): {@code /speedtest/download?size=<MiB>},
 * {@code /speedtest/upload}, {@code /speedtest/ping}, {@code /speedtest/info} and {@code /speedtest/result}, which
 * keeps a browser's result with the caller's IP through every configured {@link BrowserResultSink}.
 */
public final class SpeedApi {

    public static final int DEFAULT_DOWNLOAD_MIB = 10;
    public static final int MAX_DOWNLOAD_MIB = 100;
    /** Where a kept result can be fetched again: this plus its id. */
    public static final String RESULT_PATH = "/speedtest/result/";

    /** A result object is a few hundred bytes; this leaves room for raw_results without inviting uploads. */
    public static final int MAX_RESULT_BYTES = 64 * 1024;
    /** Where a browser result carries its latency samples, and how many it may carry. */
    public static final String SAMPLES_FIELD = "raw_results.latency_samples_ms";
    public static final int MAX_LATENCY_SAMPLES = 1000;
    /** The result fields the server computes from the samples; a browser's own figures for them are not kept. */
    static final List<String> LATENCY_FIELDS = List.of("latency_ms", "min_latency_ms", "max_latency_ms",
            "p50_latency_ms", "p95_latency_ms", "p99_latency_ms", "stddev_latency_ms", "jitter_ms", "ipdv_ms");

    private final SpeedStreams streams;
    private final StreamAdmission admission;
    private final SpeedConfig config;
    private final String version;
    private final List<BrowserResultSink> sinks;
    private final BrowserResultFile resultFile;

    /** @param resultFile where {@code GET /speedtest/result/{id}} looks results up (also one of {@code sinks}) */
    public SpeedApi(SpeedStreams streams, StreamAdmission admission, SpeedConfig config, String version,
                    List<BrowserResultSink> sinks, BrowserResultFile resultFile) {
        this.streams = streams;
        this.admission = admission;
        this.config = config;
        this.version = version;
        this.sinks = List.copyOf(sinks);
        this.resultFile = resultFile;
    }

    public void addRoutes(RoutesConfig routes) {
        routes.get("/speedtest/download", this::download);
        routes.post("/speedtest/upload", this::upload);
        routes.get("/speedtest/ping", this::ping);
        routes.get("/speedtest/info", this::info);
        routes.post("/speedtest/result", this::result);
        routes.get(RESULT_PATH + "{id}", this::storedResult);
        for (String p : new String[] {"download", "upload", "ping", "info", "result"}) {
            routes.options("/speedtest/" + p, LibreSpeedApi.preflight());
        }
    }

    private void download(Context ctx) throws Exception {
        int mib = sizeMib(ctx.queryParam("size"));
        streams.download(ctx, (long) mib << 20, "speedtest-" + mib + "MiB.bin");
    }

    static int sizeMib(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_DOWNLOAD_MIB;
        }
        try {
            int n = Integer.parseInt(value.strip());
            if (n >= 1 && n <= MAX_DOWNLOAD_MIB) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below with the accepted range
        }
        throw ApiException.badRequest("size", "size must be a whole number of MiB from 1 to " + MAX_DOWNLOAD_MIB
                + ", got '" + value + "'");
    }

    private void upload(Context ctx) throws Exception {
        SpeedStreams.Received r = streams.sink(ctx);
        double seconds = r.elapsedNanos() / 1e9;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", true);
        body.put("bytes_received", r.bytes());
        body.put("duration_ms", Math.round(r.elapsedNanos() / 1e3) / 1e3);
        // goodput in 10^6 bit/s (throughput_mbps in docs/RESULTS.md); 0 for an empty body
        body.put("throughput_mbps", seconds > 0 ? r.bytes() * 8 / seconds / 1e6 : 0.0);
        ctx.json(body);
    }

    private void ping(Context ctx) {
        SpeedStreams.commonHeaders(ctx);
        ctx.contentType("application/json").result(pingBody());
    }

    /** {@code {"pong":true,"timestamp":<ms since the epoch>}}: built by hand, it is answered on Jetty's selector thread. */
    static byte[] pingBody() {
        return ("{\"pong\":true,\"timestamp\":" + System.currentTimeMillis() + "}").getBytes(StandardCharsets.US_ASCII);
    }

    private void info(Context ctx) {
        SpeedStreams.commonHeaders(ctx);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("server", "waddleperf");
        body.put("version", version);
        body.put("download_size_mib", Map.of("default", DEFAULT_DOWNLOAD_MIB, "min", 1, "max", MAX_DOWNLOAD_MIB));
        body.put("librespeed_max_chunks", LibreSpeedApi.MAX_CHUNKS);
        body.put("per_client_streams", config.perClientStreams());
        body.put("streams_open", admission.open());
        body.put("responsiveness_config", ResponsivenessApi.CONFIG_PATH);
        body.put("client_ip", streams.client(ctx));
        ctx.json(body);
    }

    private void result(Context ctx) throws IOException {
        SpeedStreams.commonHeaders(ctx);
        String client = streams.client(ctx);
        ProbeResult result = parseResult(readBody(ctx));
        Instant now = Instant.now();
        for (BrowserResultSink sink : sinks) {
            sink.accept(result, client, now);
        }
        String url = RESULT_PATH + result.id();
        ctx.status(201).header("Location", url);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", true);
        body.put("id", result.id().toString());
        body.put("url", url);
        body.put("stored_in", BrowserResultFile.FILE_NAME);
        ctx.json(body);
    }

    /**
     * {@code GET /speedtest/result/{id}}: a result this server keeps, as it was stored (without the caller's IP it was
     * stored with), so the page can say where to find it again. Whoever has the id may read it — a UUIDv7's 74 random
     * bits are not guessed — and the file scan counts against the caller's speed-test byte quota and stream slots.
     */
    private void storedResult(Context ctx) throws IOException, LimitExceededException {
        SpeedStreams.commonHeaders(ctx);
        UUID id;
        try {
            id = UUID.fromString(ctx.pathParam("id"));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("id", "not a result id (a UUID such as 0192f0c4-…), got '"
                    + ctx.pathParam("id") + "'");
        }
        JsonNode found;
        try (StreamAdmission.Stream slot = admission.acquire(streams.client(ctx))) {
            found = resultFile.find(id, bytes -> {
                if (slot.take(bytes) < bytes) {
                    throw ApiException.tooManyRequests("this client's speed test byte quota is spent; the search for "
                            + "a result counts the bytes it reads", StreamAdmission.retryAfterBytes());
                }
            }).orElseThrow(() -> ApiException.notFound("id", "no result " + id
                    + " on this server: it keeps results in " + BrowserResultFile.FILE_NAME + " until the file rotates"));
        }
        ctx.contentType("application/json").result(Json.mapper().writeValueAsString(found));
    }

    /**
     * A result object (docs/RESULTS.md, recognised by {@code test_type}) kept as it is, stamped {@code source: browser},
     * except its latency figures, which are computed here from {@code raw_results.latency_samples_ms} so that every
     * stored {@code stddev_latency_ms} or {@code p95_latency_ms} means the same whoever measured it; or the
     * original's flat fields ({@code download_mbps}/{@code download_speed}, {@code upload_mbps}/{@code upload_speed},
     * {@code latency_ms}/{@code ping}, {@code jitter_ms}/{@code jitter}, Mbit/s and ms) turned into one.
     */
    static ProbeResult parseResult(byte[] body) {
        JsonNode tree;
        try {
            tree = Json.mapper().readTree(body);
        } catch (IOException e) {
            throw ApiException.badRequest("body", "not JSON: " + e.getMessage());
        }
        if (!(tree instanceof ObjectNode obj)) {
            throw ApiException.badRequest("body", "must be a JSON object");
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        if (obj.has("test_type")) {
            if (!"speedtest".equals(obj.path("test_type").asText())) {
                throw ApiException.badRequest("test_type", "must be speedtest, got '" + obj.path("test_type").asText() + "'");
            }
            obj.put("source", Source.BROWSER.wireName());
            LatencyStats latency = latencyFromSamples(obj);
            ProbeResult r;
            try {
                r = Json.mapper().treeToValue(obj, ProbeResult.class);
            } catch (IOException | IllegalArgumentException e) {
                throw ApiException.badRequest("body", "not a result object: " + e.getMessage());
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
            throw ApiException.badRequest("download_mbps", "a result needs at least one of download_mbps, upload_mbps"
                    + " or latency_ms (or a WaddlePerf result object with test_type, docs/RESULTS.md)");
        }
        checkRates(down, up, latency, jitter);
        return ProbeResult.builder().id(UuidV7.next()).testType(TestType.SPEEDTEST).target("browser")
                .startedAt(now).durationMs(0.0).success(true).source(Source.BROWSER)
                .downloadMbps(down).uploadMbps(up).latencyMs(latency).jitterMs(jitter).build();
    }

    /**
     * The rounded statistics of the body's latency samples, with the browser's own latency figures removed from
     * {@code obj}; null when the body has neither samples nor any latency figure (e.g. a download-only result).
     * Samples must be 1..1000 finite non-negative numbers (milliseconds, in send order); anything else is a 400 naming
     * the field, since a figure the server cannot recompute is not stored.
     */
    static LatencyStats latencyFromSamples(ObjectNode obj) {
        boolean hasFigures = false;
        for (String field : LATENCY_FIELDS) {
            JsonNode n = obj.remove(field);
            hasFigures |= n != null && !n.isNull();
        }
        JsonNode raw = obj.get("raw_results");
        JsonNode samples = raw instanceof ObjectNode rawObj ? rawObj.get("latency_samples_ms") : null;
        if (samples == null || samples.isNull()) {
            if (hasFigures) {
                throw ApiException.badRequest(SAMPLES_FIELD, "latency figures are computed by the server from the"
                        + " samples: send the round-trip times as " + SAMPLES_FIELD);
            }
            return null;
        }
        if (!samples.isArray()) {
            throw ApiException.badRequest(SAMPLES_FIELD, "must be an array of round-trip times in milliseconds");
        }
        if (samples.isEmpty() || samples.size() > MAX_LATENCY_SAMPLES) {
            throw ApiException.badRequest(SAMPLES_FIELD, "must hold 1 to " + MAX_LATENCY_SAMPLES + " samples, got "
                    + samples.size());
        }
        double[] ms = new double[samples.size()];
        for (int i = 0; i < ms.length; i++) {
            JsonNode v = samples.get(i);
            if (!v.isNumber() || !Double.isFinite(v.asDouble()) || v.asDouble() < 0) {
                throw ApiException.badRequest(SAMPLES_FIELD, "sample " + i + " must be a finite non-negative number"
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
                    throw ApiException.badRequest(name, "expected a number, got '" + n.asText() + "'");
                }
            }
            throw ApiException.badRequest(name, "expected a number");
        }
        return null;
    }

    private static void checkRates(Double down, Double up, Double latency, Double jitter) {
        String[] names = {"download_mbps", "upload_mbps", "latency_ms", "jitter_ms"};
        Double[] values = {down, up, latency, jitter};
        for (int i = 0; i < names.length; i++) {
            if (values[i] != null && !(values[i] >= 0 && values[i] < 1e7)) {
                throw ApiException.badRequest(names[i], "must be a finite number from 0 to 10^7, got " + values[i]);
            }
        }
    }

    private static byte[] readBody(Context ctx) {
        if (ctx.req().getContentLengthLong() > MAX_RESULT_BYTES) {
            throw ApiException.payloadTooLarge("result of " + ctx.req().getContentLengthLong()
                    + " bytes exceeds the limit of " + MAX_RESULT_BYTES);
        }
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] body = in.readNBytes(MAX_RESULT_BYTES + 1);
            if (body.length > MAX_RESULT_BYTES) {
                throw ApiException.payloadTooLarge("result exceeds the limit of " + MAX_RESULT_BYTES + " bytes");
            }
            return body;
        } catch (IOException e) {
            throw ApiException.badRequest("body", "could not be read: " + e.getMessage());
        }
    }
}
