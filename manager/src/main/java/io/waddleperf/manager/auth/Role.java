package io.waddleperf.manager.auth;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The five roles. Global roles see every organisation unit (OU); OU roles only their own; {@code user} runs tests and
 * sees its own results and API key. Admin roles write, reporter roles only read.
 */
public enum Role {
    GLOBAL_ADMIN,
    GLOBAL_REPORTER,
    OU_ADMIN,
    OU_REPORTER,
    USER;

    /** The external (API and database) name, e.g. {@code global_admin}. */
    public String externalName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Role> parse(String name) {
        return Arrays.stream(values()).filter(r -> r.externalName().equals(name)).findFirst();
    }

    /** Sees every OU. */
    public boolean isGlobal() {
        return this == GLOBAL_ADMIN || this == GLOBAL_REPORTER;
    }

    /** Bound to one OU, which must be set. */
    public boolean needsOu() {
        return this == OU_ADMIN || this == OU_REPORTER;
    }

    /** May manage users (within its scope). */
    public boolean isAdmin() {
        return this == GLOBAL_ADMIN || this == OU_ADMIN;
    }

    /** May read everything within its scope (not only its own results). */
    public boolean readsScope() {
        return this != USER;
    }

    /** May submit results. Reporters only read. */
    public boolean submitsResults() {
        return this == GLOBAL_ADMIN || this == OU_ADMIN || this == USER;
    }

    @Override
    public String toString() {
        return externalName();
    }
}
