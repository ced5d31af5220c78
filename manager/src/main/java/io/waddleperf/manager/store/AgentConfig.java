package io.waddleperf.manager.store;

import java.time.Instant;
import java.util.Locale;
import java.util.UUID;

/**
 * A stored agent configuration document: the default, an organisation unit's or one device's.
 *
 * @param scope     whose it is
 * @param ownerId   the OU's or device's id; {@link #DEFAULT_OWNER} for the default
 * @param name      a label for people, or null
 * @param document  the JSON document (checked when written)
 * @param updatedBy the user who wrote it last, or null
 * @param updatedAt when
 */
public record AgentConfig(Scope scope, UUID ownerId, String name, String document, UUID updatedBy, Instant updatedAt) {

    /** The owner key of the default configuration. */
    public static final UUID DEFAULT_OWNER = new UUID(0, 0);

    /** Whose configuration it is; a device gets its own, else its OU's, else the default. */
    public enum Scope {
        DEVICE, OU, DEFAULT;

        public String externalName() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Scope parse(String s) {
            return valueOf(s.toUpperCase(Locale.ROOT));
        }
    }
}
