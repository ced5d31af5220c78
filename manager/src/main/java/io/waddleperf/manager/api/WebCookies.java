package io.waddleperf.manager.api;

import io.javalin.http.Context;
import java.time.Duration;

/**
 * The two cookies of a browser session: {@code wp_session} (the session token; HttpOnly, so no script, not even an
 * injected one, can read it) and {@code wp_csrf} (its CSRF token, for the manager's own pages to read). Both are
 * SameSite=Strict, so a browser sends neither on a request another site starts, Path=/, and Secure when the login
 * came over HTTPS, so a browser never sends them over plain HTTP afterwards.
 */
final class WebCookies {

    private WebCookies() {
    }

    static void set(Context ctx, String sessionToken, String csrfToken, Duration ttl) {
        boolean secure = Requests.isSecure(ctx);
        ctx.res().addHeader("Set-Cookie", cookie(Requests.SESSION_COOKIE, sessionToken, ttl.toSeconds(), true, secure));
        ctx.res().addHeader("Set-Cookie", cookie(Requests.CSRF_COOKIE, csrfToken, ttl.toSeconds(), false, secure));
    }

    /** Expires both cookies in the browser (logout, password change); harmless when there were none. */
    static void clear(Context ctx) {
        if (ctx.cookie(Requests.SESSION_COOKIE) == null && ctx.cookie(Requests.CSRF_COOKIE) == null) {
            return;
        }
        boolean secure = Requests.isSecure(ctx);
        ctx.res().addHeader("Set-Cookie", cookie(Requests.SESSION_COOKIE, "", 0, true, secure));
        ctx.res().addHeader("Set-Cookie", cookie(Requests.CSRF_COOKIE, "", 0, false, secure));
    }

    static String cookie(String name, String value, long maxAgeSeconds, boolean httpOnly, boolean secure) {
        return name + "=" + value + "; Path=/; Max-Age=" + maxAgeSeconds + (httpOnly ? "; HttpOnly" : "")
                + "; SameSite=Strict" + (secure ? "; Secure" : "");
    }
}
