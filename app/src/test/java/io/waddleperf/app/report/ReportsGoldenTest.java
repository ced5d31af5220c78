package io.waddleperf.app.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.core.result.Json;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.TestType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden output: every result under {@code src/test/resources/reports/*.json} (most recorded from real runs against
 * the test server on loopback, a few lab paths written by hand) rendered as plain text must equal its {@code .txt}
 * next to it. After an intended change of a report, regenerate with {@code -Dwaddleperf.golden.update=true} and
 * read the diff.
 */
class ReportsGoldenTest {

    private static final Path DIR = Paths.get("src/test/resources/reports");
    private static final Pattern ANSI = Pattern.compile("\u001b\\[[0-9;]*m");

    static Stream<String> fixtures() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .map(n -> n.substring(0, n.length() - 5)).sorted().toList().stream();
        }
    }

    static ProbeResult result(String name) {
        try {
            return Json.readResult(Files.readString(DIR.resolve(name + ".json")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void plain_report_matches_its_golden_file(String name) throws IOException {
        String text = Reports.render(result(name), Style.PLAIN, false);
        Path golden = DIR.resolve(name + ".txt");
        if (Boolean.getBoolean("waddleperf.golden.update")) {
            Files.writeString(golden, text, StandardCharsets.UTF_8);
        }
        assertThat(text).isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void reads_as_a_report_not_a_key_dump(String name) {
        ProbeResult r = result(name);
        String text = Reports.render(r, Style.PLAIN, false);
        assertThat(text).doesNotContain("\u001b[");
        // internal field names (snake_case words) stay in --json; a cipher suite's upper-case name is not one
        assertThat(Pattern.compile("\\b[a-z0-9]+_[a-z0-9_]+\\b").matcher(text.replace(r.target(), "")).results()
                .map(m -> m.group()).toList()).as(text).isEmpty();
        // raw byte counts (16454778880) are shown in KiB/MiB/GiB
        assertThat(Pattern.compile("\\b\\d{7,}\\b").matcher(text).find()).as(text).isFalse();
        // no figure carries more digits than it can mean (foreign rpm 220.63315710997938)
        assertThat(Pattern.compile("\\d+\\.\\d{4,}").matcher(text).find()).as(text).isFalse();
        assertThat(text).doesNotContain("cookie").doesNotContain("overhead");
        if (!r.success()) {
            assertThat(text.lines().findFirst().orElseThrow()).startsWith("FAILED " + r.target() + ": ");
        }
    }

    @Test
    void every_probe_type_has_a_golden_report() throws IOException {
        Set<TestType> covered = EnumSet.noneOf(TestType.class);
        fixtures().forEach(n -> covered.add(result(n).testType()));
        assertThat(covered).containsExactlyInAnyOrder(TestType.values());
    }

    @Test
    void colour_paints_the_same_text() {
        for (String name : List.of("icmp", "tls-untrusted", "mtr-lossy-path", "iperf3", "tcp-refused", "speedtest")) {
            String plain = Reports.render(result(name), Style.PLAIN, false);
            String coloured = Reports.render(result(name), Style.COLOUR, false);
            assertThat(coloured).as(name).contains("\u001b[").isNotEqualTo(plain);
            assertThat(ANSI.matcher(coloured).replaceAll("")).as(name).isEqualTo(plain);
        }
    }

    @Test
    void colour_only_on_a_terminal_and_never_with_no_color() {
        assertThat(Style.decide(true, java.util.Map.of())).isSameAs(Style.COLOUR);
        assertThat(Style.decide(false, java.util.Map.of())).isSameAs(Style.PLAIN);
        assertThat(Style.decide(true, java.util.Map.of("NO_COLOR", "1"))).isSameAs(Style.PLAIN);
        assertThat(Style.decide(true, java.util.Map.of("TERM", "dumb"))).isSameAs(Style.PLAIN);
        // no-color.org: set to a non-empty value; an empty one does not count
        assertThat(Style.decide(true, java.util.Map.of("NO_COLOR", ""))).isSameAs(Style.COLOUR);
    }

    @Test
    void iperf3_leaves_out_the_intervals_the_terminal_already_showed() {
        ProbeResult r = result("iperf3");
        String full = Reports.render(r, Style.PLAIN, false);
        String afterProgress = Reports.render(r, Style.PLAIN, true);
        assertThat(full).contains("0.00-1.00");
        assertThat(afterProgress).doesNotContain("0.00-1.00").contains("sender").contains("receiver");
    }
}
