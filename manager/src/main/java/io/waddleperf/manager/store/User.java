package io.waddleperf.manager.store;

import io.waddleperf.manager.auth.Role;
import java.time.Instant;
import java.util.UUID;

/**
 * A user row. {@code passwordHash} never leaves the manager: API answers are built from the other fields.
 *
 * @param id           key
 * @param username     unique login name
 * @param passwordHash Argon2id (or legacy bcrypt) hash
 * @param role         role
 * @param ouId         organisation unit, null for global roles and users without one
 * @param email        optional e-mail address
 * @param active       inactive users cannot log in or use API keys
 * @param createdAt    creation time
 * @param updatedAt    last change
 */
public record User(UUID id, String username, String passwordHash, Role role, UUID ouId, String email, boolean active,
                   Instant createdAt, Instant updatedAt) {
}
