package io.waddleperf.testkit.lab;

import java.util.List;

/**
 * The outcome of a command run by the lab: its command line, exit code ({@code -1} when it was killed after a
 * timeout) and its standard output and error, interleaved.
 */
public record ExecResult(List<String> command, int exitCode, String output) {

    public ExecResult {
        command = List.copyOf(command);
    }

    /** Whether the command exited with status 0. */
    public boolean succeeded() {
        return exitCode == 0;
    }

    @Override
    public String toString() {
        return String.join(" ", command) + " -> exit " + exitCode + "\n" + output;
    }
}
