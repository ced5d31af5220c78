package io.waddleperf.iperf3;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Jazzer fuzz test of the control-channel decoding a server does with bytes from an untrusted client: cookie, the
 * parameters frame and its validation, a state byte, the results frame and its validation, a SERVER_ERROR trailer.
 * The only acceptable failures are {@link IOException} (truncated input) and {@link Iperf3Exception} (iperf3's codes);
 * anything else escaping (a RuntimeException, an OutOfMemoryError) is a finding.
 *
 * <p>Under {@code ./mvnw verify} Jazzer runs in regression mode: the empty input plus every file under
 * {@code src/test/resources/io/waddleperf/iperf3/ControlChannelFuzzTestInputs/<method>/} (where Jazzer also drops
 * crashing inputs it finds), in well under a second each. To fuzz for real (one method per run, bounded by
 * {@code maxDuration}): {@code JAZZER_FUZZ=1 ./mvnw -pl iperf3 test
 * -Dtest='ControlChannelFuzzTest#server_side_decoding_fails_only_with_protocol_errors'}; a longer session adds
 * {@code -Djazzer.max_duration=10m}. The working corpus goes to {@code iperf3/.cifuzz-corpus/} (ignored by git).
 */
class ControlChannelFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void server_side_decoding_fails_only_with_protocol_errors(byte[] input) {
        ControlChannel channel = new ControlChannel(new ByteArrayInputStream(input), OutputStream.nullOutputStream());
        try {
            channel.readCookie();
            TestParameters params =
                    TestParameters.fromJson(channel.readJson(JsonFrames.MAX_PARAMS_BYTES, Iperf3Error.IERECVPARAMS));
            params.toJson();
            channel.readState();
            ObjectNode results = channel.readJson(JsonFrames.MAX_RESULTS_BYTES, Iperf3Error.IERECVRESULTS);
            TestResults.fromJson(results).toJson();
            channel.readServerError();
        } catch (IOException | Iperf3Exception expected) {
            // Truncated input and iperf3 protocol errors are the decoder's documented answers.
        }
    }

    @FuzzTest(maxDuration = "30s")
    void in_memory_frames_and_auth_plaintexts_fail_only_with_protocol_errors(byte[] input) {
        try {
            TestParameters.fromJson(JsonFrames.decode(input, JsonFrames.MAX_PARAMS_BYTES, Iperf3Error.IERECVPARAMS));
        } catch (Iperf3Exception expected) {
            // A bad frame or bad parameters.
        }
        try {
            AuthToken.parse(new String(input, java.nio.charset.StandardCharsets.UTF_8));
        } catch (Iperf3Exception expected) {
            // Not iperf3's auth plaintext.
        }
    }
}
