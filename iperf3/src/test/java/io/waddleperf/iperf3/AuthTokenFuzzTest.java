package io.waddleperf.iperf3;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Jazzer fuzz test of the decrypted {@code authtoken} plaintext: refused with IEAUTHTEST, or accepted and unchanged by
 * {@code plaintext()} → {@code parse}. A failure of any other kind (a RuntimeException, an OutOfMemoryError, a failed
 * assertion) is a finding. Seeds: {@code src/test/resources/io/waddleperf/iperf3/AuthTokenFuzzTestInputs/<method>/},
 * run by {@code ./mvnw verify}; real fuzzing with {@code scripts/fuzz} (docs/RELIABILITY.md).
 */
class AuthTokenFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void auth_plaintext_is_refused_with_IEAUTHTEST_or_round_trips(byte[] input) {
        AuthToken token;
        try {
            token = AuthToken.parse(new String(input, StandardCharsets.UTF_8));
        } catch (Iperf3Exception e) {
            assertThat(e.error()).isEqualTo(Iperf3Error.IEAUTHTEST);
            return;
        }
        try {
            assertThat(AuthToken.parse(token.plaintext())).isEqualTo(token);
        } catch (Iperf3Exception e) {
            throw new AssertionError("an accepted token does not survive its own plaintext: " + token, e);
        }
    }
}
