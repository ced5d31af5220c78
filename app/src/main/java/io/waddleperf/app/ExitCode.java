package io.waddleperf.app;

/**
 * The fixed set of process exit codes (docs/ARCHITECTURE.md, "Error vocabulary and exit codes"). 3 is kept free for
 * "a dependency (manager, database) is unreachable", which only the agent and manager will have: no command of
 * today depends on another service, so none could honestly return it.
 */
public enum ExitCode {
    OK(0),
    PROBE_FAILED(1),
    USAGE(2),
    INTERNAL(4);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
