package io.waddleperf.manager.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.waddleperf.core.result.Json;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.manager.store.ResultRepository.Incoming;
import java.time.Clock;

/** What the ingest fuzz tests hold every accepted result to: the properties a stored result must have. */
final class IngestChecks {

    static final ObjectMapper MAPPER = Json.mapper();
    /** Parsing and binding only: no repository is touched before a batch is stored. */
    static final Ingestor INGESTOR = new Ingestor(null, new ResultValidator(), 1000, Clock.systemUTC());

    private IngestChecks() {
    }

    /**
     * An accepted result: its document (the stored text) is JSON that reads back as the same result, every number
     * in it is finite (a database column holds no infinity, and JSON has no spelling for one), and its indexed
     * columns fit.
     *
     * @param submitted the submitted object the result came from, or null when it was made by the manager (legacy
     *                  bodies): then the document must be that result written out
     */
    static void storable(Incoming in, JsonNode submitted) throws Exception {
        JsonNode document = MAPPER.readTree(in.document());
        if (submitted != null) {
            assertThat(document).as("the stored text is the submitted object").isEqualTo(submitted);
        }
        assertThat(MAPPER.treeToValue(document, ProbeResult.class)).as("read back from %s", in.document())
                .isEqualTo(in.result());
        assertFinite(MAPPER.valueToTree(in.result()), "result");
        assertFinite(document, "document");
        assertThat(in.result().target().length()).isLessThanOrEqualTo(
                io.waddleperf.manager.store.ResultRepository.MAX_TARGET_CHARS);
    }

    private static void assertFinite(JsonNode n, String path) {
        if (n.isNumber()) {
            assertThat(Double.isFinite(n.doubleValue())).as("%s = %s is finite", path, n).isTrue();
        } else if (n.isTextual()) {
            // Jackson writes a non-finite double as a string: in a number field that is what a reader would meet
            assertThat(n.textValue()).as(path).isNotIn("Infinity", "-Infinity", "NaN");
        } else if (n.isContainerNode()) {
            if (n.isArray()) {
                for (int i = 0; i < n.size(); i++) {
                    assertFinite(n.get(i), path + "[" + i + "]");
                }
            } else {
                n.properties().forEach(e -> assertFinite(e.getValue(), path + "." + e.getKey()));
            }
        }
    }
}
