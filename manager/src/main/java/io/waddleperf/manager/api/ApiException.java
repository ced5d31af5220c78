package io.waddleperf.manager.api;

import java.time.Duration;

/**
 * A request the API refuses: HTTP status, message, the request field at fault (or null) and, for 429, when to retry.
 * Turned into a response in one place, {@link ApiErrors}.
 */
public final class ApiException extends RuntimeException {

    private final int status;
    private final String field;
    private final Duration retryAfter;
    private final boolean mfaSetupRequired;

    private ApiException(int status, String message, String field, Duration retryAfter) {
        this(status, message, field, retryAfter, false);
    }

    private ApiException(int status, String message, String field, Duration retryAfter, boolean mfaSetupRequired) {
        super(message);
        this.status = status;
        this.field = field;
        this.retryAfter = retryAfter;
        this.mfaSetupRequired = mfaSetupRequired;
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

    /** 403 for a session that may only set up MFA until it has ({@code mfa_setup_required: true}). */
    public static ApiException mfaSetupRequired(String message) {
        return new ApiException(403, message, null, null, true);
    }

    public static ApiException notFound(String field, String message) {
        return new ApiException(404, message, field, null);
    }

    public static ApiException conflict(String field, String message) {
        return new ApiException(409, message, field, null);
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

    public int status() {
        return status;
    }

    public String field() {
        return field;
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    public boolean mfaSetupRequired() {
        return mfaSetupRequired;
    }
}
