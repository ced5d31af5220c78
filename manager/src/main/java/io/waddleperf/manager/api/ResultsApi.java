package io.waddleperf.manager.api;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.waddleperf.manager.auth.Principal;
import io.waddleperf.manager.ingest.Ingestor;
import io.waddleperf.manager.ingest.Ingestor.Receipt;
import io.waddleperf.manager.ingest.SubmittedJson;
import io.waddleperf.manager.store.EnrolledDevice;
import io.waddleperf.manager.store.ResultRepository;
import io.waddleperf.manager.store.ResultRepository.Outcome;
import io.waddleperf.manager.store.ResultRepository.ResultFilter;
import io.waddleperf.manager.store.ResultRepository.Stored;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;

/**
 * {@code POST /api/v1/results}: one result object (docs/RESULTS.md) or an array of them. Idempotent by the result's
 * {@code id}: a result stored before is not stored again and its entry says {@code "status": "duplicate"}. The answer
 * comes after the commit (201 when anything was stored, 200 when all were duplicates); an invalid result refuses the
 * whole request with the field named. {@code GET /api/v1/results?limit=} lists the newest in the caller's scope (optionally
 * only one device's, type's or target's, only failures or successes, only a time range, only some AutoPerf tiers),
 * {@code GET /api/v1/results/{id}} returns one. {@code POST /api/v1/results/upload} takes the original manager's
 * flat upload body ({@link io.waddleperf.manager.ingest.LegacyUploads}). An enrolled device uploads with its credential
 * to {@code POST /api/v1/results}; its results are attributed to it and its OU.
 */
public final class ResultsApi {

    static final String BASE = "/api/v1/results";
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 1000;

    private final Ingestor ingestor;
    private final ResultRepository results;
    private final Requests requests;
    private final DeviceRequests deviceRequests;

    public ResultsApi(Ingestor ingestor, ResultRepository results, Requests requests, DeviceRequests deviceRequests) {
        this.ingestor = ingestor;
        this.results = results;
        this.requests = requests;
        this.deviceRequests = deviceRequests;
    }

    public void addRoutes(RoutesConfig routes) {
        routes.post(BASE, this::submit);
        routes.post(BASE + "/upload", this::upload);
        routes.get(BASE, this::recent);
        routes.get(BASE + "/{id}", this::get);
    }

    private void submit(Context ctx) {
        List<Receipt> receipts;
        SubmittedJson body;
        if (deviceRequests.carriesDeviceCredential(ctx)) {
            // an enrolled device's upload: its results belong to the device and its OU
            EnrolledDevice device = deviceRequests.device(ctx);
            body = requests.jsonWithTexts(ctx);
            receipts = ingestor.ingestFromDevice(body, device, Requests.clientAddress(ctx));
        } else {
            Principal p = requests.caller(ctx);
            requireSubmitter(p);
            body = requests.jsonWithTexts(ctx);
            receipts = ingestor.ingest(body, p, Requests.clientAddress(ctx));
        }
        boolean anyStored = receipts.stream().anyMatch(r -> r.outcome() == Outcome.STORED);
        ctx.status(anyStored ? 201 : 200);
        if (!body.tree().isArray()) {
            ctx.json(entry(receipts.getFirst()));
            return;
        }
        ctx.contentType("application/json").result(batchAnswer(receipts));
    }

    /**
     * The answer to an array, {@code {"stored":n,"duplicates":n,"results":[{"id":…,"status":…},…]}}, written
     * directly: ids and statuses need no escaping, and a map per entry through the JSON mapper cost as much as a
     * twentieth of the request's CPU for 500 results.
     */
    static String batchAnswer(List<Receipt> receipts) {
        long stored = receipts.stream().filter(r -> r.outcome() == Outcome.STORED).count();
        StringBuilder sb = new StringBuilder(64 + receipts.size() * 64).append("{\"stored\":").append(stored)
                .append(",\"duplicates\":").append(receipts.size() - stored).append(",\"results\":[");
        for (int i = 0; i < receipts.size(); i++) {
            Receipt r = receipts.get(i);
            sb.append(i == 0 ? "{\"id\":\"" : ",{\"id\":\"").append(r.id()).append("\",\"status\":\"")
                    .append(r.outcome().externalName()).append("\"}");
        }
        return sb.append("]}").toString();
    }

    /** The original manager's upload: one flat body without an id (the manager assigns one). */
    private void upload(Context ctx) {
        Principal p = requests.caller(ctx);
        requireSubmitter(p);
        Receipt r = ingestor.ingestLegacy(requests.json(ctx), p, false, Requests.clientAddress(ctx));
        Map<String, Object> answer = entry(r);
        answer.put("message", "Results uploaded successfully");
        ctx.status(r.outcome() == Outcome.STORED ? 201 : 200).json(answer);
    }

    static void requireSubmitter(Principal p) {
        if (!p.role().submitsResults()) {
            throw ApiException.forbidden(null, "role " + p.role() + " reads results but does not submit them");
        }
    }

    static Map<String, Object> entry(Receipt r) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("id", r.id());
        e.put("status", r.outcome().externalName());
        return e;
    }

    private void recent(Context ctx) {
        Principal p = requests.caller(ctx);
        int limit = Requests.intParam(ctx, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        writeDocuments(ctx, results.recent(Scopes.of(p), filter(ctx), limit));
    }

    /** The listing's optional filters: {@code device_serial, test_type, target, success, from, to, tier}. */
    static ResultFilter filter(Context ctx) {
        String success = ctx.queryParam("success");
        Boolean wanted = null;
        if (success != null && !success.isEmpty()) {
            wanted = switch (success) {
                case "true" -> Boolean.TRUE;
                case "false" -> Boolean.FALSE;
                default -> throw ApiException.badRequest("success", "must be true or false, got '" + success + "'");
            };
        }
        Instant from = Requests.timeParam(ctx, "from", null);
        Instant to = Requests.timeParam(ctx, "to", null);
        if (from != null && to != null && !from.isBefore(to)) {
            throw ApiException.badRequest("from", "must be before to (" + to + ")");
        }
        return new ResultFilter(textParam(ctx, "device_serial", ResultRepository.MAX_SERIAL_CHARS),
                textParam(ctx, "test_type", 32), textParam(ctx, "target", ResultRepository.MAX_TARGET_CHARS),
                wanted, from, to, tiers(ctx));
    }

    /**
     * The {@code tier} filter: AutoPerf tiers 1-3, comma-separated (the dashboard asks for {@code 2,3}, the
     * escalations). Results of no tier cannot be asked for by tier; leaving the filter out lists them with the rest.
     */
    static List<Integer> tiers(Context ctx) {
        String v = ctx.queryParam("tier");
        if (v == null || v.isEmpty()) {
            return List.of();
        }
        if (v.length() > 16) {
            throw ApiException.badRequest("tier", "is longer than 16 characters");
        }
        TreeSet<Integer> out = new TreeSet<>();
        for (String part : v.split(",", -1)) {
            String t = part.strip();
            if (!t.equals("1") && !t.equals("2") && !t.equals("3")) {
                throw ApiException.badRequest("tier", "'" + t + "' is not an AutoPerf tier (1, 2 or 3, comma-separated)");
            }
            out.add(Integer.valueOf(t));
        }
        return List.copyOf(out);
    }

    private static String textParam(Context ctx, String name, int max) {
        String v = ctx.queryParam(name);
        if (v == null || v.isEmpty()) {
            return null;
        }
        if (v.length() > max) {
            throw ApiException.badRequest(name, "is longer than " + max + " characters");
        }
        return v;
    }

    private void get(Context ctx) {
        Principal p = requests.caller(ctx);
        UUID id = Requests.pathId(ctx, "id");
        Stored r = results.find(id).filter(s -> Scopes.includes(p, s))
                .orElseThrow(() -> ApiException.notFound("id", "no result " + id));
        ctx.contentType("application/json").result(r.document());
    }

    /** Writes stored documents as a JSON array as they are (they were validated and normalised on the way in). */
    static void writeDocuments(Context ctx, List<Stored> stored) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < stored.size(); i++) {
            sb.append(i == 0 ? "" : ",").append(stored.get(i).document());
        }
        ctx.contentType("application/json").result(sb.append(']').toString());
    }
}
