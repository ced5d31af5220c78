package io.waddleperf.manager.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.waddleperf.core.result.Json;
import io.waddleperf.manager.audit.AuditLog;
import io.waddleperf.manager.auth.AuthService;
import io.waddleperf.manager.auth.LoginRefusedException;
import io.waddleperf.manager.auth.MfaService;
import io.waddleperf.manager.auth.PasswordHasher;
import io.waddleperf.manager.auth.Principal;
import io.waddleperf.manager.auth.Tokens;
import io.waddleperf.manager.store.User;
import io.waddleperf.manager.store.UserRepository;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code POST /api/v1/auth/login} ({@code {username, password, mfa_code?}} → {@code {token, access_token,
 * refresh_token, token_type, expires_in, user}}; {@code access_token} is the spelling the original clients read),
 * {@code POST /api/v1/auth/web-login} (the same credentials → a browser session in an HttpOnly cookie and its CSRF
 * token), {@code POST /api/v1/auth/refresh} ({@code {refresh_token}} → the same, rotated),
 * {@code POST /api/v1/auth/logout} (ends the calling session), {@code GET /api/v1/auth/me} (the caller) and
 * {@code POST /api/v1/auth/change-password}. Logins, failed logins and password changes go to the audit log.
 */
public final class AuthApi {

    static final String BASE = "/api/v1/auth";
    private static final int MAX_USERNAME = 64;
    static final int MAX_CODE = 16;

    private final AuthService auth;
    private final MfaService mfa;
    private final UserRepository users;
    private final PasswordHasher hasher;
    private final Requests requests;
    private final AuditLog audit;
    private final InstantSource clock;

    public AuthApi(AuthService auth, MfaService mfa, UserRepository users, PasswordHasher hasher, Requests requests,
                   AuditLog audit, InstantSource clock) {
        this.auth = auth;
        this.mfa = mfa;
        this.users = users;
        this.hasher = hasher;
        this.requests = requests;
        this.audit = audit;
        this.clock = clock;
    }

    public void addRoutes(RoutesConfig routes) {
        routes.post(BASE + "/login", this::login);
        routes.post(BASE + "/web-login", this::webLogin);
        routes.post(BASE + "/logout", this::logout);
        routes.post(BASE + "/refresh", this::refresh);
        routes.get(BASE + "/me", this::me);
        routes.post(BASE + "/change-password", this::changePassword);
    }

    private void login(Context ctx) {
        JsonNode body = requests.json(ctx);
        answer(ctx, login(ctx, body, true, "token"));
    }

    /**
     * A browser login: the session token goes into an HttpOnly, SameSite=Strict cookie (Secure over HTTPS) that no
     * script can read, and the answer holds the CSRF token the page sends back in {@code X-CSRF-Token}. The body must
     * be declared JSON: a form on another site cannot send that without the browser asking this server first, so no
     * other site can log a visitor in to an account of its choosing.
     */
    private void webLogin(Context ctx) {
        String contentType = ctx.header("Content-Type");
        if (contentType == null || !contentType.split(";", 2)[0].strip().equalsIgnoreCase("application/json")) {
            throw ApiException.unsupportedMediaType("a browser login must be sent as Content-Type: application/json");
        }
        JsonNode body = requests.json(ctx);
        AuthService.Login login = login(ctx, body, false, "cookie");
        String csrf = requests.csrfToken(Tokens.digest(login.token()));
        WebCookies.set(ctx, login.token(), csrf, login.expiresIn());
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("csrf_token", csrf);
        answer.put("expires_in", login.expiresIn().toSeconds());
        answer.put("user", UserView.of(login.user(), mfa.enabled(login.user().id())));
        if (login.mfaSetupOnly()) {
            answer.put("mfa_setup_required", true);
        }
        ctx.header("Cache-Control", "no-store").json(answer);
    }

    /** Logs in, recording the login or the failure in the audit log (rate-limited tries and the code prompt aside). */
    private AuthService.Login login(Context ctx, JsonNode body, boolean withRefresh, String kind) {
        String username = Requests.text(body, "username", MAX_USERNAME);
        String password = Requests.text(body, "password", PasswordHasher.MAX_PASSWORD_CHARS);
        String code = Requests.optionalText(body, "mfa_code", MAX_CODE);
        String address = Requests.clientAddress(ctx);
        try {
            AuthService.Login login = auth.login(username, password, code, address, withRefresh);
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("session", kind);
            details.put("mfa", mfa.enabled(login.user().id()));
            if (login.mfaSetupOnly()) {
                details.put("mfa_setup_required", true);
            }
            audit.record(new AuditLog.Actor(login.user().id(), login.user().username(), address), "auth.login",
                    AuditLog.Target.user(login.user()), details);
            return login;
        } catch (LoginRefusedException e) {
            if (e.reason() != LoginRefusedException.Reason.RATE_LIMITED && e.reason() != LoginRefusedException.Reason.MFA_REQUIRED) {
                // an unknown name is not kept: people type their password into the name field
                String name = e.userId() == null ? null : username;
                audit.record(new AuditLog.Actor(e.userId(), name, address), "auth.login_failed",
                        new AuditLog.Target("user", e.userId() == null ? null : e.userId().toString(), name, null),
                        Map.of("reason", e.reason().name().toLowerCase(Locale.ROOT), "session", kind));
            }
            throw e;
        }
    }

    /** {@code {refresh_token}} → a new session token and refresh token; the old refresh token stops working. */
    private void refresh(Context ctx) {
        JsonNode body = requests.json(ctx);
        answer(ctx, auth.refresh(Requests.text(body, "refresh_token", 256)));
    }

    private void answer(Context ctx, AuthService.Login login) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("token", login.token());
        answer.put("access_token", login.token());
        if (login.refreshToken() != null) {
            answer.put("refresh_token", login.refreshToken());
        }
        answer.put("token_type", "Bearer");
        answer.put("expires_in", login.expiresIn().toSeconds());
        answer.put("user", UserView.of(login.user(), mfa.enabled(login.user().id())));
        if (login.mfaSetupOnly()) {
            answer.put("mfa_setup_required", true);
        }
        ctx.header("Cache-Control", "no-store").json(answer);
    }

    /** Ends the calling session (header or cookie; a session that may only set up MFA too) and clears the cookies. */
    private void logout(Context ctx) {
        AuthService.Authenticated a = requests.authenticated(ctx, true);
        if (a.sessionDigest() == null || !auth.endSession(a.sessionDigest())) {
            throw ApiException.badRequest("authorization", "logout ends a login session; an API key has none");
        }
        WebCookies.clear(ctx);
        ctx.status(204);
    }

    /** {@code {current_password, new_password}}: every session of the user ends, this one included. */
    private void changePassword(Context ctx) {
        Principal p = requests.caller(ctx);
        JsonNode body = requests.json(ctx);
        String current = Requests.text(body, "current_password", PasswordHasher.MAX_PASSWORD_CHARS);
        String next = UsersApi.password(body, "new_password");
        User user = users.find(p.userId()).orElseThrow(() -> ApiException.unauthorized("user no longer exists"));
        String address = Requests.clientAddress(ctx);
        refuseWhileBlocked(auth.blockedFor(user.username(), address));
        if (!hasher.verify(current, user.passwordHash())) {
            // a stolen session must not become a way to guess the password
            auth.recordFailure(user.username(), address);
            throw ApiException.forbidden("current_password", "is wrong");
        }
        users.updatePasswordHash(user.id(), hasher.hash(next), true, clock.instant());
        audit.record(Requests.actor(ctx, p), "user.password_change", AuditLog.Target.user(user), Map.of("password", true));
        WebCookies.clear(ctx);
        ctx.status(204);
    }

    static void refuseWhileBlocked(Optional<Duration> blocked) {
        if (blocked.isPresent()) {
            throw ApiException.tooManyRequests("too many failed attempts; try again later", blocked.get());
        }
    }

    /** The caller, with {@code mfa_enabled}; a session that must set up MFA first may ask too. */
    private void me(Context ctx) {
        AuthService.Authenticated a = requests.authenticated(ctx, true);
        User user = users.find(a.principal().userId()).orElseThrow(() -> ApiException.unauthorized("user no longer exists"));
        Map<String, Object> answer = asMap(UserView.of(user, mfa.enabled(user.id())));
        if (a.mfaSetupOnly()) {
            answer.put("mfa_setup_required", true);
        }
        ctx.json(answer);
    }

    /** A view as a JSON object's fields, to add one. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object view) {
        return new LinkedHashMap<>(Json.mapper().convertValue(view, Map.class));
    }
}
