package io.waddleperf.probes;

import io.waddleperf.core.result.ErrorKind;

/** A probe failure whose kind the prober knows exactly; becomes {@code success: false, error: kind[: detail]}. */
public final class ProbeException extends Exception {

    private final ErrorKind kind;
    private final String detail;

    public ProbeException(ErrorKind kind, String detail) {
        this(kind, detail, null);
    }

    public ProbeException(ErrorKind kind, String detail, Throwable cause) {
        super(kind.describe(detail), cause);
        this.kind = kind;
        this.detail = detail;
    }

    public ErrorKind kind() {
        return kind;
    }

    public String detail() {
        return detail;
    }
}
