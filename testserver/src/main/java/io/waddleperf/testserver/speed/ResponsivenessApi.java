package io.waddleperf.testserver.speed;

import io.waddleperf.speed.SpeedStreams;
import io.waddleperf.speed.LibreSpeedApi;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The responsiveness test server (IETF draft-ietf-ippm-responsiveness, "Responsiveness Test Server"; Apple's
 * network-quality/server): {@code /.well-known/nq} config, a 1-byte {@code small}, an 8 GiB {@code large} that a
 * client reads for as long as it likes, and an upload sink. The config carries both the draft's key names and the
 * older ones Apple's server and goresponsiveness use.
 */
public final class ResponsivenessApi {

    public static final String CONFIG_PATH = "/.well-known/nq";
    public static final String SMALL_PATH = "/nq/small";
    public static final String LARGE_PATH = "/nq/large";
    public static final String UPLOAD_PATH = "/nq/upload";
    /** The draft: the large object is at least 8 GB; Apple's server sends Content-Length 8 GiB. */
    static final long LARGE_BYTES = 8L << 30;
    /** The small object: one byte. Shared, never written. */
    static final byte[] SMALL_BODY = {'x'};

    private final SpeedStreams streams;

    public ResponsivenessApi(SpeedStreams streams) {
        this.streams = streams;
    }

    public void addRoutes(RoutesConfig routes) {
        routes.get(CONFIG_PATH, this::config);
        routes.get(SMALL_PATH, this::small);
        routes.get(LARGE_PATH, ctx -> streams.download(ctx, LARGE_BYTES, null));
        routes.post(UPLOAD_PATH, ctx -> {
            streams.sink(ctx);
            ctx.status(200);
        });
        routes.post("/nq/slurp", ctx -> {
            streams.sink(ctx);
            ctx.status(200);
        });
        for (String p : new String[] {CONFIG_PATH, SMALL_PATH, LARGE_PATH, UPLOAD_PATH}) {
            routes.options(p, LibreSpeedApi.preflight());
        }
    }

    private void config(Context ctx) {
        SpeedStreams.commonHeaders(ctx);
        // all URLs must share the host the client used (draft: "Responsiveness Test Server")
        String base = ctx.scheme() + "://" + ctx.host();
        Map<String, String> urls = new LinkedHashMap<>();
        urls.put("small_download_url", base + SMALL_PATH);
        urls.put("large_download_url", base + LARGE_PATH);
        urls.put("upload_url", base + UPLOAD_PATH);
        urls.put("small_https_download_url", base + SMALL_PATH);
        urls.put("large_https_download_url", base + LARGE_PATH);
        urls.put("https_upload_url", base + UPLOAD_PATH);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("version", 1);
        body.put("urls", urls);
        body.put("test_endpoint", ctx.host());
        ctx.json(body);
    }

    private void small(Context ctx) {
        SpeedStreams.commonHeaders(ctx);
        ctx.res().setContentType("application/octet-stream");
        ctx.res().setContentLength(SMALL_BODY.length);
        ctx.result(SMALL_BODY);
    }
}
