package io.waddleperf.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** {@code --help} promises exactly the exit codes the program can return, no more. */
class ExitCodeTest {

    @Test
    void help_lists_exactly_the_exit_codes_of_ExitCode() {
        String usage = WaddlePerf.commandLine().getUsageMessage();
        String list = usage.substring(usage.indexOf("Exit codes:"));
        Set<Integer> listed = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^\\s+(\\d+)\\s{2,}").matcher(list);
        while (m.find()) {
            listed.add(Integer.parseInt(m.group(1)));
        }
        Set<Integer> codes = Arrays.stream(ExitCode.values()).map(ExitCode::code)
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(listed).isEqualTo(codes).containsExactly(0, 1, 2, 3, 4);
    }
}
