package io.waddleperf.core.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * A configuration value that must never be printed (API keys, passwords, enrolment secrets): its {@link #toString()}
 * is a mask, so a config record's own {@code toString()} and {@link ConfigLoader#print} are safe to log. Declare
 * a component as {@code Secret} (or {@code List<Secret>}, {@code Map<String, Secret>}); read it with
 * {@link #reveal()} only where it is used. {@link ConfigLoader} refuses secrets given as flags, since command lines
 * are visible to every local user: secrets come only from the environment or files (the YAML file, or the file a
 * key's {@code x_file} form names).
 */
public final class Secret {

    /** What is printed instead of a secret. */
    public static final String MASK = "****";

    private final String value;

    public Secret(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    public static Secret of(String value) {
        return new Secret(value);
    }

    /** The secret text itself, for the one place that uses it. */
    public String reveal() {
        return value;
    }

    public boolean isEmpty() {
        return value.isEmpty();
    }

    @Override
    public boolean equals(Object other) {
        // Constant-time comparison so that equality checks on keys do not leak timing.
        return other instanceof Secret s && MessageDigest.isEqual(
                value.getBytes(StandardCharsets.UTF_8), s.value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return MASK;
    }
}
