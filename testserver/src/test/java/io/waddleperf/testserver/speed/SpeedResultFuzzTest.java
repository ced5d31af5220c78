package io.waddleperf.testserver.speed;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.waddleperf.core.result.Json;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.Source;
import io.waddleperf.core.result.TestType;
import io.waddleperf.testserver.api.ApiException;

/**
 * Jazzer fuzz test of the parser of {@code POST /speedtest/result} bodies, a browser's result object or the original
 * server's flat LibreSpeed-style fields (docs/PROTOCOL-http-speedtest.md). Its contract: a body is refused only with an
 * {@link ApiException} of status 400; an accepted one is a {@code speedtest} result from {@code browser} whose rates
 * lie in 0..10^7 Mbit/s, which serialises and reads back unchanged (what the result sinks store). Seeds:
 * {@code src/test/resources/io/waddleperf/testserver/speed/SpeedResultFuzzTestInputs/<method>/}; real fuzzing with
 * {@code scripts/fuzz} (docs/RELIABILITY.md).
 */
class SpeedResultFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void result_body_is_refused_with_a_400_or_stored_as_a_browser_speedtest(byte[] body)
            throws JsonProcessingException {
        ProbeResult r;
        try {
            r = SpeedApi.parseResult(body);
        } catch (ApiException e) {
            assertThat(e.status()).isEqualTo(400);
            return;
        }
        assertThat(r.testType()).isEqualTo(TestType.SPEEDTEST);
        assertThat(r.source()).isEqualTo(Source.BROWSER);
        assertThat(r.id()).isNotNull();
        assertThat(r.startedAt()).isNotNull();
        for (Double rate : new Double[] {r.downloadMbps(), r.uploadMbps()}) {
            if (rate != null) {
                assertThat(rate).isBetween(0.0, 1e7);
            }
        }
        String json = Json.mapper().writeValueAsString(r);
        assertThat(Json.mapper().readValue(json, ProbeResult.class)).isEqualTo(r);
    }
}
