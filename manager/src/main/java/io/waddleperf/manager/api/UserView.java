package io.waddleperf.manager.api;

import io.waddleperf.manager.store.User;
import java.time.Instant;
import java.util.UUID;

/**
 * A user as the API shows it: never the password hash, the API key, the MFA secret or a session token.
 *
 * @param id         id
 * @param username   login name
 * @param role       role ({@code global_admin}, …)
 * @param ouId       organisation unit, or null
 * @param email      e-mail address, or null
 * @param active     whether the user may log in
 * @param mfaEnabled whether logins need a TOTP code (left out where not looked up)
 * @param createdAt  creation time
 * @param updatedAt  last change
 */
public record UserView(UUID id, String username, String role, UUID ouId, String email, boolean active,
                       Boolean mfaEnabled, Instant createdAt, Instant updatedAt) {

    public static UserView of(User u) {
        return new UserView(u.id(), u.username(), u.role().externalName(), u.ouId(), u.email(), u.active(), null,
                u.createdAt(), u.updatedAt());
    }

    public static UserView of(User u, boolean mfaEnabled) {
        return new UserView(u.id(), u.username(), u.role().externalName(), u.ouId(), u.email(), u.active(), mfaEnabled,
                u.createdAt(), u.updatedAt());
    }
}
