package io.waddleperf.manager.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import io.waddleperf.manager.store.ResultRepository.Incoming;
import java.io.IOException;

/**
 * Jazzer fuzz test of the original clients' bodies ({@code POST /api/v1/results/upload}, {@code POST /api/v1/tests/}:
 * the flat body and the Go client's), from a parsed JSON body to what would be stored, without a database. Its
 * contract: a body is refused only with an {@link InvalidResultException} naming a field (never another exception,
 * which the API would answer with 500), and a converted result is storable (its document reads back as the same
 * result, all its numbers are finite). Seeds:
 * {@code src/test/resources/io/waddleperf/manager/ingest/LegacyUploadFuzzTestInputs/<method>/}; real fuzzing with
 * {@code scripts/fuzz} (docs/RELIABILITY.md).
 */
class LegacyUploadFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void original_client_body_is_refused_naming_a_field_or_converted_to_a_storable_result(byte[] body)
            throws Exception {
        JsonNode tree;
        try {
            tree = IngestChecks.MAPPER.readTree(body);
        } catch (IOException e) {
            return; // the API refuses it with 400 ("not valid JSON", "could not be read") before converting
        }
        if (tree == null || tree.isMissingNode()) {
            return;
        }
        for (boolean goClientAllowed : new boolean[] {false, true}) {
            Incoming in;
            try {
                in = IngestChecks.INGESTOR.parseLegacy(tree, goClientAllowed);
            } catch (InvalidResultException e) {
                assertThat(e.field()).isNotEmpty(); // a key may be " ": the field named is the one sent
                assertThat(e.getMessage()).isNotBlank();
                continue;
            }
            IngestChecks.storable(in, null);
        }
    }
}
