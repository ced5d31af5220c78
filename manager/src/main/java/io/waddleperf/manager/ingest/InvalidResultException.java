package io.waddleperf.manager.ingest;

/** A submitted result is not a valid result object; {@link #field()} names the offending field ({@code [2].latency_ms}). */
public final class InvalidResultException extends RuntimeException {

    private final String field;

    public InvalidResultException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
