package io.waddleperf.manager.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.waddleperf.core.result.FiniteNumbers;
import io.waddleperf.core.result.Json;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.Source;
import io.waddleperf.manager.alerts.AlertEvaluator;
import io.waddleperf.manager.auth.Principal;
import io.waddleperf.manager.geo.GeoEnricher;
import io.waddleperf.manager.store.EnrolledDevice;
import io.waddleperf.manager.store.ResultRepository;
import io.waddleperf.manager.store.ResultRepository.Incoming;
import io.waddleperf.manager.store.ResultRepository.Outcome;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Takes one result object or an array of them, validates every one (nothing is stored if any is invalid), stores
 * them in one transaction and reports per id whether it was stored now or had been stored before.
 */
public final class Ingestor {

    /**
     * What happened to one submitted result.
     *
     * @param id      the result id
     * @param outcome stored now, or a duplicate of a stored one
     */
    public record Receipt(UUID id, Outcome outcome) {
    }

    private final ResultRepository results;
    private final ResultValidator validator;
    private final ResultBinder binder = new ResultBinder();
    private final int maxBatch;
    private final InstantSource clock;
    private final GeoEnricher geo;
    private final AlertEvaluator alerts;
    private final ObjectMapper mapper = Json.mapper();

    /**
     * @param geo    GeoIP lookups of client and target before insert
     * @param alerts evaluates alert rules after commit, or null for none
     */
    public Ingestor(ResultRepository results, ResultValidator validator, int maxBatch, InstantSource clock,
                    GeoEnricher geo, AlertEvaluator alerts) {
        this.results = results;
        this.validator = validator;
        this.maxBatch = maxBatch;
        this.clock = clock;
        this.geo = geo;
        this.alerts = alerts;
    }

    public Ingestor(ResultRepository results, ResultValidator validator, int maxBatch, InstantSource clock) {
        this(results, validator, maxBatch, clock, GeoEnricher.none(), null);
    }

    /**
     * Validates and stores; returns after the commit.
     *
     * @param body      a JSON result object, or a JSON array of them
     * @param submitter who submits them; the results belong to its OU
     * @param clientIp  the submitting client's address (GeoIP), or null
     * @throws InvalidResultException naming the first invalid field (then nothing is stored)
     */
    public List<Receipt> ingest(JsonNode body, Principal submitter, String clientIp) {
        return ingest(SubmittedJson.of(body), submitter, clientIp);
    }

    /**
     * {@link #ingest(JsonNode, Principal, String)} of a body parsed with each result's text: that text is stored as
     * the result's document as it was sent.
     */
    public List<Receipt> ingest(SubmittedJson body, Principal submitter, String clientIp) {
        return store(parseBatch(body), submitter, clientIp);
    }

    /**
     * Validates and stores results an enrolled device uploaded with its credential: they belong to the device and its
     * OU. A result naming another device's serial is refused (a device speaks only for itself), except a browser's
     * result a test server relays, which names the browser's machine if anything.
     *
     * @throws InvalidResultException naming the first invalid field (then nothing is stored)
     */
    public List<Receipt> ingestFromDevice(JsonNode body, EnrolledDevice device, String clientIp) {
        return ingestFromDevice(SubmittedJson.of(body), device, clientIp);
    }

    /** {@link #ingestFromDevice(JsonNode, EnrolledDevice, String)} of a body parsed with each result's text. */
    public List<Receipt> ingestFromDevice(SubmittedJson submitted, EnrolledDevice device, String clientIp) {
        JsonNode body = submitted.tree();
        List<Incoming> batch = parseBatch(submitted);
        for (int i = 0; i < batch.size(); i++) {
            ProbeResult r = batch.get(i).result();
            String serial = r.device() == null ? null : r.device().serial();
            if (serial != null && !serial.equals(device.serial()) && r.source() != Source.BROWSER) {
                String field = body.isArray() ? "[" + i + "].device.serial" : "device.serial";
                throw new InvalidResultException(field, "is '" + serial + "', but this credential belongs to device '"
                        + device.serial() + "'");
            }
        }
        batch = located(batch, clientIp);
        Map<UUID, Outcome> outcomes = results.store(batch, device.ouId(), null, device.id(), clock.instant());
        afterCommit(batch, outcomes, device.ouId());
        List<Receipt> receipts = new ArrayList<>(outcomes.size());
        outcomes.forEach((id, outcome) -> receipts.add(new Receipt(id, outcome)));
        return receipts;
    }

    /**
     * Every result of a body checked and bound, nothing stored (no repository is touched: tests may pass null for it).
     *
     * @throws InvalidResultException naming the first invalid field
     */
    List<Incoming> parseBatch(SubmittedJson submitted) {
        JsonNode body = submitted.tree();
        List<Incoming> batch = new ArrayList<>();
        if (body.isArray()) {
            if (body.isEmpty()) {
                throw new InvalidResultException("body", "the array holds no results");
            }
            if (body.size() > maxBatch) {
                throw new InvalidResultException("body", "the array holds " + body.size()
                        + " results; at most " + maxBatch + " are accepted per request");
            }
            for (int i = 0; i < body.size(); i++) {
                batch.add(parse(body.get(i), "[" + i + "]", submitted.text(i)));
            }
        } else {
            batch.add(parse(body, "", submitted.text(0)));
        }
        return batch;
    }

    /**
     * Converts one body of the original clients ({@link LegacyUploads}), checks the result it makes against the
     * schema like any other, and stores it.
     *
     * @param goClientAllowed whether the Go client's body is accepted here ({@code /api/v1/tests/}) besides the flat one
     */
    public Receipt ingestLegacy(JsonNode body, Principal submitter, boolean goClientAllowed, String clientIp) {
        return store(List.of(parseLegacy(body, goClientAllowed)), submitter, clientIp).getFirst();
    }

    /** An original client's body converted, checked and bound, nothing stored (as {@link #parseBatch}). */
    Incoming parseLegacy(JsonNode body, boolean goClientAllowed) {
        // checked on the body as sent, so the refusal names the client's own field
        FiniteNumbers.Found infinite = body.isObject() ? FiniteNumbers.firstNonFinite(body, "") : null;
        if (infinite != null) {
            throw nonFinite(infinite);
        }
        Instant now = clock.instant();
        ProbeResult r = goClientAllowed && LegacyUploads.isGoClientBody(body)
                ? LegacyUploads.fromGoClient(body, now) : LegacyUploads.fromFlat(body, now);
        return parse(LegacyUploads.tree(r), "", null);
    }

    private List<Receipt> store(List<Incoming> batch, Principal submitter, String clientIp) {
        Instant now = clock.instant();
        batch = located(batch, clientIp);
        Map<UUID, Outcome> outcomes = results.store(batch, submitter.ouId(), submitter.userId(), now);
        afterCommit(batch, outcomes, submitter.ouId());
        List<Receipt> receipts = new ArrayList<>(outcomes.size());
        outcomes.forEach((id, outcome) -> receipts.add(new Receipt(id, outcome)));
        return receipts;
    }

    /** The batch with GeoIP of the client and each target, looked up before the insert. */
    private List<Incoming> located(List<Incoming> batch, String clientIp) {
        List<Incoming> out = new ArrayList<>(batch.size());
        GeoEnricher.ForClient lookups = geo.forClient(clientIp);
        for (Incoming in : batch) {
            out.add(new Incoming(in.result(), in.document(), lookups.of(in.result().targetIp())));
        }
        return out;
    }

    /** The one call after the commit: alert rules see the results stored now (not the duplicates). */
    private void afterCommit(List<Incoming> batch, Map<UUID, Outcome> outcomes, UUID ouId) {
        if (alerts != null) {
            alerts.afterCommit(batch.stream().filter(in -> outcomes.get(in.result().id()) == Outcome.STORED)
                    .collect(java.util.stream.Collectors.toMap(in -> in.result().id(), in -> in, (a, b) -> a,
                            java.util.LinkedHashMap::new)).values().stream().toList(), ouId);
        }
    }

    private static InvalidResultException nonFinite(FiniteNumbers.Found f) {
        return new InvalidResultException(f.path().isEmpty() ? "body" : f.path(),
                "must be a number a double can hold (at most about 1.8e308 in magnitude), got " + f.text());
    }

    /**
     * @param text the result's text as submitted, stored as its document; null: the document is written from the tree
     */
    private Incoming parse(JsonNode node, String prefix, String text) {
        // the fast lane accepts only what the reference path (schema, then Jackson's binding) certainly accepts and
        // binds it the same; anything else, every invalid result included, takes the reference path and its message
        ProbeResult r = binder.bind(node);
        String where = prefix.isEmpty() ? "" : prefix + ".";
        // a number no double holds would be bound as infinity (ResultUploadFuzzTest): the fast lane declines those in
        // every typed field, so after it only raw_results, the one free-form part, can hold one
        FiniteNumbers.Found infinite = r != null ? FiniteNumbers.firstNonFinite(node.get("raw_results"), where + "raw_results")
                : node.isObject() ? FiniteNumbers.firstNonFinite(node, prefix) : null;
        if (infinite != null) {
            throw nonFinite(infinite);
        }
        String document;
        try {
            if (r == null) {
                validator.check(node, prefix);
                r = mapper.treeToValue(node, ProbeResult.class);
            }
            document = text != null ? text : mapper.writeValueAsString(node);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            // the schema passed, so this is a value the model refuses beyond it (e.g. an id that is not a UUID)
            throw new InvalidResultException(prefix.isEmpty() ? "body" : prefix, "not a valid result: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
        if (r.target().length() > ResultRepository.MAX_TARGET_CHARS) {
            throw new InvalidResultException(where + "target", "is longer than " + ResultRepository.MAX_TARGET_CHARS
                    + " characters");
        }
        if (r.device() != null && r.device().serial() != null
                && r.device().serial().length() > ResultRepository.MAX_SERIAL_CHARS) {
            throw new InvalidResultException(where + "device.serial", "is longer than "
                    + ResultRepository.MAX_SERIAL_CHARS + " characters");
        }
        return new Incoming(r, document);
    }
}
