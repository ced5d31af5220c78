package io.waddleperf.manager.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.manager.store.ResultRepository.Incoming;
import java.io.IOException;
import java.util.List;

/**
 * Jazzer fuzz test of the body of {@code POST /api/v1/results} (one result object or an array of them), from the
 * bytes to what would be stored, without a database. Its contract:
 *
 * <ul>
 * <li>the body parses to the tree {@code readTree} gives, or is refused as {@code readTree} refuses it (and also
 *     for a key given twice), with an {@code IOException} the API answers with 400; each object's kept text reads
 *     as that object;</li>
 * <li>a parsed body is refused only with an {@link InvalidResultException} naming a field — never another exception
 *     (which the API would answer with 500);</li>
 * <li>where the fast lane binds a result, the reference path (schema, then Jackson) accepts it and binds the same;</li>
 * <li>an accepted result is storable: its document reads back as the same result, all its numbers are finite.</li>
 * </ul>
 *
 * Seeds: {@code src/test/resources/io/waddleperf/manager/ingest/ResultUploadFuzzTestInputs/<method>/}; real fuzzing
 * with {@code scripts/fuzz} (docs/RELIABILITY.md).
 */
class ResultUploadFuzzTest {

    private static final ResultBinder BINDER = new ResultBinder();
    private static final ResultValidator VALIDATOR = new ResultValidator();

    @FuzzTest(maxDuration = "30s")
    void upload_is_refused_naming_a_field_or_each_result_is_bound_as_the_reference_binds_it_and_storable(byte[] body)
            throws Exception {
        JsonNode readTree;
        try {
            readTree = IngestChecks.MAPPER.readTree(body);
        } catch (IOException e) {
            // invalid JSON, or bytes no character encoding reads (an IOException that is no JsonProcessingException,
            // e.g. an auto-detected UTF-32 body holding a code point above U+10FFFF): both are answered 400
            readTree = null;
        }
        SubmittedJson submitted;
        try {
            submitted = SubmittedJson.parse(body);
        } catch (IOException e) {
            if (readTree != null) {
                assertThat(e).isInstanceOf(JsonProcessingException.class);
                assertThat(((JsonProcessingException) e).getOriginalMessage())
                        .as("refused beyond readTree only for a repeated key").startsWith("Duplicate field");
            }
            return;
        }
        assertThat(readTree).as("what readTree refuses is refused").isNotNull();
        assertThat(submitted.tree()).isEqualTo(readTree);
        if (readTree.isMissingNode()) {
            return; // the API answers "a JSON body is required" before ingesting
        }
        List<JsonNode> elements = readTree.isArray() ? List.of(readTree.valueStream().toArray(JsonNode[]::new))
                : List.of(readTree);
        for (int i = 0; i < elements.size(); i++) {
            String text = submitted.text(i);
            if (text != null) {
                assertThat(IngestChecks.MAPPER.readTree(text)).isEqualTo(elements.get(i));
            }
            ProbeResult fast = BINDER.bind(elements.get(i));
            if (fast != null) {
                VALIDATOR.check(elements.get(i), "");
                assertThat(IngestChecks.MAPPER.treeToValue(elements.get(i), ProbeResult.class))
                        .as("the reference path binds what the fast lane bound").isEqualTo(fast);
            }
        }
        List<Incoming> batch;
        try {
            batch = IngestChecks.INGESTOR.parseBatch(submitted);
        } catch (InvalidResultException e) {
            assertThat(e.field()).isNotEmpty(); // a key may be " ": the field named is the one sent
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        assertThat(batch).hasSize(elements.size());
        for (int i = 0; i < batch.size(); i++) {
            IngestChecks.storable(batch.get(i), elements.get(i));
        }
    }
}
