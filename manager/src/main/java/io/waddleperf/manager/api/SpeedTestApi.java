package io.waddleperf.manager.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.waddleperf.core.address.ClientAddress;
import io.waddleperf.core.clock.MonotonicClock;
import io.waddleperf.core.result.Json;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.Source;
import io.waddleperf.geo.GeoIp;
import io.waddleperf.manager.auth.Principal;
import io.waddleperf.manager.ingest.Ingestor;
import io.waddleperf.manager.ingest.Ingestor.Receipt;
import io.waddleperf.manager.store.ResultRepository.Outcome;
import io.waddleperf.speed.BrowserResults;
import io.waddleperf.speed.LibreSpeedApi;
import io.waddleperf.speed.SpeedConfig;
import io.waddleperf.speed.SpeedStreams;
import io.waddleperf.speed.StreamAdmission;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The manager's browser speed test (docs/MANAGER.md, "Speed test"): LibreSpeed's endpoints served by the test
 * server's own code ({@link LibreSpeedApi}, with its per-client stream and byte admission and stall guard) under
 * {@code /api/v1/speedtest/}, and {@code POST /api/v1/speedtest/results}, where the page posts what it measured to be
 * stored as a {@code speedtest} result of the logged-in user. {@code GET /api/v1/speedtest/servers} lists what the page
 * offers to measure against: the manager itself, then the configured test servers ({@code speedtest.test_servers}),
 * whose endpoints the page calls directly (their CORS headers allow it; the page's CSP names their origins).
 *
 * <p>Downloads, uploads and {@code getIP} need a caller like every other API route (an upload with the session
 * cookie also its CSRF token), so the manager moves bytes only for its users. The bodiless ping {@code GET
 * /api/v1/speedtest/empty} answers anyone: it moves nothing, and a session lookup on every sample would add the
 * database's time to the latency the page measures.
 */
public final class SpeedTestApi implements AutoCloseable {

    static final String BASE = "/api/v1/speedtest";

    private final SpeedStreams streams;
    private final LibreSpeedApi libreSpeed;
    private final Ingestor ingestor;
    private final Requests requests;
    private final List<Map<String, Object>> servers;

    /**
     * @param limits      the stream and byte limits of the speed endpoints (the test server's defaults)
     * @param testServers the configured test servers' base URLs ({@code speedtest.test_servers})
     */
    public SpeedTestApi(SpeedConfig limits, ClientAddress clientAddress, GeoIp geoIp, Ingestor ingestor,
                        Requests requests, List<URI> testServers) {
        StreamAdmission admission = new StreamAdmission(limits.perClientStreams(), limits.globalStreams(),
                limits.perClientBytes(), limits.bytesWindow(), MonotonicClock.SYSTEM);
        this.streams = new SpeedStreams(admission, limits, clientAddress);
        this.libreSpeed = new LibreSpeedApi(streams, geoIp, null);
        this.ingestor = ingestor;
        this.requests = requests;
        List<Map<String, Object>> all = new ArrayList<>();
        all.add(server("manager", "This manager", BASE, true));
        for (URI u : testServers) {
            String base = u.toString().replaceFirst("/+$", "");
            all.add(server(base, u.getRawAuthority() + u.getRawPath().replaceFirst("/+$", ""), base, false));
        }
        this.servers = List.copyOf(all);
    }

    private static Map<String, Object> server(String id, String name, String url, boolean own) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("name", name);
        m.put("url", url);
        m.put("manager", own);
        return m;
    }

    public void addRoutes(RoutesConfig routes) {
        routes.get(BASE + "/empty", libreSpeed::empty);
        routes.post(BASE + "/empty", ctx -> {
            requests.caller(ctx);
            libreSpeed.empty(ctx);
        });
        routes.get(BASE + "/garbage", ctx -> {
            requests.caller(ctx);
            libreSpeed.garbage(ctx);
        });
        routes.get(BASE + "/getIP", ctx -> {
            requests.caller(ctx);
            libreSpeed.getIp(ctx);
        });
        routes.post(BASE + "/results", this::submit);
        routes.get(BASE + "/servers", ctx -> {
            requests.caller(ctx);
            ctx.json(Map.of("servers", servers));
        });
    }

    /**
     * Stores the page's measurement (a {@code speedtest} result object, docs/RESULTS.md) under the caller: the
     * latency figures recomputed from {@code raw_results.latency_samples_ms} as the test server does, {@code source:
     * browser}, and the caller's {@code user_id} and {@code username} in {@code raw_results} (whatever the page put
     * there is replaced, so nobody stores a result in another user's name).
     */
    private void submit(Context ctx) {
        Principal p = requests.caller(ctx);
        ResultsApi.requireSubmitter(p);
        byte[] body = requests.body(ctx, BrowserResults.MAX_RESULT_BYTES);
        ProbeResult measured = BrowserResults.parse(body);
        Map<String, Object> raw = new LinkedHashMap<>(measured.rawResults() == null ? Map.of() : measured.rawResults());
        raw.put("user_id", p.userId().toString());
        raw.put("username", p.username());
        ProbeResult result = measured.toBuilder().source(Source.BROWSER).rawResults(raw).build();
        JsonNode tree = Json.mapper().valueToTree(result);
        Receipt r = ingestor.ingest(tree, p, Requests.clientAddress(ctx)).getFirst();
        Map<String, Object> answer = ResultsApi.entry(r);
        answer.put("url", ResultsApi.BASE + "/" + r.id());
        ctx.status(r.outcome() == Outcome.STORED ? 201 : 200).json(answer);
    }

    @Override
    public void close() {
        streams.close();
    }
}
