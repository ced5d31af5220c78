package io.waddleperf.manager.store;

/** The change conflicts with what is stored: a unique value is taken, or an OU to delete still has users. */
public final class ConflictException extends RuntimeException {

    private final String field;

    public ConflictException(String field, String message) {
        super(message);
        this.field = field;
    }

    /** The external name of the field at fault, or null. */
    public String field() {
        return field;
    }
}
