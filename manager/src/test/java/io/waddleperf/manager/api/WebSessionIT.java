package io.waddleperf.manager.api;

import static io.waddleperf.manager.api.ManagerApiIT.assertField;
import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.manager.Harness;
import io.waddleperf.manager.Harness.Answer;
import io.waddleperf.manager.store.TestDatabases.Kind;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The browser's way in: an HttpOnly SameSite cookie and a CSRF token on every request that changes something. */
class WebSessionIT {

    private static final Map<String, String> CREDENTIALS = Map.of("username", Harness.ADMIN, "password", Harness.ADMIN_PASSWORD);

    /** The value of cookie {@code name} among the answer's Set-Cookie headers. */
    static Optional<String> setCookie(Answer a, String name) {
        return a.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(name + "=")).findFirst();
    }

    static String cookieValue(String setCookie) {
        return setCookie.substring(setCookie.indexOf('=') + 1, setCookie.indexOf(';'));
    }

    private static Answer webLogin(Harness m) {
        Answer a = m.call("POST", "/api/v1/auth/web-login", null, CREDENTIALS);
        assertThat(a.status()).as(a.toString()).isEqualTo(200);
        return a;
    }

    @Test
    void a_browser_login_sets_httponly_strict_cookies_and_changes_need_the_csrf_token() {
        try (Harness m = Harness.start(Kind.H2)) {
            Answer login = webLogin(m);
            String session = setCookie(login, Requests.SESSION_COOKIE).orElseThrow();
            String csrfCookie = setCookie(login, Requests.CSRF_COOKIE).orElseThrow();
            assertThat(session).startsWith("wp_session=wps_").contains("; HttpOnly", "; SameSite=Strict", "; Path=/", "; Max-Age=43200")
                    .doesNotContain("Secure");
            assertThat(csrfCookie).contains("; SameSite=Strict").doesNotContain("HttpOnly", "Secure");
            String csrf = login.json().get("csrf_token").asText();
            assertThat(cookieValue(csrfCookie)).isEqualTo(csrf);
            assertThat(login.body()).as("the session token is for the cookie only").doesNotContain("wps_", "refresh_token");
            assertThat(login.json().get("user").get("username").asText()).isEqualTo(Harness.ADMIN);

            String cookies = Requests.SESSION_COOKIE + "=" + cookieValue(session) + "; " + Requests.CSRF_COOKIE + "=" + csrf;
            assertThat(m.send("GET", "/api/v1/auth/me", Map.of("Cookie", cookies), null).status()).isEqualTo(200);
            Map<String, String> ou = Map.of("name", "made-by-browser");
            assertField(m.send("POST", "/api/v1/organizations", Map.of("Cookie", cookies), ou), 403, "x_csrf_token");
            assertField(m.send("POST", "/api/v1/organizations", Map.of("Cookie", cookies, "X-CSRF-Token", "0".repeat(64)), ou),
                    403, "x_csrf_token");
            // the cookie alone is what another site's form could make the browser send: nothing was created
            String admin = m.adminLogin();
            assertThat(m.call("GET", "/api/v1/organizations", admin, null).json()).isEmpty();
            // a second browser session's token does not fit this session
            String otherCsrf = webLogin(m).json().get("csrf_token").asText();
            assertThat(otherCsrf).isNotEqualTo(csrf);
            assertField(m.send("POST", "/api/v1/organizations", Map.of("Cookie", cookies, "X-CSRF-Token", otherCsrf), ou),
                    403, "x_csrf_token");
            Answer made = m.send("POST", "/api/v1/organizations", Map.of("Cookie", cookies, "X-CSRF-Token", csrf), ou);
            assertThat(made.status()).as(made.toString()).isEqualTo(201);

            // token clients are unaffected: no CSRF token, even with a stale cookie along
            assertThat(m.call("POST", "/api/v1/organizations", admin, Map.of("name", "made-by-token")).status()).isEqualTo(201);
            assertThat(m.send("POST", "/api/v1/organizations", Map.of("Authorization", admin, "Cookie", "wp_session=wps_stale"),
                    Map.of("name", "token-wins")).status()).isEqualTo(201);

            assertField(m.send("POST", "/api/v1/auth/logout", Map.of("Cookie", cookies), null), 403, "x_csrf_token");
            Answer logout = m.send("POST", "/api/v1/auth/logout", Map.of("Cookie", cookies, "X-CSRF-Token", csrf), null);
            assertThat(logout.status()).isEqualTo(204);
            assertThat(setCookie(logout, Requests.SESSION_COOKIE).orElseThrow()).startsWith("wp_session=;").contains("Max-Age=0");
            assertThat(setCookie(logout, Requests.CSRF_COOKIE).orElseThrow()).contains("Max-Age=0");
            assertThat(m.send("GET", "/api/v1/auth/me", Map.of("Cookie", cookies), null).status()).isEqualTo(401);
        }
    }

    @Test
    void a_browser_login_must_be_declared_json_so_no_other_site_can_post_it() {
        try (Harness m = Harness.start(Kind.H2)) {
            String json = "{\"username\":\"admin\",\"password\":\"" + Harness.ADMIN_PASSWORD + "\"}";
            for (String type : List.of("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x")) {
                Answer a = m.send("POST", "/api/v1/auth/web-login", Map.of("Content-Type", type), json);
                assertThat(a.status()).as(type).isEqualTo(415);
                assertThat(a.headers().allValues("Set-Cookie")).isEmpty();
            }
            assertThat(m.send("POST", "/api/v1/auth/web-login", Map.of("Content-Type", "application/json; charset=utf-8"), json)
                    .status()).isEqualTo(200);
            Answer wrong = m.call("POST", "/api/v1/auth/web-login", null, Map.of("username", "admin", "password", "wrong password!"));
            assertThat(wrong.status()).isEqualTo(401);
            assertThat(wrong.headers().allValues("Set-Cookie")).isEmpty();
        }
    }

    @Test
    void a_password_change_in_the_browser_ends_the_session_and_clears_the_cookies() {
        try (Harness m = Harness.start(Kind.H2)) {
            Answer login = webLogin(m);
            String csrf = login.json().get("csrf_token").asText();
            String cookies = "wp_session=" + cookieValue(setCookie(login, Requests.SESSION_COOKIE).orElseThrow());
            Answer change = m.send("POST", "/api/v1/auth/change-password", Map.of("Cookie", cookies, "X-CSRF-Token", csrf),
                    Map.of("current_password", Harness.ADMIN_PASSWORD, "new_password", "another long password"));
            assertThat(change.status()).as(change.toString()).isEqualTo(204);
            assertThat(setCookie(change, Requests.SESSION_COOKIE).orElseThrow()).contains("Max-Age=0");
            assertThat(m.send("GET", "/api/v1/auth/me", Map.of("Cookie", cookies), null).status()).isEqualTo(401);
        }
    }
}
