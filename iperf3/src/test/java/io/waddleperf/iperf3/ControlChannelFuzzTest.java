package io.waddleperf.iperf3;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Jazzer fuzz test of what an iperf3 server decodes from an untrusted client on the control channel, read as a stream:
 * cookie, parameters frame, a state byte, results frame, a SERVER_ERROR trailer ({@link ParametersFrameFuzzTest},
 * {@link ResultsFrameFuzzTest} and {@link AuthTokenFuzzTest} fuzz the single messages, one class per target since
 * Jazzer fuzzes one test per JVM). The contract: the only failures are {@link IOException} (truncated input) and
 * {@link Iperf3Exception} with the code iperf3 uses for that message; whatever is accepted is bounded as documented
 * and survives encode → decode unchanged. Anything else escaping (a RuntimeException, an OutOfMemoryError, a failed
 * assertion) is a finding.
 *
 * <p>Under {@code ./mvnw verify} Jazzer runs in regression mode: the empty input plus every file in {@code
 * src/test/resources/io/waddleperf/iperf3/ControlChannelFuzzTestInputs/<method>/} (real iperf3 3.12 messages, edge
 * cases, and crashes found earlier). {@code scripts/fuzz} fuzzes each method for real; see docs/RELIABILITY.md.
 */
class ControlChannelFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void server_side_decoding_fails_only_with_protocol_errors(byte[] input) {
        ControlChannel channel = new ControlChannel(new ByteArrayInputStream(input), OutputStream.nullOutputStream());
        try {
            assertThat(channel.readCookie().bytes()).hasSize(Cookie.SIZE);
            TestParameters params =
                    TestParameters.fromJson(channel.readJson(JsonFrames.MAX_PARAMS_BYTES, Iperf3Error.IERECVPARAMS));
            assertBounded(params);
            channel.readState();
            ObjectNode results = channel.readJson(JsonFrames.MAX_RESULTS_BYTES, Iperf3Error.IERECVRESULTS);
            TestResults.fromJson(results).toJson();
            assertThat(channel.readServerError().error()).isNotNull();
        } catch (IOException | Iperf3Exception expected) {
            // Truncated input and iperf3 protocol errors are the decoder's documented answers.
        }
    }




    /** What the server's validation promises about accepted parameters (docs/PROTOCOL-iperf3.md, limits). */
    static void assertBounded(TestParameters p) {
        assertThat(p.protocol()).isNotNull();
        assertThat(p.parallel()).isBetween(1, TestParameters.MAX_STREAMS);
        assertThat(p.timeSeconds()).isBetween(0, TestParameters.MAX_TIME_SECONDS);
        assertThat(p.omitSeconds()).isBetween(0, TestParameters.MAX_OMIT_SECONDS);
        assertThat(p.numBytes()).isNotNegative();
        assertThat(p.blockCount()).isNotNegative();
        assertThat(p.effectiveLenBytes()).isBetween(1, TestParameters.MAX_TCP_BLOCK_BYTES);
        assertThat(p.windowBytes()).isBetween(0, TestParameters.MAX_WINDOW_BYTES);
        assertThat(p.tos()).isBetween(0, 255);
        assertThat(p.reverse() && p.bidirectional()).isFalse();
    }
}
