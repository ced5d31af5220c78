package io.waddleperf.manager.store;

/** The database could not do what was asked: unreachable, or still failing after the retries of a transient error. */
public final class StoreException extends RuntimeException {

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
