package io.waddleperf.manager.auth;

import java.time.Duration;
import java.util.UUID;

/**
 * A login that did not succeed: wrong user name or password (one message for both, so names cannot be probed), an
 * MFA code missing, wrong or replayed, or refused by the rate limit, then with the time until it may be tried again.
 */
public final class LoginRefusedException extends RuntimeException {

    /** Why a login was refused. */
    public enum Reason {
        WRONG_CREDENTIALS, RATE_LIMITED, MFA_REQUIRED, MFA_WRONG, MFA_REPLAYED;

        /** Whether the answer tells the client a code is needed ({@code mfa_required: true}). */
        public boolean asksForCode() {
            return this == MFA_REQUIRED || this == MFA_WRONG || this == MFA_REPLAYED;
        }
    }

    private final Reason reason;
    private final Duration retryAfter;
    private final UUID userId;

    LoginRefusedException(Reason reason, String message, Duration retryAfter, UUID userId) {
        super(message);
        this.reason = reason;
        this.retryAfter = retryAfter;
        this.userId = userId;
    }

    public Reason reason() {
        return reason;
    }

    /** Null unless rate-limited: the wait until the next try. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** The user the name belongs to when it exists (for the audit log only, never for the answer), else null. */
    public UUID userId() {
        return userId;
    }
}
