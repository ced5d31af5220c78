package io.waddleperf.manager.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.waddleperf.manager.ingest.SubmittedJson;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.waddleperf.core.address.ClientAddress;
import io.waddleperf.core.result.Json;
import io.waddleperf.manager.audit.AuditLog;
import io.waddleperf.manager.auth.AuthService;
import io.waddleperf.manager.auth.Principal;
import io.waddleperf.manager.auth.ServerKey;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * What every handler needs from a request: the caller, a size-limited JSON body, typed path and query parameters, the
 * client's address. Each failure is an {@link ApiException} naming the part of the request at fault.
 *
 * <p>Callers authenticate with {@code Authorization: Bearer|ApiKey …}, {@code X-API-Key}, or a browser's session
 * cookie. A browser sends its cookie along on requests other sites make it send, so a request authenticated by the
 * cookie that may change something (any method but GET, HEAD and OPTIONS) must also carry the session's CSRF token in
 * {@code X-CSRF-Token} — which only a page of this manager can read. Header credentials need no CSRF token: a browser
 * never adds them on its own.
 *
 * <p>The client's address is the socket peer's, or, when the peer is a trusted proxy ({@code trusted_proxies}), the
 * last address in {@code X-Forwarded-For} that is not a trusted proxy; likewise {@code X-Forwarded-Proto: https}
 * from a trusted proxy counts as HTTPS. Over HTTPS every answer carries {@code Strict-Transport-Security}.
 */
public final class Requests {

    /** The browser session's cookie: the session token, HttpOnly so no script can read it. */
    public static final String SESSION_COOKIE = "wp_session";
    /** The CSRF token's cookie, readable by the manager's own pages (a reloaded page gets the token from it). */
    public static final String CSRF_COOKIE = "wp_csrf";
    /** Where a cookie-authenticated request that changes something carries the CSRF token. */
    public static final String CSRF_HEADER = "X-CSRF-Token";
    /** HSTS over HTTPS: one year, the value browsers' preload rules ask for (RFC 6797). */
    public static final String HSTS = "max-age=31536000";

    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");
    private static final String CLIENT = Requests.class.getName() + ".client";
    private static final String SECURE = Requests.class.getName() + ".secure";

    private final AuthService auth;
    private final long maxBodyBytes;
    private final ClientAddress clientAddress;
    private final ServerKey key;

    public Requests(AuthService auth, long maxBodyBytes, ClientAddress clientAddress, ServerKey key) {
        this.auth = auth;
        this.maxBodyBytes = maxBodyBytes;
        this.clientAddress = clientAddress;
        this.key = key;
    }

    /** Resolves every request's client address and scheme once, before any handler, and adds HSTS over HTTPS. */
    public void addFilters(RoutesConfig routes) {
        routes.before(ctx -> {
            String peer = peer(ctx);
            ctx.attribute(CLIENT, clientAddress.resolve(peer, Collections.list(ctx.req().getHeaders("X-Forwarded-For"))));
            boolean secure = ctx.req().isSecure() || (clientAddress.isTrustedProxy(peer)
                    && "https".equalsIgnoreCase(lastValue(ctx.req().getHeaders("X-Forwarded-Proto"))));
            ctx.attribute(SECURE, secure);
            if (secure) {
                ctx.header("Strict-Transport-Security", HSTS);
            }
        });
    }

    /**
     * The authenticated caller, from {@code Authorization: Bearer|ApiKey …}, {@code X-API-Key} or the session cookie
     * (with the CSRF token on requests that change something).
     *
     * @throws ApiException 401 without valid credentials, 403 without a needed CSRF token or for a session that must
     *     first set up MFA
     */
    public Principal caller(Context ctx) {
        return authenticated(ctx, false).principal();
    }

    /** As {@link #caller}, also for a session that may only set up MFA (the MFA setup routes, {@code /auth/me}). */
    public Principal callerDuringMfaSetup(Context ctx) {
        return authenticated(ctx, true).principal();
    }

    /** The caller with how it authenticated; {@code mfaSetupAllowed} admits sessions that may only set up MFA. */
    public AuthService.Authenticated authenticated(Context ctx, boolean mfaSetupAllowed) {
        String authorization = ctx.header("Authorization");
        String apiKey = ctx.header("X-API-Key");
        if (authorization == null && apiKey != null) {
            // the original container client sends its key this way
            authorization = "ApiKey " + apiKey;
        }
        AuthService.Authenticated a;
        if (authorization != null) {
            a = auth.authenticateHeader(authorization).orElseThrow(Requests::unauthenticated);
        } else {
            String cookie = ctx.cookie(SESSION_COOKIE);
            if (cookie == null) {
                throw unauthenticated();
            }
            a = auth.authenticateSession(cookie).orElseThrow(Requests::unauthenticated);
            if (!SAFE_METHODS.contains(ctx.method().name()) && !key.isCsrfToken(ctx.header(CSRF_HEADER), a.sessionDigest())) {
                throw ApiException.forbidden("x_csrf_token", "a request authenticated by the session cookie that changes "
                        + "something needs the session's CSRF token in the " + CSRF_HEADER + " header");
            }
        }
        if (a.mfaSetupOnly() && !mfaSetupAllowed) {
            throw ApiException.mfaSetupRequired("role " + a.principal().role() + " requires MFA: set it up with POST "
                    + AuthApi.BASE + "/mfa/setup and " + AuthApi.BASE + "/mfa/verify, then use this session as usual");
        }
        return a;
    }

    private static ApiException unauthenticated() {
        return ApiException.unauthorized("authentication required: Authorization: Bearer <token> or ApiKey <key>, "
                + "or a session cookie");
    }

    /** The CSRF token of a session token (what a cookie login hands the page). */
    public String csrfToken(byte[] sessionDigest) {
        return key.csrfToken(sessionDigest);
    }

    /** Whether the request came over HTTPS (directly, or from a trusted proxy that says so). */
    public static boolean isSecure(Context ctx) {
        return Boolean.TRUE.equals(ctx.attribute(SECURE));
    }

    /** The actor of an audit entry: the caller and the client's address. */
    public static AuditLog.Actor actor(Context ctx, Principal p) {
        return new AuditLog.Actor(p.userId(), p.username(), clientAddress(ctx));
    }

    /** The body parsed as JSON, at most {@code max_body_bytes} long. */
    public JsonNode json(Context ctx) {
        byte[] body = jsonBody(ctx);
        try {
            JsonNode node = Json.mapper().readTree(body);
            if (node == null || node.isMissingNode()) {
                throw ApiException.badRequest("body", "a JSON body is required");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("body", "not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiException.badRequest("body", "could not be read: " + e.getMessage());
        }
    }

    /**
     * {@link #json} with the text of each result object as sent ({@link SubmittedJson}), for the results upload:
     * the same checks and the same answers to a body that is no JSON.
     */
    public SubmittedJson jsonWithTexts(Context ctx) {
        byte[] body = jsonBody(ctx);
        try {
            SubmittedJson parsed = SubmittedJson.parse(body);
            if (parsed.tree() == null || parsed.tree().isMissingNode()) {
                throw ApiException.badRequest("body", "a JSON body is required");
            }
            return parsed;
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("body", "not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiException.badRequest("body", "could not be read: " + e.getMessage());
        }
    }

    /** The body of a JSON request (media type checked, not empty, at most {@code max_body_bytes}). */
    private byte[] jsonBody(Context ctx) {
        String contentType = ctx.header("Content-Type");
        if (contentType != null && !contentType.isBlank()) {
            String media = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
            if (!media.equals("application/json") && !media.endsWith("+json")) {
                throw ApiException.unsupportedMediaType("Content-Type must be application/json, got '" + media + "'");
            }
        }
        byte[] body = body(ctx, maxBodyBytes);
        if (body.length == 0) {
            throw ApiException.badRequest("body", "a JSON body is required");
        }
        return body;
    }

    /** The raw body, refused with 413 beyond {@code max} bytes (declared or read). */
    public byte[] body(Context ctx, long max) {
        long maxBodyBytes = Math.min(max, this.maxBodyBytes);
        long declared = ctx.req().getContentLengthLong();
        if (declared > maxBodyBytes) {
            discardRest(ctx, maxBodyBytes);
            throw ApiException.payloadTooLarge("body of " + declared + " bytes exceeds the limit of " + maxBodyBytes);
        }
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
            if (body.length > maxBodyBytes) {
                discardRest(ctx, maxBodyBytes);
                throw ApiException.payloadTooLarge("body exceeds the limit of " + maxBodyBytes + " bytes");
            }
            return body;
        } catch (IOException e) {
            throw ApiException.badRequest("body", "could not be read: " + e.getMessage());
        }
    }

    /**
     * Reads and drops what is left of a refused body, up to {@code limit} more bytes. Answered with the body unread,
     * the connection is closed with data in its receive queue, which the kernel turns into a reset, and a client
     * still sending may lose the 413 before it reads it (nginx lingers on such a close for the same reason). A body
     * more than {@code limit} over is cut off as before; the connection guard's minimum body rate bounds how long a
     * slow sender can keep this read going.
     */
    private static void discardRest(Context ctx, long limit) {
        try {
            long left = limit;
            byte[] sink = new byte[8192];
            InputStream in = ctx.req().getInputStream();
            for (int n; left > 0 && (n = in.read(sink, 0, (int) Math.min(sink.length, left))) > 0; ) {
                left -= n;
            }
        } catch (IOException e) {
            // the client went away or was too slow: the refusal stands, nothing to read any more
        }
    }

    /** A required text field of a JSON object, at most {@code max} characters. */
    public static String text(JsonNode body, String field, int max) {
        String v = optionalText(body, field, max);
        if (v == null || v.isBlank()) {
            throw ApiException.badRequest(field, "is required");
        }
        return v;
    }

    /** An optional text field (null when absent or null). */
    public static String optionalText(JsonNode body, String field, int max) {
        if (!body.isObject()) {
            throw ApiException.badRequest("body", "must be a JSON object");
        }
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw ApiException.badRequest(field, "must be a string");
        }
        if (n.textValue().length() > max) {
            throw ApiException.badRequest(field, "is longer than " + max + " characters");
        }
        return n.textValue();
    }

    /** A UUID path parameter. */
    public static UUID pathId(Context ctx, String name) {
        try {
            return UUID.fromString(ctx.pathParam(name));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(name, "'" + ctx.pathParam(name) + "' is not a UUID");
        }
    }

    /** A UUID query parameter, or null when absent. */
    public static UUID uuidParam(Context ctx, String name) {
        String v = ctx.queryParam(name);
        if (v == null || v.isEmpty()) {
            return null;
        }
        try {
            return UUID.fromString(v);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(name, "'" + v + "' is not a UUID");
        }
    }

    /** An integer query parameter in {@code [min, max]}, or {@code dflt} when absent. */
    public static int intParam(Context ctx, String name, int dflt, int min, int max) {
        String v = ctx.queryParam(name);
        if (v == null || v.isEmpty()) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) {
                throw ApiException.badRequest(name, "must be between " + min + " and " + max + ", got " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(name, "'" + v + "' is not an integer");
        }
    }

    /** An RFC 3339 time query parameter, or {@code dflt} when absent. */
    public static Instant timeParam(Context ctx, String name, Instant dflt) {
        String v = ctx.queryParam(name);
        if (v == null || v.isEmpty()) {
            return dflt;
        }
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest(name, "'" + v + "' is not an RFC 3339 UTC time such as 2026-01-31T12:00:00Z");
        }
    }

    /**
     * The client's address: the socket peer's, or behind a trusted proxy the forwarded one (the per-address login
     * limit's key and the audit log's address).
     */
    public static String clientAddress(Context ctx) {
        String resolved = ctx.attribute(CLIENT);
        return resolved != null ? resolved : peer(ctx);
    }

    private static String peer(Context ctx) {
        String a = ctx.req().getRemoteAddr();
        // Jetty writes IPv6 peers in brackets
        return a.startsWith("[") && a.endsWith("]") ? a.substring(1, a.length() - 1) : a;
    }

    private static String lastValue(Enumeration<String> headers) {
        List<String> all = Collections.list(headers).stream()
                .flatMap(h -> Arrays.stream(h.split(","))).map(String::strip).toList();
        return all.isEmpty() ? null : all.getLast();
    }
}
