package io.waddleperf.core.autoperf;

import io.waddleperf.core.config.Problems;
import io.waddleperf.core.config.Validated;
import io.waddleperf.core.result.TestType;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One probe of a tier: a target URI (whose scheme names the probe type) with options, or a custom probe's
 * {@code command} (an external program printing a result object). {@code timeout} bounds the whole run (default:
 * the tier's {@code probe_timeout}); {@code kind} says whether a custom probe loads the link (throughput) or not,
 * {@code test_type} which type its results carry.
 */
public record Probe(String name, String target, Map<String, String> options, Duration timeout,
                    List<String> command, ProbeKind kind, TestType testType) implements Validated {

    public Probe {
        options = Map.copyOf(options);
        command = List.copyOf(command);
    }

    public static Probe defaults() {
        return new Probe(null, null, Map.of(), null, List.of(), null, null);
    }

    public static Probe of(String name, String target, Map<String, String> options) {
        return new Probe(name, target, options, null, List.of(), null, null);
    }

    @Override
    public void validate(Problems problems) {
        if (name != null) {
            problems.require(AutoPerfConfig.NAME.matcher(name).matches(), "name",
                    "'" + name + "' must be snake_case: a lower-case letter, then letters, digits or '_' (at most 63)");
        }
        boolean hasTarget = target != null && !target.isBlank();
        boolean hasCommand = !command.isEmpty();
        problems.require(hasTarget || hasCommand, "target", "a probe needs a target URI (or a command, for a "
                + "custom probe)");
        if (hasCommand) {
            problems.require(name != null, "name", "a custom probe (command) needs a name");
            problems.require(!command.getFirst().isBlank(), "command", "the program to run is empty");
            problems.require(options.isEmpty(), "options", "a custom probe takes no options; pass arguments in "
                    + "its command");
            problems.require(testType != null, "test_type", "a custom probe needs the test type its results "
                    + "carry (e.g. http for an application check)");
        } else {
            problems.require(kind == null, "kind", "only a custom probe (command) takes a kind; a target's probe "
                    + "type decides its own");
            problems.require(testType == null, "test_type", "only a custom probe (command) takes a test_type; a "
                    + "target's scheme names its own");
        }
        if (timeout != null) {
            problems.require(timeout.compareTo(Duration.ofMillis(100)) >= 0
                    && timeout.compareTo(Duration.ofHours(1)) <= 0, "timeout", "must be between 100ms and 1h, got "
                    + timeout);
        }
    }
}
