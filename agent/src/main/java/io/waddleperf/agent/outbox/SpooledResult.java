package io.waddleperf.agent.outbox;

import com.fasterxml.jackson.databind.JsonNode;
import io.waddleperf.core.result.Json;
import io.waddleperf.core.result.ProbeResult;
import java.io.UncheckedIOException;

/**
 * One result as the spool holds it: its sequence number in the spool and the result object's JSON text, exactly as
 * it was written (so every sink sends the same bytes, and a batch sent again after a crash is the same batch).
 */
public record SpooledResult(long seq, String json) {

    /** The result's {@code id}, the key that makes delivery idempotent. */
    public String id() {
        try {
            JsonNode id = Json.mapper().readTree(json).get("id");
            return id == null ? null : id.asText();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public ProbeResult result() {
        return Json.readResult(json);
    }
}
