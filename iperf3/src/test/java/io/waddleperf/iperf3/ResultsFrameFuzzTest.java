package io.waddleperf.iperf3;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer fuzz test of the results frame both sides read after EXCHANGE_RESULTS: refused with IERECVRESULTS, or
 * accepted and unchanged by encode → decode. A failure of any other kind (a RuntimeException, an OutOfMemoryError, a
 * failed assertion) is a finding. Seeds: {@code
 * src/test/resources/io/waddleperf/iperf3/ResultsFrameFuzzTestInputs/<method>/}, run by {@code ./mvnw verify}; real
 * fuzzing with {@code scripts/fuzz} (docs/RELIABILITY.md).
 */
class ResultsFrameFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void results_frame_is_refused_with_IERECVRESULTS_or_round_trips(byte[] input) {
        TestResults results;
        try {
            results = TestResults.fromJson(
                    JsonFrames.decode(input, JsonFrames.MAX_RESULTS_BYTES, Iperf3Error.IERECVRESULTS));
        } catch (Iperf3Exception e) {
            assertThat(e.error()).isEqualTo(Iperf3Error.IERECVRESULTS);
            return;
        }
        try {
            TestResults again = TestResults.fromJson(JsonFrames.decode(JsonFrames.encode(results.toJson()),
                    JsonFrames.MAX_RESULTS_BYTES, Iperf3Error.IERECVRESULTS));
            assertThat(again).isEqualTo(results);
        } catch (Iperf3Exception e) {
            throw new AssertionError("accepted results do not survive their own encoding: " + results, e);
        }
    }
}
