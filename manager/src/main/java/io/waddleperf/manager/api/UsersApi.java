package io.waddleperf.manager.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.waddleperf.manager.audit.AuditLog;
import io.waddleperf.manager.auth.AuthService;
import io.waddleperf.manager.auth.MfaService;
import io.waddleperf.manager.auth.PasswordHasher;
import io.waddleperf.manager.auth.Principal;
import io.waddleperf.manager.auth.Role;
import io.waddleperf.manager.store.User;
import io.waddleperf.manager.store.UserRepository;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * {@code /api/v1/users}: list, create, read, change, delete users and regenerate a user's API key.
 *
 * <p>Who may do what: {@code global_admin} everything; {@code ou_admin} the users of its own OU, with OU roles or
 * {@code user} only (it cannot make global roles nor move users to another OU); reporters read within their scope;
 * {@code user} reads itself and regenerates its own API key. A user outside the caller's scope is answered 404, as
 * if it did not exist. Users are shown with {@code mfa_enabled}; every change goes to the audit log.
 */
public final class UsersApi {

    static final String BASE = "/api/v1/users";
    /** Shortest password accepted (NIST SP 800-63B allows 8; the manager guards many devices' results). */
    public static final int MIN_PASSWORD_CHARS = 12;
    private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9._@-]{3,64}");
    private static final Set<String> CREATE_FIELDS = Set.of("username", "password", "role", "ou_id", "email");
    private static final Set<String> UPDATE_FIELDS = Set.of("role", "ou_id", "email", "active", "password");

    private final UserRepository users;
    private final AuthService auth;
    private final PasswordHasher hasher;
    private final Requests requests;
    private final MfaService mfa;
    private final AuditLog audit;
    private final InstantSource clock;

    public UsersApi(UserRepository users, AuthService auth, PasswordHasher hasher, Requests requests, MfaService mfa,
                    AuditLog audit, InstantSource clock) {
        this.users = users;
        this.auth = auth;
        this.hasher = hasher;
        this.requests = requests;
        this.mfa = mfa;
        this.audit = audit;
        this.clock = clock;
    }

    public void addRoutes(RoutesConfig routes) {
        routes.get(BASE, this::list);
        routes.post(BASE, this::create);
        routes.get(BASE + "/{id}", this::get);
        routes.put(BASE + "/{id}", this::update);
        routes.patch(BASE + "/{id}", this::update);
        routes.delete(BASE + "/{id}", this::delete);
        routes.post(BASE + "/{id}/api-key", this::regenerateApiKey);
    }

    private void list(Context ctx) {
        Principal p = requests.caller(ctx);
        if (p.role() == Role.USER) {
            throw ApiException.forbidden(null, "role user may only read itself (GET " + BASE + "/" + p.userId() + ")");
        }
        List<User> list = users.list(p.role().isGlobal() ? null : p.ouId());
        Set<UUID> withMfa = mfa.enabledAmong(list.stream().map(User::id).toList());
        ctx.json(list.stream().map(u -> UserView.of(u, withMfa.contains(u.id()))).toList());
    }

    private void get(Context ctx) {
        Principal p = requests.caller(ctx);
        ctx.json(view(visible(p, Requests.pathId(ctx, "id"))));
    }

    private UserView view(User u) {
        return UserView.of(u, mfa.enabled(u.id()));
    }

    private void create(Context ctx) {
        Principal p = requests.caller(ctx);
        requireAdmin(p);
        JsonNode body = requests.json(ctx);
        onlyFields(body, CREATE_FIELDS);
        String username = Requests.text(body, "username", 64);
        if (!USERNAME.matcher(username).matches()) {
            throw ApiException.badRequest("username", "must be 3-64 letters, digits or . _ @ -");
        }
        String password = password(body, "password");
        Role role = role(Requests.text(body, "role", 32));
        UUID ou = ouId(body);
        if (p.role() == Role.OU_ADMIN) {
            ou = ou == null ? p.ouId() : ou;
            checkOuAdminTarget(p, role, ou);
        }
        checkRoleOu(role, ou);
        String email = Requests.optionalText(body, "email", 255);
        User created = users.create(username, hasher.hash(password), role, ou, email, clock.instant());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("role", role.externalName());
        details.put("ou_id", ou);
        details.put("email", email);
        audit.record(Requests.actor(ctx, p), "user.create", AuditLog.Target.user(created), details);
        ctx.status(201).json(UserView.of(created, false));
    }

    private void update(Context ctx) {
        Principal p = requests.caller(ctx);
        User current = visible(p, Requests.pathId(ctx, "id"));
        JsonNode body = requests.json(ctx);
        onlyFields(body, UPDATE_FIELDS);
        boolean self = current.id().equals(p.userId());
        if (!p.role().isAdmin()) {
            // non-admins may change their own e-mail only; the password goes through /auth/change-password
            if (!self || body.has("role") || body.has("ou_id") || body.has("active") || body.has("password")) {
                throw ApiException.forbidden(null, "role " + p.role() + " may only change its own email");
            }
        }
        Role role = body.has("role") ? role(Requests.text(body, "role", 32)) : current.role();
        UUID ou = body.has("ou_id") ? ouId(body) : current.ouId();
        if (p.role() == Role.OU_ADMIN) {
            checkOuAdminTarget(p, role, ou);
        }
        checkRoleOu(role, ou);
        boolean active = current.active();
        if (body.has("active")) {
            if (!body.get("active").isBoolean()) {
                throw ApiException.badRequest("active", "must be true or false");
            }
            active = body.get("active").booleanValue();
        }
        String email = body.has("email") ? Requests.optionalText(body, "email", 255) : current.email();
        boolean demotesAdmin = current.role() == Role.GLOBAL_ADMIN && current.active()
                && (role != Role.GLOBAL_ADMIN || !active);
        if (demotesAdmin && users.countActiveGlobalAdmins() <= 1) {
            throw ApiException.conflict("role", "this is the last active global_admin");
        }
        User changed = new User(current.id(), current.username(), current.passwordHash(), role, ou, email, active,
                current.createdAt(), current.updatedAt());
        users.update(changed, clock.instant());
        if (body.has("password")) {
            users.updatePasswordHash(current.id(), hasher.hash(password(body, "password")), true, clock.instant());
        }
        Map<String, Object> details = new LinkedHashMap<>();
        AuditLog.putChange(details, "role", current.role().externalName(), role.externalName());
        AuditLog.putChange(details, "ou_id", current.ouId(), ou);
        AuditLog.putChange(details, "email", current.email(), email);
        AuditLog.putChange(details, "active", current.active(), active);
        if (body.has("password")) {
            details.put("password", true);
        }
        audit.record(Requests.actor(ctx, p), "user.update", AuditLog.Target.user(changed), details);
        ctx.json(view(users.find(current.id()).orElseThrow()));
    }

    private void delete(Context ctx) {
        Principal p = requests.caller(ctx);
        User target = visible(p, Requests.pathId(ctx, "id"));
        requireAdmin(p);
        if (target.role() == Role.GLOBAL_ADMIN && target.active() && users.countActiveGlobalAdmins() <= 1) {
            throw ApiException.conflict("id", "this is the last active global_admin");
        }
        users.delete(target.id());
        audit.record(Requests.actor(ctx, p), "user.delete", AuditLog.Target.user(target),
                Map.of("role", target.role().externalName()));
        ctx.status(204);
    }

    private void regenerateApiKey(Context ctx) {
        Principal p = requests.caller(ctx);
        User target = visible(p, Requests.pathId(ctx, "id"));
        if (!target.id().equals(p.userId()) && !p.role().isAdmin()) {
            throw ApiException.forbidden(null, "role " + p.role() + " may only regenerate its own API key");
        }
        String key = auth.regenerateApiKey(target);
        audit.record(Requests.actor(ctx, p), "user.api_key_regenerate", AuditLog.Target.user(target), Map.of("api_key", true));
        // the key is shown this once; only its digest is stored
        ctx.status(201).header("Cache-Control", "no-store").json(Map.of("api_key", key, "user_id", target.id()));
    }

    private User visible(Principal p, UUID id) {
        return visible(users, p, id);
    }

    /** The user with this id if the caller may see it (itself, or within a reading role's scope), else 404. */
    static User visible(UserRepository users, Principal p, UUID id) {
        return users.find(id).filter(u -> p.userId().equals(u.id())
                        || (p.role().readsScope() && p.seesOu(u.ouId()) && (p.role().isGlobal() || u.ouId() != null)))
                .orElseThrow(() -> ApiException.notFound("id", "no user " + id));
    }

    private static void requireAdmin(Principal p) {
        if (!p.role().isAdmin()) {
            throw ApiException.forbidden(null, "managing users needs role global_admin or ou_admin, not " + p.role());
        }
    }

    private static void checkOuAdminTarget(Principal p, Role role, UUID ou) {
        if (role.isGlobal()) {
            throw ApiException.forbidden("role", "ou_admin cannot grant " + role);
        }
        if (ou == null || !ou.equals(p.ouId())) {
            throw ApiException.forbidden("ou_id", "ou_admin manages users of its own organisation unit only");
        }
    }

    private static void checkRoleOu(Role role, UUID ou) {
        if (role.needsOu() && ou == null) {
            throw ApiException.badRequest("ou_id", "role " + role + " needs an organisation unit");
        }
        if (role.isGlobal() && ou != null) {
            throw ApiException.badRequest("ou_id", "role " + role + " is global and takes no organisation unit");
        }
    }

    static Role role(String name) {
        return Role.parse(name).orElseThrow(() -> ApiException.badRequest("role", "'" + name
                + "' is not a role; one of global_admin, global_reporter, ou_admin, ou_reporter, user"));
    }

    private static UUID ouId(JsonNode body) {
        String v = Requests.optionalText(body, "ou_id", 36);
        if (v == null) {
            return null;
        }
        try {
            return UUID.fromString(v);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("ou_id", "'" + v + "' is not a UUID");
        }
    }

    static String password(JsonNode body, String field) {
        String password = Requests.text(body, field, PasswordHasher.MAX_PASSWORD_CHARS);
        if (password.length() < MIN_PASSWORD_CHARS) {
            throw ApiException.badRequest(field, "must be at least " + MIN_PASSWORD_CHARS + " characters");
        }
        return password;
    }

    static void onlyFields(JsonNode body, Set<String> allowed) {
        if (!body.isObject()) {
            throw ApiException.badRequest("body", "must be a JSON object");
        }
        body.fieldNames().forEachRemaining(f -> {
            if (!allowed.contains(f)) {
                throw ApiException.badRequest(f, "unknown field; allowed: " + String.join(", ", allowed.stream().sorted().toList()));
            }
        });
    }
}
