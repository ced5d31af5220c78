package io.waddleperf.app;

import io.waddleperf.core.config.ConfigException;
import io.waddleperf.core.config.ConfigLoader;
import io.waddleperf.agent.AgentConfig;
import io.waddleperf.manager.ManagerConfig;
import io.waddleperf.testserver.TestServerConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code waddleperf config PROGRAM}: the effective configuration of a program (defaults, file, environment and
 * {@code --set} layered as the program itself does, secrets masked), or with {@code --keys} every key it accepts with
 * its default and environment variable. A program is one entry in {@link #PROGRAMS}.
 */
@Command(name = "config", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Print a program's effective configuration (secrets shown as ****), or with --keys every key",
            "with its default and environment variable. Exits 2 listing every problem if the configuration is invalid."},
        footer = {"", "Examples:",
            "  waddleperf config testserver --config testserver.yml",
            "  waddleperf config testserver --keys"})
public final class ConfigCommand implements Callable<Integer> {

    /** Every program with a configuration, by name: its loader reads the same sources the program does. */
    static final Map<String, ConfigLoader<?>> PROGRAMS = new TreeMap<>(Map.of(
            "testserver", TestServerConfig.loader(),
            "manager", ManagerConfig.loader(),
            "agent", AgentConfig.loader()));

    /** The completion candidates and help text of PROGRAM. */
    static final class Programs implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return PROGRAMS.keySet().iterator();
        }
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PROGRAM", completionCandidates = Programs.class,
            description = "The program: ${COMPLETION-CANDIDATES}.")
    String program;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration file, as given to the program.")
    Path configFile;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Set a key by its dotted path (repeatable).")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Option(names = "--keys", description = "List every key with its default and environment variable instead.")
    boolean keys;

    @Override
    public Integer call() {
        return run(System.getenv(), spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    int run(Map<String, String> env, PrintWriter out, PrintWriter err) {
        try {
            ConfigLoader<?> loader = PROGRAMS.get(program);
            if (loader == null) {
                err.println("waddleperf config: unknown program '" + program + "'; known: "
                        + String.join(", ", PROGRAMS.keySet()));
                return ExitCode.USAGE.code();
            }
            out.print(keys ? keyTable(loader.keys()) : effective(loader, env));
            return ExitCode.OK.code();
        } catch (ConfigException e) {
            err.println("waddleperf config " + program + ": invalid configuration:");
            e.problems().forEach(p -> err.println("  " + p));
            return ExitCode.USAGE.code();
        } finally {
            out.flush();
            err.flush();
        }
    }

    private <T extends Record> String effective(ConfigLoader<T> loader, Map<String, String> env) {
        return loader.print(loader.load(configFile, env, overrides));
    }

    /** Aligned columns: key, default, environment variable, and a note on secrets. */
    static String keyTable(List<ConfigLoader.Key> keys) {
        int keyWidth = Math.max(3, keys.stream().mapToInt(k -> k.path().length()).max().orElse(0));
        int defaultWidth = Math.max(7, keys.stream().mapToInt(k -> k.defaultValue().length()).max().orElse(0));
        String format = "%-" + keyWidth + "s  %-" + defaultWidth + "s  %s%s%n";
        StringBuilder out = new StringBuilder(String.format(format, "KEY", "DEFAULT", "ENVIRONMENT", ""));
        for (ConfigLoader.Key k : keys) {
            out.append(String.format(format, k.path(), k.defaultValue(), k.envVariable(),
                    k.secret() ? "  (secret: environment or " + k.path() + "_file, never a flag)" : ""));
        }
        return out.toString();
    }
}
