package io.waddleperf.manager.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.waddleperf.manager.audit.AuditLog;
import io.waddleperf.manager.auth.AuthService;
import io.waddleperf.manager.auth.MfaService;
import io.waddleperf.manager.auth.PasswordHasher;
import io.waddleperf.manager.auth.Principal;
import io.waddleperf.manager.store.User;
import io.waddleperf.manager.store.UserRepository;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * MFA (TOTP) of one's own account — {@code POST /api/v1/auth/mfa/setup} (a new secret: otpauth URI and QR code, shown
 * this once), {@code /verify} ({@code {code}}: the first right code puts it in force), {@code /disable}
 * ({@code {password}} or {@code {code}}) — and an admin's {@code DELETE /api/v1/users/{id}/mfa}, which removes a
 * user's MFA (a lost phone). Only a login session manages its own MFA, never an API key, so a leaked key cannot tie
 * the account to someone else's authenticator. Every change goes to the audit log.
 */
public final class MfaApi {

    static final String BASE = AuthApi.BASE + "/mfa";
    private static final Set<String> VERIFY_FIELDS = Set.of("code");
    private static final Set<String> DISABLE_FIELDS = Set.of("password", "code");

    private final MfaService mfa;
    private final AuthService auth;
    private final UserRepository users;
    private final PasswordHasher hasher;
    private final Requests requests;
    private final AuditLog audit;

    public MfaApi(MfaService mfa, AuthService auth, UserRepository users, PasswordHasher hasher, Requests requests,
                  AuditLog audit) {
        this.mfa = mfa;
        this.auth = auth;
        this.users = users;
        this.hasher = hasher;
        this.requests = requests;
        this.audit = audit;
    }

    public void addRoutes(RoutesConfig routes) {
        routes.post(BASE + "/setup", this::setup);
        routes.post(BASE + "/verify", this::verify);
        routes.post(BASE + "/disable", this::disable);
        routes.delete(UsersApi.BASE + "/{id}/mfa", this::reset);
    }

    /** A new secret (replacing one not yet verified): {@code {secret, otpauth_uri, qr_code, issuer, account}}. */
    private void setup(Context ctx) {
        User user = self(ctx);
        MfaService.Setup setup = mfa.setup(user).orElseThrow(() -> ApiException.conflict(null,
                "MFA is already enabled; disable it first to set up another authenticator"));
        audit.record(Requests.actor(ctx, principal(user)), "mfa.setup", AuditLog.Target.user(user), Map.of());
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("secret", setup.secret());
        answer.put("otpauth_uri", setup.otpauthUri());
        answer.put("qr_code", "data:image/png;base64," + Base64.getEncoder().encodeToString(setup.qrPng()));
        answer.put("issuer", MfaService.ISSUER);
        answer.put("account", user.username());
        // the secret is in this answer only: no cache may keep it
        ctx.status(201).header("Cache-Control", "no-store").json(answer);
    }

    /** {@code {code}}: the first right code puts the secret in force; a session that could only set up MFA is freed. */
    private void verify(Context ctx) {
        User user = self(ctx);
        JsonNode body = requests.json(ctx);
        UsersApi.onlyFields(body, VERIFY_FIELDS);
        String code = Requests.text(body, "code", AuthApi.MAX_CODE);
        if (mfa.enabled(user.id())) {
            throw ApiException.conflict(null, "MFA is already enabled");
        }
        checkCode(ctx, user, code);
        if (!mfa.enable(user.id())) {
            throw ApiException.conflict(null, "no MFA setup in progress: POST " + BASE + "/setup first");
        }
        audit.record(Requests.actor(ctx, principal(user)), "mfa.enable", AuditLog.Target.user(user), Map.of());
        ctx.json(Map.of("mfa_enabled", true));
    }

    /** {@code {password}} or {@code {code}}: removes one's own MFA, unless the role requires it. */
    private void disable(Context ctx) {
        User user = self(ctx);
        JsonNode body = requests.json(ctx);
        UsersApi.onlyFields(body, DISABLE_FIELDS);
        String password = Requests.optionalText(body, "password", PasswordHasher.MAX_PASSWORD_CHARS);
        String code = Requests.optionalText(body, "code", AuthApi.MAX_CODE);
        if ((password == null) == (code == null)) {
            throw ApiException.badRequest(password == null ? "password" : "code",
                    "confirm with either your password or a current MFA code");
        }
        if (mfa.requiredFor(user.role())) {
            throw ApiException.conflict(null, "role " + user.role() + " requires MFA; an admin can reset it if the "
                    + "authenticator is lost");
        }
        String address = Requests.clientAddress(ctx);
        if (password != null) {
            AuthApi.refuseWhileBlocked(auth.blockedFor(user.username(), address));
            if (!hasher.verify(password, user.passwordHash())) {
                auth.recordFailure(user.username(), address);
                throw ApiException.forbidden("password", "is wrong");
            }
        } else {
            checkCode(ctx, user, code);
        }
        if (!mfa.disable(user.id())) {
            throw ApiException.conflict(null, "MFA is not set up");
        }
        audit.record(Requests.actor(ctx, principal(user)), "mfa.disable", AuditLog.Target.user(user),
                Map.of("confirmed_with", password != null ? "password" : "code"));
        ctx.status(204);
    }

    /** An admin removes a user's MFA (its authenticator is lost); the user sets it up again after the next login. */
    private void reset(Context ctx) {
        Principal p = requests.caller(ctx);
        UUID id = Requests.pathId(ctx, "id");
        User target = UsersApi.visible(users, p, id);
        if (!p.role().isAdmin()) {
            throw ApiException.forbidden(null, "resetting MFA needs global_admin or ou_admin, not " + p.role());
        }
        if (target.id().equals(p.userId())) {
            throw ApiException.forbidden("id", "use " + BASE + "/disable for your own MFA");
        }
        boolean had = mfa.disable(target.id());
        audit.record(Requests.actor(ctx, p), "mfa.reset", AuditLog.Target.user(target), Map.of("had_mfa", had));
        ctx.status(204);
    }

    /** Checks a code of the caller's pending or active secret, counting wrong ones against the login limits. */
    private void checkCode(Context ctx, User user, String code) {
        String address = Requests.clientAddress(ctx);
        AuthApi.refuseWhileBlocked(auth.blockedFor(user.username(), address));
        switch (mfa.check(user.id(), code)) {
            case ACCEPTED -> {
            }
            case WRONG -> {
                auth.recordFailure(user.username(), address);
                throw ApiException.badRequest("code", "is not the current code of the authenticator (check the "
                        + "phone's clock)");
            }
            case REPLAYED -> {
                auth.recordFailure(user.username(), address);
                throw ApiException.badRequest("code", "was used already; wait for the next one");
            }
            case NO_SECRET -> throw ApiException.conflict(null, "no MFA set up: POST " + BASE + "/setup first");
        }
    }

    /** The calling user, from a login session (also one that may only set up MFA), never an API key. */
    private User self(Context ctx) {
        AuthService.Authenticated a = requests.authenticated(ctx, true);
        if (a.sessionDigest() == null) {
            throw ApiException.forbidden("authorization", "MFA is managed from a login session, not with an API key");
        }
        return users.find(a.principal().userId()).orElseThrow(() -> ApiException.unauthorized("user no longer exists"));
    }

    private static Principal principal(User u) {
        return new Principal(u.id(), u.username(), u.role(), u.ouId());
    }
}
