package io.waddleperf.iperf3;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer fuzz test of the parameters frame a server reads after PARAM_EXCHANGE: refused with an iperf3 code
 * (IERECVPARAMS for the frame, the code of the first bad value otherwise), or accepted within the server's limits and
 * unchanged by encode → decode. A failure of any other kind (a RuntimeException, an OutOfMemoryError, a failed
 * assertion) is a finding. Seeds: {@code
 * src/test/resources/io/waddleperf/iperf3/ParametersFrameFuzzTestInputs/<method>/}, run by {@code ./mvnw verify}; real
 * fuzzing with {@code scripts/fuzz} (docs/RELIABILITY.md).
 */
class ParametersFrameFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void parameters_frame_is_refused_with_its_code_or_round_trips(byte[] input) {
        TestParameters params;
        try {
            params = TestParameters.fromJson(
                    JsonFrames.decode(input, JsonFrames.MAX_PARAMS_BYTES, Iperf3Error.IERECVPARAMS));
        } catch (Iperf3Exception e) {
            assertThat(e.error()).isNotNull();
            return;
        }
        ControlChannelFuzzTest.assertBounded(params);
        try {
            TestParameters again = TestParameters.fromJson(JsonFrames.decode(JsonFrames.encode(params.toJson()),
                    JsonFrames.MAX_PARAMS_BYTES, Iperf3Error.IERECVPARAMS));
            assertThat(again).isEqualTo(params);
        } catch (Iperf3Exception e) {
            throw new AssertionError("accepted parameters do not survive their own encoding: " + params, e);
        }
    }
}
