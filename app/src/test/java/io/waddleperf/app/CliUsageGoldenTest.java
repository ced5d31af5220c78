package io.waddleperf.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Golden output of the command line itself: usage help, usage errors with their suggestions, and the completion
 * script, byte for byte with the exit code, for command lines that run no probe. Each runs as {@code main} runs it
 * ({@link WaddlePerf#commandLine(String...)} with the same arguments, so the tree a run builds for its first word is
 * the one tested). The file pins what a user sees while the way the command models are built changes (they were
 * read from annotations; the top command and {@code test} are now built in code, docs/BENCHMARKS.md section 2).
 * After an intended change of a text, regenerate with {@code -Dwaddleperf.golden.update=true} and read the diff.
 */
class CliUsageGoldenTest {

    private static final Path GOLDEN = Paths.get("src/test/resources/cli/usage.txt");
    private static final String T = "tcp://127.0.0.1:9";

    /** Command lines whose whole output depends only on the command models (no probe runs, no version string). */
    static final List<List<String>> CASES = List.of(
            List.of(),
            List.of("--help"),
            List.of("-h"),
            List.of("help"),
            List.of("help", "test"),
            List.of("tset", T),
            List.of("nonsense"),
            List.of("--bogus"),
            List.of("test"),
            List.of("test", "--help"),
            List.of("test", "-h"),
            List.of("test", T, "--help"),
            List.of("test", "--bogus"),
            List.of("test", T, "--bogus"),
            List.of("test", T, "extra"),
            List.of("test", T, "--", "--json"),
            List.of("test", "--cout", "3", T),
            List.of("test", T, "--tme", "5"),
            List.of("test", T, "-x"),
            List.of("test", T, "--count"),
            List.of("test", T, "--count", "abc"),
            List.of("test", T, "-c", "1", "--count", "2"),
            List.of("test", T, "--interval", "fast"),
            List.of("test", T, "-i"),
            List.of("test", T, "--timeout", "-1s"),
            List.of("test", T, "--size", "lots"),
            List.of("test", T, "--opt"),
            List.of("test", T, "--opt", "verify"),
            List.of("test", T, "-o", "colour=blue"),
            List.of("test", T, "--json=maybe"),
            List.of("test", T, "--time", "5"),
            List.of("test", T, "--reverse", "--parallel", "2"),
            List.of("test", T, "--time", "5", "--time", "6"),
            List.of("test", T, "--reverse=maybe"),
            List.of("test", "tcp://127.0.0.1"),
            List.of("test", "nope://127.0.0.1"),
            List.of("test", "tls://127.0.0.1:1", "--opt", "help"),
            List.of("test", "nope://x", "--opt", "help"),
            List.of("test", T, "-hV"),
            List.of("completion"));

    @Test
    void usage_errors_and_completion_match_the_golden_file() throws IOException {
        StringBuilder all = new StringBuilder();
        for (List<String> args : CASES) {
            all.append(run(args.toArray(String[]::new)));
        }
        String text = all.toString();
        if (Boolean.getBoolean("waddleperf.golden.update")) {
            Files.createDirectories(GOLDEN.getParent());
            Files.writeString(GOLDEN, text, StandardCharsets.UTF_8);
        }
        assertThat(text).isEqualTo(Files.readString(GOLDEN, StandardCharsets.UTF_8));
    }

    /** One case as a block: the arguments, the exit code, stdout and stderr. */
    static String run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = WaddlePerf.commandLine(args);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return "=== waddleperf " + String.join(" ", args) + "\n--- exit " + exit + "\n--- stdout\n"
                + withoutOtherSubcommandFunctions(out.toString()) + "--- stderr\n" + err;
    }

    /**
     * The completion script with the functions of subcommands other than {@code test} left out: picocli lists a
     * command's options in the order it found them, and for options declared on setter methods ({@code manager},
     * {@code testserver}) that is the order of {@code getDeclaredMethods()}, which the JVM does not keep from run to
     * run. Those commands' models are read from their annotations as before; the top command's function, the
     * dispatch and {@code test}'s are kept whole.
     */
    static String withoutOtherSubcommandFunctions(String text) {
        StringBuilder kept = new StringBuilder();
        boolean skipping = false;
        for (String line : text.split("\n", -1)) {
            if (line.startsWith("function _picocli_waddleperf_") && !line.startsWith("function _picocli_waddleperf_test()")) {
                skipping = true;
                kept.append(line, 0, line.indexOf('(')).append(": left out\n");
                continue;
            }
            if (skipping) {
                skipping = !line.equals("}");
                continue;
            }
            kept.append(line).append('\n');
        }
        return kept.substring(0, kept.length() - 1);
    }
}
