package io.waddleperf.core.config;

import java.util.List;

/**
 * A configuration that cannot be loaded: lists every problem found (unknown keys, wrong types, failed validation),
 * each naming the key path and where the value came from. The CLI maps it to exit code 2.
 */
public final class ConfigException extends RuntimeException {

    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(message(problems));
        this.problems = List.copyOf(problems);
    }

    /** One line per problem, in the order found. */
    public List<String> problems() {
        return problems;
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
