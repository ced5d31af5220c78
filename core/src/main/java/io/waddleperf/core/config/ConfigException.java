package io.waddleperf.core.config;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A configuration that cannot be loaded: lists every problem found (unknown keys, wrong types, failed validation),
 * each naming the key path and where the value came from. The CLI maps it to exit code 2.
 */
public final class ConfigException extends RuntimeException {

    /** Every problem about a key starts with the key path in quotes, after "unknown key", "missing key" or alone. */
    private static final Pattern KEY_PATH = Pattern.compile("^(?:unknown key |missing key |duplicate key )?'([^']+)'");

    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(message(problems));
        this.problems = List.copyOf(problems);
    }

    /** One line per problem, in the order found. */
    public List<String> problems() {
        return problems;
    }

    /**
     * The key path a problem is about ({@code tier1.probes[0].target}), or empty for a problem about the whole
     * document (one that cannot be parsed): what an API names as the field at fault.
     */
    public static Optional<String> keyPath(String problem) {
        Matcher m = KEY_PATH.matcher(problem);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    private static String message(List<String> problems) {
        if (problems.size() == 1) {
            return "invalid configuration: " + problems.getFirst();
        }
        StringBuilder out = new StringBuilder("invalid configuration (" + problems.size() + " problems):");
        problems.forEach(p -> out.append("\n  - ").append(p));
        return out.toString();
    }
}
