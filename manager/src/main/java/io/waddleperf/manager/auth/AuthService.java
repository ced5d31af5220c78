package io.waddleperf.manager.auth;

import io.waddleperf.manager.store.SessionRepository;
import io.waddleperf.manager.store.User;
import io.waddleperf.manager.store.UserRepository;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;

/**
 * Logins, sessions and API keys. A login checks the rate limit first, then the password (a made-up hash is checked
 * for unknown names, so both paths cost the same Argon2 work), then the MFA code when the user has MFA, upgrades a
 * bcrypt or outdated hash, and opens a session whose token only the caller ever sees. Requests authenticate with
 * {@code Authorization: Bearer <token>} (a session token, or an API key), {@code Authorization: ApiKey <key>}, or a
 * browser's session cookie.
 */
public final class AuthService {

    /**
     * A successful login or refresh.
     *
     * @param token        the session token, shown this once
     * @param refreshToken the refresh token that gets the next session token, shown this once; null for a browser
     *                     session and for a session that may only set up MFA
     * @param user         who logged in
     * @param expiresIn    how long the session token is valid
     * @param mfaSetupOnly the user's role requires MFA it does not have yet: the session may only set it up
     */
    public record Login(String token, String refreshToken, User user, Duration expiresIn, boolean mfaSetupOnly) {
    }

    /**
     * An authenticated request.
     *
     * @param principal     who
     * @param mfaSetupOnly  the session may only set up MFA
     * @param sessionDigest the digest of the session token, or null for an API key
     */
    public record Authenticated(Principal principal, boolean mfaSetupOnly, byte[] sessionDigest) {
    }

    private final UserRepository users;
    private final SessionRepository sessions;
    private final PasswordHasher hasher;
    private final LoginRateLimiter limiter;
    private final MfaService mfa;
    private final Duration sessionTtl;
    private final Duration refreshTtl;
    private final InstantSource clock;
    /** Checked when the name is unknown, so a login for a missing user takes as long as one with a wrong password. */
    private final String decoyHash;

    public AuthService(UserRepository users, SessionRepository sessions, PasswordHasher hasher, LoginRateLimiter limiter,
                       MfaService mfa, Duration sessionTtl, Duration refreshTtl, InstantSource clock) {
        this.users = users;
        this.sessions = sessions;
        this.hasher = hasher;
        this.limiter = limiter;
        this.mfa = mfa;
        this.sessionTtl = sessionTtl;
        this.refreshTtl = refreshTtl;
        this.clock = clock;
        this.decoyHash = hasher.hash(Tokens.newSessionToken());
    }

    /**
     * Checks the credentials (and the MFA code when the user has MFA) and opens a session with a refresh token.
     *
     * @param mfaCode the TOTP code, or null
     * @param address the client's address, for the per-address limit
     * @throws LoginRefusedException when refused
     */
    public Login login(String username, String password, String mfaCode, String address) {
        return login(username, password, mfaCode, address, true);
    }

    /**
     * As {@link #login(String, String, String, String)}; {@code withRefresh} false opens a session without refresh
     * token (a browser's cookie session, which ends with its cookie).
     */
    public Login login(String username, String password, String mfaCode, String address, boolean withRefresh) {
        Optional<Duration> blocked = limiter.blockedFor(username, address);
        if (blocked.isPresent()) {
            throw new LoginRefusedException(LoginRefusedException.Reason.RATE_LIMITED, "too many failed logins; try again later",
                    blocked.get(), null);
        }
        Optional<User> found = users.findByUsername(username);
        boolean ok = hasher.verify(password, found.map(User::passwordHash).orElse(decoyHash));
        if (found.isEmpty() || !ok || !found.get().active()) {
            limiter.recordFailure(username, address);
            throw new LoginRefusedException(LoginRefusedException.Reason.WRONG_CREDENTIALS, "wrong user name or password",
                    null, found.map(User::id).orElse(null));
        }
        User user = found.get();
        boolean mfaOn = mfa.enabled(user.id());
        if (mfaOn) {
            checkLoginCode(user, username, mfaCode, address);
        }
        limiter.recordSuccess(username);
        Instant now = clock.instant();
        if (hasher.needsRehash(user.passwordHash())) {
            users.updatePasswordHash(user.id(), hasher.hash(password), false, now);
        }
        boolean setupOnly = !mfaOn && mfa.requiredFor(user.role());
        String token = Tokens.newSessionToken();
        // a session that may only set up MFA gets no refresh token: it must not outlive its purpose
        String refresh = withRefresh && !setupOnly ? Tokens.newRefreshToken() : null;
        sessions.create(Tokens.digest(token), refresh == null ? null : Tokens.digest(refresh), user.id(), now,
                now.plus(sessionTtl), refresh == null ? null : now.plus(refreshTtl), setupOnly);
        return new Login(token, refresh, user, sessionTtl, setupOnly);
    }

    private void checkLoginCode(User user, String username, String mfaCode, String address) {
        if (mfaCode == null || mfaCode.isBlank()) {
            // the password was right: asking for the code is the normal second step, not a failure
            throw new LoginRefusedException(LoginRefusedException.Reason.MFA_REQUIRED,
                    "an MFA code is required: send mfa_code with the login", null, user.id());
        }
        MfaService.Check check = mfa.check(user.id(), mfaCode);
        if (check != MfaService.Check.ACCEPTED) {
            limiter.recordFailure(username, address);
            throw check == MfaService.Check.REPLAYED
                    ? new LoginRefusedException(LoginRefusedException.Reason.MFA_REPLAYED,
                            "this MFA code was used already; wait for the next one", null, user.id())
                    : new LoginRefusedException(LoginRefusedException.Reason.MFA_WRONG, "wrong MFA code", null, user.id());
        }
    }

    /**
     * A new session token and refresh token for a valid refresh token, which stops working (rotation).
     *
     * @throws LoginRefusedException when the refresh token is unknown, used, expired or its user inactive
     */
    public Login refresh(String refreshToken) {
        if (refreshToken == null || !refreshToken.startsWith(Tokens.REFRESH_PREFIX) || refreshToken.length() > 256) {
            throw new LoginRefusedException(LoginRefusedException.Reason.WRONG_CREDENTIALS, "not a valid refresh token",
                    null, null);
        }
        Instant now = clock.instant();
        String token = Tokens.newSessionToken();
        String refresh = Tokens.newRefreshToken();
        User user = sessions.rotate(Tokens.digest(refreshToken), Tokens.digest(token), Tokens.digest(refresh), now,
                now.plus(sessionTtl), now.plus(refreshTtl))
                .orElseThrow(() -> new LoginRefusedException(LoginRefusedException.Reason.WRONG_CREDENTIALS,
                        "refresh token unknown, already used or expired", null, null));
        boolean setupOnly = mfa.requiredFor(user.role()) && !mfa.enabled(user.id());
        if (setupOnly) {
            // the role came to require MFA after this refresh token was issued
            sessions.restrictToMfaSetup(Tokens.digest(token));
        }
        return new Login(token, refresh, user, sessionTtl, setupOnly);
    }

    /** Ends the session of this token; false when there was none. */
    public boolean logout(String token) {
        return sessions.delete(Tokens.digest(token));
    }

    /** Ends the session with this token digest; false when there was none. */
    public boolean endSession(byte[] tokenDigest) {
        return sessions.delete(tokenDigest);
    }

    /**
     * The caller an {@code Authorization} header names, if it names a valid session or API key of an active user.
     *
     * @param header the header value, or null
     */
    public Optional<Principal> authenticate(String header) {
        return authenticateHeader(header).map(Authenticated::principal);
    }

    /** As {@link #authenticate}, with what the session may do. */
    public Optional<Authenticated> authenticateHeader(String header) {
        Optional<Credential> credential = Credential.parse(header);
        if (credential.isEmpty()) {
            return Optional.empty();
        }
        String secret = credential.get().secret();
        if (secret.startsWith(Tokens.SESSION_PREFIX) && credential.get().bearer()) {
            return authenticateSession(secret);
        }
        return users.findByApiKey(Tokens.digest(secret)).map(u -> new Authenticated(principal(u), false, null));
    }

    /** The caller of a session token (from a header or a browser's cookie), if the session is valid. */
    public Optional<Authenticated> authenticateSession(String token) {
        if (token == null || !token.startsWith(Tokens.SESSION_PREFIX) || token.length() > Credential.MAX_CHARS) {
            return Optional.empty();
        }
        byte[] digest = Tokens.digest(token);
        return sessions.findSession(digest, clock.instant())
                .map(s -> new Authenticated(principal(s.user()), s.mfaSetupOnly(), digest));
    }

    private static Principal principal(User u) {
        return new Principal(u.id(), u.username(), u.role(), u.ouId());
    }

    /** Whether failed attempts for this account or address are at their limit (also for MFA codes after login). */
    public Optional<Duration> blockedFor(String username, String address) {
        return limiter.blockedFor(username, address);
    }

    /** Counts a failed password or code check outside login (e.g. disabling MFA) against the limits. */
    public void recordFailure(String username, String address) {
        limiter.recordFailure(username, address);
    }

    /** A new API key for the user, replacing any earlier one; the key is returned this once and stored as a digest. */
    public String regenerateApiKey(User user) {
        String key = Tokens.newApiKey();
        users.replaceApiKey(user.id(), Tokens.digest(key), key.substring(0, Tokens.SHOWN_PREFIX_CHARS), clock.instant());
        return key;
    }

    /**
     * The secret of an {@code Authorization} header.
     *
     * @param secret the token or key
     * @param bearer whether the scheme was Bearer (which takes session tokens and API keys) rather than ApiKey
     */
    public record Credential(String secret, boolean bearer) {

        /** Longest credential looked at; anything longer is not ours and is not hashed. */
        static final int MAX_CHARS = 256;

        /** Parses {@code Bearer <x>} or {@code ApiKey <x>} (scheme case-insensitive, RFC 9110 §11.1). */
        public static Optional<Credential> parse(String header) {
            if (header == null || header.length() > MAX_CHARS + 16) {
                return Optional.empty();
            }
            String[] parts = header.strip().split("\\s+", 2);
            if (parts.length != 2 || parts[1].isEmpty() || parts[1].length() > MAX_CHARS) {
                return Optional.empty();
            }
            if (parts[0].equalsIgnoreCase("Bearer")) {
                return Optional.of(new Credential(parts[1], true));
            }
            if (parts[0].equalsIgnoreCase("ApiKey")) {
                return Optional.of(new Credential(parts[1], false));
            }
            return Optional.empty();
        }
    }
}
