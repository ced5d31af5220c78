package io.waddleperf.testserver.speed;

import io.waddleperf.speed.SpeedStreams;
import io.waddleperf.speed.BrowserResults;
import io.waddleperf.speed.LibreSpeedApi;
import io.waddleperf.speed.SpeedRequestException;
import io.waddleperf.speed.SpeedConfig;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.waddleperf.core.result.Json;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.testserver.api.ApiException;
import io.waddleperf.speed.LimitExceededException;
import io.waddleperf.speed.StreamAdmission;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
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
    public static final int MAX_RESULT_BYTES = BrowserResults.MAX_RESULT_BYTES;
    /** Where a browser result carries its latency samples, and how many it may carry. */
    public static final String SAMPLES_FIELD = BrowserResults.SAMPLES_FIELD;
    public static final int MAX_LATENCY_SAMPLES = BrowserResults.MAX_LATENCY_SAMPLES;

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

    /** {@link BrowserResults#parse}, refusals as this server's 400. */
    static ProbeResult parseResult(byte[] body) {
        try {
            return BrowserResults.parse(body);
        } catch (SpeedRequestException e) {
            throw ApiException.badRequest(e.field(), e.getMessage());
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
