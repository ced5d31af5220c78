package io.waddleperf.manager.api;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.waddleperf.manager.auth.Principal;
import io.waddleperf.manager.ingest.Ingestor;
import io.waddleperf.manager.ingest.Ingestor.Receipt;
import io.waddleperf.manager.store.ResultRepository.Outcome;
import java.util.Map;

/**
 * {@code POST /api/v1/tests/}: where the original Go and container clients upload a result (the original manager
 * never routed it). Takes the Go client's body ({@code test_id, name, status, duration_ms, success, metrics,
 * metadata}; idempotent by {@code test_id}) or the container client's flat body; answers like {@code POST
 * /api/v1/results} for one result.
 */
public final class TestsApi {

    static final String BASE = "/api/v1/tests";

    private final Ingestor ingestor;
    private final Requests requests;

    public TestsApi(Ingestor ingestor, Requests requests) {
        this.ingestor = ingestor;
        this.requests = requests;
    }

    public void addRoutes(RoutesConfig routes) {
        routes.post(BASE + "/", this::upload);
        routes.post(BASE, this::upload);
    }

    private void upload(Context ctx) {
        Principal p = requests.caller(ctx);
        ResultsApi.requireSubmitter(p);
        Receipt r = ingestor.ingestLegacy(requests.json(ctx), p, true, Requests.clientAddress(ctx));
        Map<String, Object> answer = ResultsApi.entry(r);
        ctx.status(r.outcome() == Outcome.STORED ? 201 : 200).json(answer);
    }
}
