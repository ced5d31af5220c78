package io.waddleperf.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** A run builds only the subcommand it names; help, completion and everything else see the whole tree. */
class CommandTreeTest {

    @Test
    void every_listed_name_is_its_class_command_name() {
        for (String name : WaddlePerf.SUBCOMMANDS) {
            assertThat(WaddlePerf.subcommand(name).getClass().getAnnotation(Command.class).name()).isEqualTo(name);
        }
    }

    @Test
    void a_subcommand_run_builds_only_that_subcommand() {
        assertThat(WaddlePerf.commandLine("test", "tcp://127.0.0.1:1", "--json").getSubcommands()).containsOnlyKeys("test");
        assertThat(WaddlePerf.commandLine("testserver").getSubcommands()).containsOnlyKeys("testserver");
    }

    @Test
    void help_completion_options_and_unknown_words_get_the_whole_tree_in_order() {
        for (String[] args : new String[][] {{}, {"help", "test"}, {"completion"}, {"--help"}, {"--version"}, {"tset"}}) {
            assertThat(WaddlePerf.commandLine(args).getSubcommands().keySet())
                    .containsExactlyElementsOf(WaddlePerf.SUBCOMMANDS);
        }
    }

    @Test
    void a_subcommand_usage_is_the_same_as_in_the_whole_tree() {
        CommandLine alone = WaddlePerf.commandLine("test").getSubcommands().get("test");
        CommandLine inTree = WaddlePerf.commandLine().getSubcommands().get("test");
        assertThat(alone.getUsageMessage()).isEqualTo(inTree.getUsageMessage()).startsWith("Usage: waddleperf test");
    }
}
