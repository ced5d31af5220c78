package io.waddleperf.manager.store;

import java.time.Instant;
import java.util.UUID;

/**
 * An enrolment secret of an organisation unit, as stored: never the secret itself, only the first characters that
 * tell secrets apart in a listing.
 *
 * @param id        key
 * @param ouId      the OU a device enrolled with it joins
 * @param name      what it is for ("lab agents", "branch 12")
 * @param prefix    the secret's first characters ({@code wpe_abcd})
 * @param createdBy the user who made it, or null when that user is gone
 * @param createdAt creation time
 * @param expiresAt after this no device enrols with it; null for never
 * @param revokedAt when it was revoked, or null
 */
public record EnrollmentSecret(UUID id, UUID ouId, String name, String prefix, UUID createdBy, Instant createdAt,
                               Instant expiresAt, Instant revokedAt) {

    /** Whether a device may enrol with it at {@code now}. */
    public boolean usableAt(Instant now) {
        return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
    }
}
