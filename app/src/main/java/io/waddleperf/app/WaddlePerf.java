package io.waddleperf.app;

import io.waddleperf.core.config.Names;
import io.waddleperf.core.spec.InvalidSpecException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;

/**
 * Entry point of the {@code waddleperf} program: dispatches to one class per subcommand.
 *
 * <p>The subcommands are registered in code, not in the {@code @Command} annotation, so that a run builds only the
 * one it was asked for: picocli builds a subcommand's model by reflecting over its fields and their types, and the
 * whole tree pulled the test server's, iperf3's and the config command's classes (and the proxies of their
 * annotations) into every cold {@code waddleperf test} (docs/BENCHMARKS.md, CLI cold start). Help, completion and
 * anything that is not a subcommand name get the whole tree.
 *
 * <p>This command's own model, like {@code test}'s, is built in code ({@link #model()}) rather than read from a
 * {@code @Command} annotation: the first annotation read makes the JDK generate a proxy class per annotation type
 * at run time, on every start, which no class-data archive can hold. {@code CliUsageGoldenTest} pins the help and
 * error texts the annotations made.
 */
public final class WaddlePerf implements Runnable {

    private static final String[] EXIT_CODES = {
        "0:success",
        "1:a probe ran and failed",
        "2:bad usage or configuration",
        "3:a dependency (the manager's database) is unreachable",
        "4:internal error"};

    /** Every subcommand's name, in the order help lists them; each is its class's {@code @Command} name. */
    static final List<String> SUBCOMMANDS = List.of("test", "probes", "testserver", "manager", "agent", "iperf3", "demo", "config",
            "help", "completion");

    /** Subcommands that look at the whole tree, so a run of them builds all of it. */
    private static final Set<String> NEED_WHOLE_TREE = Set.of("help", "completion");

    CommandLine.Model.CommandSpec spec;

    /**
     * The top command's model, as {@code @Command(name = "waddleperf", mixinStandardHelpOptions = true,
     * versionProvider = VersionProvider.class, usageHelpAutoWidth = true, description = …, exitCodeOnInvalidInput = 2,
     * exitCodeOnExecutionException = 4, exitCodeListHeading = …, exitCodeList = …)} made it.
     */
    CommandLine.Model.CommandSpec model() {
        CommandLine.Model.CommandSpec s = CommandLine.Model.CommandSpec.wrapWithoutInspection(this);
        s.name("waddleperf");
        s.versionProvider(new VersionProvider());
        s.exitCodeOnInvalidInput(ExitCode.USAGE.code());
        s.exitCodeOnExecutionException(ExitCode.INTERNAL.code());
        s.usageMessage().autoWidth(true)
                .description("Network performance testing and monitoring: latency, jitter, loss, bandwidth, path.")
                .exitCodeListHeading("%nExit codes:%n")
                .exitCodeList(CommandLine.Model.UsageMessageSpec.keyValuesMap(EXIT_CODES));
        addStandardHelpOptions(s);
        spec = s;
        return s;
    }

    /**
     * {@code -h, --help} and {@code -V, --version}, as {@code mixinStandardHelpOptions = true} adds them: a mixin under
     * picocli's key (so {@code mixinStandardHelpOptions()} is true as before), names, descriptions and description keys
     * as in picocli's own mixin class, whose annotations this does not read.
     */
    static void addStandardHelpOptions(CommandLine.Model.CommandSpec spec) {
        CommandLine.Model.CommandSpec mixin = CommandLine.Model.CommandSpec.create();
        mixin.addOption(CommandLine.Model.OptionSpec.builder("${picocli.help.name.0:--h}", "${picocli.help.name.1:---help}")
                .usageHelp(true).type(boolean.class).initialValue(false).paramLabel("<helpRequested>")
                .descriptionKey("mixinStandardHelpOptions.help").description("Show this help message and exit.").build());
        mixin.addOption(CommandLine.Model.OptionSpec.builder("${picocli.version.name.0:--V}",
                        "${picocli.version.name.1:---version}")
                .versionHelp(true).type(boolean.class).initialValue(false).paramLabel("<versionRequested>")
                .descriptionKey("mixinStandardHelpOptions.version").description("Print version information and exit.")
                .build());
        spec.addMixin("mixinStandardHelpOptions", mixin);
    }

    /** A new instance of the subcommand of that name (a switch rather than a table of lambdas: no call sites to link at start-up). */
    static Object subcommand(String name) {
        return switch (name) {
            case "test" -> new TestCommand();
            case "testserver" -> new TestServerCommand();
            case "manager" -> new ManagerCommand();
            case "agent" -> new AgentCommand();
            case "iperf3" -> new Iperf3Command();
            case "probes" -> new ProbesCommand();
            case "demo" -> new DemoCommand();
            case "config" -> new ConfigCommand();
            case "help" -> new CommandLine.HelpCommand();
            case "completion" -> new CompletionCommand();
            default -> throw new IllegalArgumentException("no subcommand " + name);
        };
    }

    /** What picocli is given for a subcommand: the model built in code where there is one, else the annotated object. */
    private static Object model(Object subcommand) {
        return subcommand instanceof TestCommand test ? test.model() : subcommand;
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code (tests call this instead of {@link #main}). */
    public static int execute(String... args) {
        return commandLine(args).execute(args);
    }

    /** The whole command tree. */
    static CommandLine commandLine() {
        return commandLine(new String[0]);
    }

    /**
     * The command tree a run with these arguments needs: only the subcommand named by the first argument when it
     * names one that does not look at the tree, else the whole tree.
     */
    static CommandLine commandLine(String... args) {
        CommandLine cl = new CommandLine(new WaddlePerf().model());
        String first = args.length > 0 ? args[0] : "";
        if (SUBCOMMANDS.contains(first) && !NEED_WHOLE_TREE.contains(first)) {
            cl.addSubcommand(first, model(subcommand(first)));
        } else {
            for (String name : SUBCOMMANDS) {
                cl.addSubcommand(name, model(subcommand(name)));
            }
        }
        cl.setUsageHelpAutoWidth(true);
        // Every subcommand answers --version as the top command does (the annotation's provider is the top's only).
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (sub.getCommandSpec().versionProvider() == null) {
                sub.getCommandSpec().versionProvider(new VersionProvider());
            }
        }
        cl.setParameterExceptionHandler(WaddlePerf::usageError);
        cl.setExecutionExceptionHandler((ex, line, parseResult) -> {
            if (ex instanceof InvalidSpecException || ex instanceof IllegalArgumentException) {
                line.getErr().println(line.getCommandSpec().qualifiedName() + ": " + ex.getMessage());
                line.getErr().println(hint(line));
                return ExitCode.USAGE.code();
            }
            line.getErr().println("waddleperf: internal error: " + ex);
            ex.printStackTrace(line.getErr());
            return ExitCode.INTERNAL.code();
        });
        return cl;
    }

    /**
     * A mistake on the command line: the one line saying what was wrong, a suggestion when a word looks like a
     * misspelt subcommand or option, and where to read more; not the whole usage, which buried the one line that
     * mattered.
     */
    static int usageError(CommandLine.ParameterException ex, String[] args) {
        CommandLine line = ex.getCommandLine();
        PrintWriter err = line.getErr();
        String message = tidy(ex.getMessage());
        String suggestion = ex instanceof CommandLine.UnmatchedArgumentException u ? suggestion(line, u) : null;
        if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()
                && u.getUnmatched().getFirst().startsWith("-") && afterEndOfOptions(args, u.getUnmatched().getFirst())) {
            // picocli calls a word after "--" that looks like an option an unknown option, and suggests the very
            // option it names; the word is an argument there, and the user most likely meant it as an option
            message = "unexpected argument '" + u.getUnmatched().getFirst() + "' after '--': what follows '--' is "
                    + "never read as an option; put options before '--'";
            suggestion = null;
        }
        err.println(line.getCommandSpec().qualifiedName() + ": " + message);
        if (suggestion != null) {
            err.println(suggestion);
        }
        err.println(hint(line));
        err.flush();
        return line.getCommandSpec().exitCodeOnInvalidInput();
    }

    /** Whether {@code word} stands after a {@code --} (the end of options) on this command line. */
    private static boolean afterEndOfOptions(String[] args, String word) {
        int end = Arrays.asList(args).indexOf("--");
        return end >= 0 && Arrays.asList(args).subList(end + 1, args.length).contains(word);
    }

    /** The hint after an error: the help of the command it happened in. */
    static String hint(CommandLine line) {
        return "try '" + line.getCommandSpec().qualifiedName() + " --help'";
    }

    /** picocli's messages with its doubled word in map options' errors ("Value for option option '--set'") undone. */
    private static String tidy(String message) {
        return message.replace("option option '", "option '");
    }

    /**
     * "Did you mean …" for an unknown word: at the top, the subcommands within two edits (a swap of two neighbouring
     * letters counting as one, so {@code tset} finds {@code test}); elsewhere picocli's suggestions for options.
     */
    private static String suggestion(CommandLine line, CommandLine.UnmatchedArgumentException u) {
        List<String> unmatched = u.getUnmatched();
        if (unmatched.isEmpty()) {
            return null;
        }
        String word = unmatched.getFirst();
        if (line.getParent() == null && !word.startsWith("-")) {
            int best = Integer.MAX_VALUE;
            List<String> names = new ArrayList<>();
            for (String name : line.getSubcommands().keySet()) {
                int d = Names.distance(word, name);
                if (d < best) {
                    best = d;
                    names.clear();
                }
                if (d == best) {
                    names.add(name);
                }
            }
            return best <= 2 ? "did you mean '" + String.join("' or '", names) + "'?" : null;
        }
        List<String> picocli = u.getSuggestions();
        return picocli.isEmpty() ? null : "did you mean " + String.join(" or ", picocli.stream()
                .map(s -> "'" + s + "'").toList()) + "?";
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required (" + String.join(", ", SUBCOMMANDS) + ")");
    }
}
