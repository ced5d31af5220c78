package io.waddleperf.testkit.lab;

/** An unchecked failure to build, use or tear down the namespace lab; the message names the command or step. */
public final class LabException extends RuntimeException {

    public LabException(String message) {
        super(message);
    }

    public LabException(String message, Throwable cause) {
        super(message, cause);
    }
}
