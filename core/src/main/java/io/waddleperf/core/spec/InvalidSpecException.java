package io.waddleperf.core.spec;

/** A target or option that cannot describe a probe; names the offending field so callers can report it (HTTP 400, exit 2). */
public final class InvalidSpecException extends IllegalArgumentException {

    private final String field;

    public InvalidSpecException(String field, String message) {
        super(field + ": " + message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
