package io.waddleperf.manager.audit;

import io.waddleperf.core.result.Json;
import io.waddleperf.core.result.UuidV7;
import io.waddleperf.manager.store.AuditRepository;
import io.waddleperf.manager.store.EnrolledDevice;
import io.waddleperf.manager.store.EnrollmentSecret;
import io.waddleperf.manager.store.Organization;
import io.waddleperf.manager.store.User;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records who changed what: users, roles, OUs, passwords, API keys, MFA, logins, enrolment secrets, device enrolments
 * and (de)activations, agent configurations — and whatever later resources (settings) record through {@link #record}.
 * An entry is written right after the change committed. It never holds a secret: {@link #record} refuses a detail
 * whose name speaks of a password, secret, token, key or hash unless its value is only {@code true} ("it changed"), so
 * a careless call fails its test instead of leaking.
 */
public final class AuditLog {

    /**
     * Who acted.
     *
     * @param id      the user's id, or null when unknown (a failed login of a name that does not exist)
     * @param name    the user name given
     * @param address the client's address
     */
    public record Actor(UUID id, String name, String address) {
    }

    /**
     * What was acted on.
     *
     * @param type kind of object ({@code user}, {@code organization}, …)
     * @param id   its id, or null
     * @param name its name at the time, or null
     * @param ouId the OU it belongs to (decides which {@code ou_admin} sees the entry), or null
     */
    public record Target(String type, String id, String name, UUID ouId) {

        public static Target user(User u) {
            return new Target("user", u.id().toString(), u.username(), u.ouId());
        }

        public static Target organization(Organization o) {
            return new Target("organization", o.id().toString(), o.name(), o.id());
        }

        /** A device, named by its serial. */
        public static Target device(EnrolledDevice d) {
            return new Target("device", d.id().toString(), d.serial(), d.ouId());
        }

        /** An enrolment secret, named by its name (never the secret). */
        public static Target enrollmentSecret(EnrollmentSecret s) {
            return new Target("enrollment_secret", s.id().toString(), s.name(), s.ouId());
        }
    }

    /** Action names: lower-case words joined by dots, e.g. {@code user.api_key_regenerate}. */
    static final Pattern ACTION = Pattern.compile("[a-z][a-z_]*(\\.[a-z][a-z_]*)+");
    /** Detail names that may only say "changed" (true), never carry a value. */
    private static final Pattern SECRET_NAME = Pattern.compile(".*(password|secret|token|key|hash|mfa_code).*");
    /** Longest text value kept in details; longer ones are cut (descriptions), the entry stays within its column. */
    static final int MAX_TEXT = 256;
    static final int MAX_DETAILS_CHARS = 4096;

    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);

    private final AuditRepository repository;
    private final InstantSource clock;

    public AuditLog(AuditRepository repository, InstantSource clock) {
        this.repository = repository;
        this.clock = clock;
    }

    /**
     * Appends one entry.
     *
     * @param details what changed, by name ({@code role → {from, to}}); values are text, numbers, booleans, lists or
     *                maps of them; may be empty
     * @throws IllegalArgumentException for a malformed action or a detail that could hold a secret
     */
    public void record(Actor actor, String action, Target target, Map<String, ?> details) {
        if (!ACTION.matcher(action).matches()) {
            throw new IllegalArgumentException("audit action '" + action + "' is not dotted lower-case words");
        }
        Map<String, Object> clean = clean(details, "");
        String json = clean.isEmpty() ? null : Json.write(clean);
        if (json != null && json.length() > MAX_DETAILS_CHARS) {
            json = Json.write(Map.of("truncated", true, "fields", List.copyOf(clean.keySet())));
        }
        repository.append(new AuditRepository.Entry(UuidV7.next(), clock.instant(), actor.id(), cut(actor.name(), 64),
                actor.address(), action, target.type(), target.id(), cut(target.name(), 255), target.ouId(), json));
        LOG.debug("audit {} by {} from {} on {} {}", action, actor.name(), actor.address(), target.type(), target.id());
    }

    private static Map<String, Object> clean(Map<String, ?> details, String path) {
        Map<String, Object> out = new LinkedHashMap<>();
        details.forEach((name, value) -> {
            String where = path + name;
            if (SECRET_NAME.matcher(name.toLowerCase(Locale.ROOT)).matches() && !Boolean.TRUE.equals(value)) {
                throw new IllegalArgumentException("audit detail '" + where + "' may only be true (changed), never a value");
            }
            out.put(name, cleanValue(value, where));
        });
        return out;
    }

    private static Object cleanValue(Object value, String where) {
        return switch (value) {
            case null -> null;
            case String s -> cut(s, MAX_TEXT);
            case Number n -> n;
            case Boolean b -> b;
            case UUID u -> u.toString();
            case Enum<?> e -> e.toString();
            case Map<?, ?> m -> {
                Map<String, Object> typed = new LinkedHashMap<>();
                m.forEach((k, v) -> typed.put(String.valueOf(k), v));
                yield clean(typed, where + ".");
            }
            case List<?> l -> l.stream().map(v -> cleanValue(v, where + "[]")).toList();
            default -> throw new IllegalArgumentException("audit detail '" + where + "' has a value of unsupported type "
                    + value.getClass().getSimpleName());
        };
    }

    private static String cut(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    /** Adds the change of one field to {@code details} as {@code field → {from, to}}, unless it did not change. */
    public static void putChange(Map<String, Object> details, String field, Object from, Object to) {
        if (!java.util.Objects.equals(from, to)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("from", from);
            m.put("to", to);
            details.put(field, m);
        }
    }
}
