package io.waddleperf.core.text;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.core.result.Hop;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.Source;
import io.waddleperf.core.result.TestType;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SafeTextTest {

    /** A hostile SSH banner: set the window title, clear the screen, switch to red. */
    static final String HOSTILE = "SSH-2.0-x \u001b]0;PWNED-TITLE\u0007 \u001b[2J \u001b[31mred";

    @Test
    void terminal_controls_become_visible_escapes() {
        String safe = SafeText.line(HOSTILE);
        assertThat(safe).isEqualTo("SSH-2.0-x \\x1b]0;PWNED-TITLE\\x07 \\x1b[2J \\x1b[31mred");
        assertThat(safe.chars()).noneMatch(c -> c < 0x20 || c == 0x7f);
    }

    @Test
    void a_line_cannot_be_split_or_overwritten() {
        assertThat(SafeText.line("ok\nFAKE 200 OK\r\tx")).isEqualTo("ok\\x0aFAKE 200 OK\\x0d\\x09x");
        assertThat(SafeText.block("line 1\n\tline 2\r\n\u001b[1A")).isEqualTo("line 1\n\tline 2\\x0d\n\\x1b[1A");
    }

    @Test
    void eight_bit_controls_and_bidi_overrides_are_escaped_too() {
        // U+009B is CSI on terminals that honour 8-bit controls; U+202E reverses what follows (trojan source)
        assertThat(SafeText.line("a\u009b31mb\u202ecod.exe\u2066\u200b\ufeff\u2028"))
                .isEqualTo("a\\x9b31mb\\u202ecod.exe\\u2066\\u200b\\ufeff\\u2028");
    }

    @Test
    void ordinary_text_in_any_script_is_left_alone() {
        String text = "Grüße, 你好, Привет, ☃ 🦆 \\x1b stays text";
        assertThat(SafeText.line(text)).isSameAs(text);
        assertThat(SafeText.line(null)).isNull();
        assertThat(SafeText.isSafe(text)).isTrue();
        assertThat(SafeText.isSafe(HOSTILE)).isFalse();
    }

    @Test
    void every_text_of_a_result_is_made_safe_and_the_numbers_stay() {
        ProbeResult hostile = ProbeResult.builder().id(java.util.UUID.fromString("01900000-0000-7000-8000-000000000000")).testType(TestType.SSH)
                .target("ssh://evil.example").startedAt(Instant.parse("2026-12-06T00:00:00Z")).durationMs(12.5)
                .success(false).error("ssh_error: " + HOSTILE).source(Source.CLI).serverVersion(HOSTILE)
                .latencyMs(3.25).hops(List.of(new Hop(1, "192.0.2.1", "evil\u001b[2J.example", 0.0, 1, 1.0, 1.0, 1.0,
                        1.0, 0.0)))
                .raw("banner", HOSTILE).raw("nested", Map.of("list", List.of(HOSTILE, 7), "n", 1))
                .raw("bad\u001bkey", "x").build();
        ProbeResult safe = SafeText.result(hostile);
        String all = io.waddleperf.core.result.Json.write(safe);
        assertThat(all).doesNotContain("\\u001b", "\\u001B", "\\u0007");
        assertThat(safe.serverVersion()).isEqualTo(SafeText.line(HOSTILE));
        assertThat(safe.error()).isEqualTo("ssh_error: " + SafeText.line(HOSTILE));
        assertThat(safe.hops().getFirst().hostname()).isEqualTo("evil\\x1b[2J.example");
        assertThat(safe.rawResults()).containsKey("bad\\x1bkey");
        assertThat(safe.latencyMs()).isEqualTo(3.25);
        assertThat(safe.durationMs()).isEqualTo(12.5);
        assertThat(safe.hops().getFirst().avgMs()).isEqualTo(1.0);
        ProbeResult clean = ProbeResult.builder().id(java.util.UUID.fromString("01900000-0000-7000-8000-000000000000")).testType(TestType.TCP)
                .target("tcp://a:1").startedAt(Instant.parse("2026-12-06T00:00:00Z")).durationMs(1.0).success(true)
                .source(Source.CLI).build();
        assertThat(SafeText.result(clean)).as("nothing to change, nothing copied").isSameAs(clean);
    }

    @Test
    void a_clean_result_is_recognised_without_a_json_tree_and_any_foreign_text_anywhere_is_not() {
        ProbeResult.Builder clean = ProbeResult.builder().id(java.util.UUID.fromString("01900000-0000-7000-8000-000000000000"))
                .testType(TestType.MTR).target("mtr://a").startedAt(Instant.parse("2026-12-06T00:00:00Z")).success(true)
                .source(Source.CLI).hops(List.of(new Hop(1, "192.0.2.1", "r1.example", 0.0, 1, 1.0, 1.0, 1.0, 1.0, 0.0)))
                .raw("nested", Map.of("list", List.of("text", 7, 1.5, true), "n", 1));
        ProbeResult ok = clean.build();
        assertThat(SafeText.knownSafe(ok)).isTrue();
        assertThat(SafeText.result(ok)).isSameAs(ok);
        assertThat(SafeText.knownSafe(clean.error("x\u001b[2J").build())).as("a field").isFalse();
        assertThat(SafeText.knownSafe(clean.error(null).hops(List.of(new Hop(1, "192.0.2.1", "r\u202e1", 0.0, 1, 1.0, 1.0,
                1.0, 1.0, 0.0))).build())).as("a hop's name").isFalse();
        assertThat(SafeText.knownSafe(ok.toBuilder().raw("k\u0007", 1).build())).as("a raw_results key").isFalse();
        assertThat(SafeText.knownSafe(ok.toBuilder().raw("deep", Map.of("l", List.of("a", "b\u009b"))).build()))
                .as("text deep in raw_results").isFalse();
        assertThat(SafeText.knownSafe(ok.toBuilder().raw("other", new StringBuilder("x")).build()))
                .as("a type the walk does not know leaves the decision to the JSON tree").isFalse();
    }
}
