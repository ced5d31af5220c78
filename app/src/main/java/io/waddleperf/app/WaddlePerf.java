package io.waddleperf.app;

import io.waddleperf.core.spec.InvalidSpecException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code waddleperf} program: dispatches to one class per subcommand. */
@Command(name = "waddleperf",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        usageHelpAutoWidth = true,
        description = "Network performance testing and monitoring: latency, jitter, loss, bandwidth, path.",
        subcommands = {
            TestCommand.class,
            TestServerCommand.class,
            Iperf3Command.class,
            DemoCommand.class,
            ConfigCommand.class,
            CommandLine.HelpCommand.class,
            CompletionCommand.class,
        },
        exitCodeOnInvalidInput = 2,
        exitCodeOnExecutionException = 4,
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:a probe ran and failed",
            "2:bad usage or configuration",
            "4:internal error"})
public final class WaddlePerf implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code (tests call this instead of {@link #main}). */
    public static int execute(String... args) {
        return commandLine().execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new WaddlePerf());
        cl.setUsageHelpAutoWidth(true);
        cl.setExecutionExceptionHandler((ex, line, parseResult) -> {
            if (ex instanceof InvalidSpecException || ex instanceof IllegalArgumentException) {
                line.getErr().println("waddleperf: " + ex.getMessage());
                return ExitCode.USAGE.code();
            }
            line.getErr().println("waddleperf: internal error: " + ex);
            ex.printStackTrace(line.getErr());
            return ExitCode.INTERNAL.code();
        });
        return cl;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required (test, testserver, iperf3, demo, completion)");
    }
}
