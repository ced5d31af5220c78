package io.waddleperf.speed;

/**
 * A speed endpoint's request parameter it cannot serve (HTTP 400): names the parameter, so each server that mounts
 * these endpoints answers it in its own error format.
 */
public final class SpeedRequestException extends RuntimeException {

    private final String field;

    public SpeedRequestException(String field, String message) {
        super(message);
        this.field = field;
    }

    /** The query parameter at fault. */
    public String field() {
        return field;
    }
}
