package io.waddleperf.manager.api;

/**
 * The JSON body of every refused request: {@code {"error": "...", "field": "..."}}, {@code field} omitted when none.
 * A login that needs an MFA code adds {@code "mfa_required": true}; a request of a session that must first set up
 * MFA adds {@code "mfa_setup_required": true}.
 */
public record ApiError(String error, String field, Boolean mfaRequired, Boolean mfaSetupRequired) {

    public ApiError(String error, String field) {
        this(error, field, null, null);
    }
}
