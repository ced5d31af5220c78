package io.waddleperf.manager;

import io.waddleperf.manager.api.UsersApi;
import io.waddleperf.manager.audit.AuditLog;
import io.waddleperf.manager.auth.PasswordHasher;
import io.waddleperf.manager.auth.Role;
import io.waddleperf.manager.store.AuditRepository;
import io.waddleperf.manager.store.Database;
import io.waddleperf.manager.store.User;
import io.waddleperf.manager.store.UserRepository;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;

/**
 * Creates a {@code global_admin} directly in the database ({@code waddleperf manager create-admin}): the only way to
 * the first account, since the manager ships no default credentials.
 */
public final class Admins {

    private Admins() {
    }

    /**
     * Creates the admin.
     *
     * @throws IllegalArgumentException when the name or password is unacceptable
     * @throws io.waddleperf.manager.store.ConflictException when the name is taken
     */
    public static User create(Database db, String username, String password) {
        if (username == null || !username.matches("[A-Za-z0-9._@-]{3,64}")) {
            throw new IllegalArgumentException("user name must be 3-64 letters, digits or . _ @ -");
        }
        if (password == null || password.length() < UsersApi.MIN_PASSWORD_CHARS
                || password.length() > PasswordHasher.MAX_PASSWORD_CHARS) {
            throw new IllegalArgumentException("password must be " + UsersApi.MIN_PASSWORD_CHARS + "-"
                    + PasswordHasher.MAX_PASSWORD_CHARS + " characters");
        }
        User admin = new UserRepository(db).create(username, new PasswordHasher().hash(password), Role.GLOBAL_ADMIN, null,
                null, Instant.now());
        // the audit log's actor is the command, run by whoever could reach the database
        new AuditLog(new AuditRepository(db), InstantSource.system()).record(new AuditLog.Actor(null, "create-admin", null),
                "user.create", AuditLog.Target.user(admin), Map.of("role", Role.GLOBAL_ADMIN.externalName(), "via", "create-admin"));
        return admin;
    }
}
