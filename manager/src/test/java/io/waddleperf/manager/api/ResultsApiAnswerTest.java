package io.waddleperf.manager.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.core.result.Json;
import io.waddleperf.core.result.UuidV7;
import io.waddleperf.manager.ingest.Ingestor.Receipt;
import io.waddleperf.manager.store.ResultRepository.Outcome;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The answer to an uploaded array, written directly, is the text the JSON mapper made of the same map. */
class ResultsApiAnswerTest {

    @Test
    void theBatchAnswerIsWhatTheMapperWrites() {
        for (int n : new int[] {1, 2, 500}) {
            List<Receipt> receipts = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                receipts.add(new Receipt(UuidV7.next(), i % 3 == 1 ? Outcome.DUPLICATE : Outcome.STORED));
            }
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("stored", receipts.stream().filter(r -> r.outcome() == Outcome.STORED).count());
            answer.put("duplicates", receipts.stream().filter(r -> r.outcome() == Outcome.DUPLICATE).count());
            answer.put("results", receipts.stream().map(ResultsApi::entry).toList());
            assertThat(ResultsApi.batchAnswer(receipts)).isEqualTo(Json.write(answer));
        }
    }
}
