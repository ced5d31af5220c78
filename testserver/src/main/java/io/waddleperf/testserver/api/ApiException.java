package io.waddleperf.testserver.api;

import java.time.Duration;

/**
 * A request the API refuses: the HTTP status, a message for the {@code error} field, the request field at fault
 * (or null) and, for 429, when to retry. Turned into a response in one place, {@link ApiErrors}.
 */
public final class ApiException extends RuntimeException {

    private final int status;
    private final String field;
    private final Duration retryAfter;

    private ApiException(int status, String message, String field, Duration retryAfter) {
        super(message);
        this.status = status;
        this.field = field;
        this.retryAfter = retryAfter;
    }

    public static ApiException badRequest(String field, String message) {
        return new ApiException(400, message, field, null);
    }

    public static ApiException unauthorized(String message) {
        return new ApiException(401, message, null, null);
    }

    public static ApiException forbidden(String field, String message) {
        return new ApiException(403, message, field, null);
    }

    public static ApiException notFound(String field, String message) {
        return new ApiException(404, message, field, null);
    }

    public static ApiException payloadTooLarge(String message) {
        return new ApiException(413, message, "body", null);
    }

    public static ApiException unsupportedMediaType(String message) {
        return new ApiException(415, message, "content_type", null);
    }

    public static ApiException tooManyRequests(String message, Duration retryAfter) {
        return new ApiException(429, message, null, retryAfter);
    }

    public static ApiException serviceUnavailable(String message, Duration retryAfter) {
        return new ApiException(503, message, null, retryAfter);
    }

    public int status() {
        return status;
    }

    public String field() {
        return field;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
