package io.waddleperf.app;

/**
 * The fixed set of process exit codes (docs/ARCHITECTURE.md, "Error vocabulary and exit codes"). 3, "a dependency is
 * unreachable", is what the manager and its create-admin return when the database cannot be reached or migrated.
 */
public enum ExitCode {
    OK(0),
    PROBE_FAILED(1),
    USAGE(2),
    UNREACHABLE(3),
    INTERNAL(4);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
