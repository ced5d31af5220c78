package io.waddleperf.testserver.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.waddleperf.core.spec.TargetParser;
import java.time.Duration;
import java.util.Map;

/**
 * Jazzer fuzz test of the test API's body parser on arbitrary bytes (docs/TEST-API.md). Its contract: a body is
 * refused only with an {@link ApiException} of status 400 naming a field, and an accepted request holds only what the
 * API documents (a printable target up to {@link TargetParser#MAX_TARGET_LENGTH} characters, port, timeout and count
 * in range, a known method, device fields without control characters). Seeds:
 * {@code src/test/resources/io/waddleperf/testserver/api/TestRequestParserFuzzTestInputs/<method>/}; real fuzzing with
 * {@code scripts/fuzz} (docs/RELIABILITY.md).
 */
class TestRequestParserFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void body_is_refused_with_a_400_or_parsed_within_the_documented_limits(byte[] body) {
        TestRequest r;
        try {
            r = TestRequestParser.parse(body, Map.of("X-Device-Hostname", "fuzz-host"));
        } catch (ApiException e) {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.field()).isNotBlank();
            return;
        }
        assertThat(r.target()).isNotEmpty().hasSizeLessThanOrEqualTo(TargetParser.MAX_TARGET_LENGTH);
        assertThat(r.target().chars()).allMatch(c -> c > 0x20 && c < 0x7f);
        if (r.port() != null) {
            assertThat(r.port()).isBetween(1, 65535);
        }
        if (r.count() != null) {
            assertThat(r.count()).isBetween(1, TestRequestParser.MAX_COUNT);
        }
        if (r.timeout() != null) {
            assertThat(r.timeout()).isBetween(Duration.ofSeconds(1),
                    Duration.ofSeconds(TestRequestParser.MAX_TIMEOUT_SECONDS));
        }
        if (r.method() != null) {
            assertThat(TestRequestParser.METHODS).contains(r.method());
        }
        for (String field : new String[] {r.device().serial(), r.device().hostname(), r.device().os(),
                r.device().osVersion()}) {
            if (field != null) {
                assertThat(field).hasSizeLessThanOrEqualTo(TestRequestParser.MAX_DEVICE_FIELD_LENGTH);
                assertThat(field.chars()).noneMatch(Character::isISOControl);
            }
        }
    }
}
