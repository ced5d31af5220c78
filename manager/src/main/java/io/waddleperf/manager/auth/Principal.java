package io.waddleperf.manager.auth;

import java.util.UUID;

/**
 * The authenticated caller of a request: a user with its role and OU (null for global roles and users without one).
 *
 * @param userId   the user's id
 * @param username the user's name
 * @param role     its role
 * @param ouId     its organisation unit, or null
 */
public record Principal(UUID userId, String username, Role role, UUID ouId) {

    /** Whether this caller may see objects of OU {@code ou} at all (its own OU, or every OU for global roles). */
    public boolean seesOu(UUID ou) {
        return role.isGlobal() || (ouId != null && ouId.equals(ou));
    }
}
