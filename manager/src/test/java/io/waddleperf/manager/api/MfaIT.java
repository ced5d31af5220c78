package io.waddleperf.manager.api;

import static io.waddleperf.manager.api.ManagerApiIT.assertField;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.waddleperf.manager.Harness;
import io.waddleperf.manager.Harness.Answer;
import io.waddleperf.manager.MutableClock;
import io.waddleperf.manager.auth.Base32;
import io.waddleperf.manager.auth.QrPngTest;
import io.waddleperf.manager.auth.Totp;
import io.waddleperf.manager.store.TestDatabases.Kind;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** MFA over real HTTP: setup with QR code, verify, login with codes that work once, disable, required roles, reset. */
class MfaIT {

    private static final String PASSWORD = "a long enough password";
    private static final Instant START = Instant.parse("2026-05-01T12:00:05Z");

    private final MutableClock clock = new MutableClock(START);

    private Harness start(Map<String, String> settings) {
        return Harness.start(Kind.H2, settings, clock);
    }

    private String code(String secret) {
        return Totp.codeAt(Base32.decode(secret), clock.instant());
    }

    /** A 6-digit code that is none of the codes accepted now. */
    private String wrongCode(String secret) {
        byte[] key = Base32.decode(secret);
        long step = Totp.step(clock.instant(), Totp.PERIOD);
        List<String> near = List.of(Totp.code(key, step - 1, Totp.Algorithm.SHA1, 6), Totp.code(key, step, Totp.Algorithm.SHA1, 6),
                Totp.code(key, step + 1, Totp.Algorithm.SHA1, 6));
        for (int i = 0; ; i++) {
            String candidate = String.format("%06d", i);
            if (!near.contains(candidate)) {
                return candidate;
            }
        }
    }

    private static Answer login(Harness m, String user, String password, String code) {
        Map<String, String> body = new LinkedHashMap<>(Map.of("username", user, "password", password));
        if (code != null) {
            body.put("mfa_code", code);
        }
        return m.call("POST", "/api/v1/auth/login", null, body);
    }

    private static String bearer(Answer login) {
        assertThat(login.status()).as(login.toString()).isEqualTo(200);
        return "Bearer " + login.json().get("token").asText();
    }

    /** Sets up and verifies MFA for the session's user; returns the secret. */
    private String enable(Harness m, String bearer) {
        Answer setup = m.call("POST", "/api/v1/auth/mfa/setup", bearer, null);
        assertThat(setup.status()).as(setup.toString()).isEqualTo(201);
        String secret = setup.json().get("secret").asText();
        Answer verify = m.call("POST", "/api/v1/auth/mfa/verify", bearer, Map.of("code", code(secret)));
        assertThat(verify.status()).as(verify.toString()).isEqualTo(200);
        return secret;
    }

    @Test
    void setup_shows_uri_and_qr_once_and_a_verified_secret_makes_every_login_need_a_fresh_code() throws Exception {
        try (Harness m = start(Map.of())) {
            String admin = m.adminLogin();
            Answer setup = m.call("POST", "/api/v1/auth/mfa/setup", admin, null);
            assertThat(setup.status()).as(setup.toString()).isEqualTo(201);
            assertThat(setup.headers().firstValue("Cache-Control")).hasValue("no-store");
            JsonNode s = setup.json();
            String secret = s.get("secret").asText();
            assertThat(Base32.decode(secret)).hasSize(Totp.SECRET_BYTES);
            String uri = s.get("otpauth_uri").asText();
            assertThat(uri).isEqualTo("otpauth://totp/WaddlePerf:admin?secret=" + secret
                    + "&issuer=WaddlePerf&algorithm=SHA1&digits=6&period=30");
            assertThat(s.get("issuer").asText()).isEqualTo("WaddlePerf");
            String qr = s.get("qr_code").asText();
            assertThat(qr).startsWith("data:image/png;base64,");
            assertThat(QrPngTest.decode(Base64.getDecoder().decode(qr.substring(qr.indexOf(',') + 1)))).isEqualTo(uri);

            // stored sealed: neither the Base32 text nor the raw bytes are in the row
            byte[] stored = m.db().read(h -> h.createQuery("SELECT mfa_secret FROM users WHERE username = 'admin'")
                    .mapTo(byte[].class).one());
            String storedText = new String(stored, StandardCharsets.ISO_8859_1);
            assertThat(storedText).doesNotContain(secret).doesNotContain(new String(Base32.decode(secret), StandardCharsets.ISO_8859_1));
            assertThat(HexFormat.of().formatHex(stored)).doesNotContain(HexFormat.of().formatHex(Base32.decode(secret)));

            // not in force until verified: logins need no code yet
            assertThat(login(m, Harness.ADMIN, Harness.ADMIN_PASSWORD, null).status()).isEqualTo(200);
            assertField(m.call("POST", "/api/v1/auth/mfa/verify", admin, Map.of("code", wrongCode(secret))), 400, "code");
            assertField(m.call("POST", "/api/v1/auth/mfa/verify", admin, Map.of("code", "12ab56")), 400, "code");
            Answer verify = m.call("POST", "/api/v1/auth/mfa/verify", admin, Map.of("code", code(secret)));
            assertThat(verify.status()).as(verify.toString()).isEqualTo(200);
            assertThat(verify.json().get("mfa_enabled").asBoolean()).isTrue();
            assertThat(m.call("GET", "/api/v1/auth/me", admin, null).json().get("mfa_enabled").asBoolean()).isTrue();

            Answer noCode = login(m, Harness.ADMIN, Harness.ADMIN_PASSWORD, null);
            assertThat(noCode.status()).isEqualTo(401);
            assertThat(noCode.json().get("mfa_required").asBoolean()).isTrue();
            assertThat(noCode.body()).doesNotContain("token");
            Answer wrongPassword = login(m, Harness.ADMIN, "not the password!", code(secret));
            assertThat(wrongPassword.status()).isEqualTo(401);
            assertThat(wrongPassword.json().has("mfa_required")).as("a wrong password tells nothing about MFA").isFalse();
            Answer replayOfVerify = login(m, Harness.ADMIN, Harness.ADMIN_PASSWORD, code(secret));
            assertThat(replayOfVerify.status()).isEqualTo(401);
            assertThat(replayOfVerify.json().get("error").asText()).contains("used already");

            clock.advance(Duration.ofSeconds(30));
            String fresh = code(secret);
            Answer ok = login(m, Harness.ADMIN, Harness.ADMIN_PASSWORD, fresh.substring(0, 3) + " " + fresh.substring(3));
            assertThat(ok.status()).as(ok.toString()).isEqualTo(200);
            assertThat(ok.json().get("user").get("mfa_enabled").asBoolean()).isTrue();
            Answer replay = login(m, Harness.ADMIN, Harness.ADMIN_PASSWORD, fresh);
            assertThat(replay.status()).isEqualTo(401);
            assertThat(replay.json().get("mfa_required").asBoolean()).isTrue();
            // the previous step's code stays refused once a later one was used, even inside the drift window
            clock.advance(Duration.ofSeconds(30));
            assertThat(login(m, Harness.ADMIN, Harness.ADMIN_PASSWORD, fresh).status()).isEqualTo(401);
            assertThat(login(m, Harness.ADMIN, Harness.ADMIN_PASSWORD, code(secret)).status()).isEqualTo(200);

            Answer again = m.call("POST", "/api/v1/auth/mfa/setup", admin, null);
            assertThat(again.status()).isEqualTo(409);
            for (String path : List.of("/api/v1/auth/me", "/api/v1/users", "/api/v1/audit?limit=1000")) {
                assertThat(m.call("GET", path, admin, null).body()).as(path).doesNotContain(secret);
            }
        }
    }

    @Test
    void disabling_needs_the_password_or_a_fresh_code() {
        try (Harness m = start(Map.of())) {
            String admin = m.adminLogin();
            String secret = enable(m, admin);
            assertField(m.call("POST", "/api/v1/auth/mfa/disable", admin, Map.of()), 400, "password");
            assertField(m.call("POST", "/api/v1/auth/mfa/disable", admin, Map.of("password", Harness.ADMIN_PASSWORD,
                    "code", "123456")), 400, "code");
            assertField(m.call("POST", "/api/v1/auth/mfa/disable", admin, Map.of("password", "not the password!")), 403, "password");
            assertField(m.call("POST", "/api/v1/auth/mfa/disable", admin, Map.of("code", code(secret))), 400, "code");
            assertThat(m.call("POST", "/api/v1/auth/mfa/disable", admin, Map.of("password", Harness.ADMIN_PASSWORD)).status())
                    .isEqualTo(204);
            assertThat(login(m, Harness.ADMIN, Harness.ADMIN_PASSWORD, null).status()).isEqualTo(200);
            assertThat(m.call("POST", "/api/v1/auth/mfa/disable", admin, Map.of("password", Harness.ADMIN_PASSWORD)).status())
                    .isEqualTo(409);

            clock.advance(Duration.ofSeconds(30));
            String second = enable(m, admin);
            assertThat(second).isNotEqualTo(secret);
            clock.advance(Duration.ofSeconds(30));
            assertThat(m.call("POST", "/api/v1/auth/mfa/disable", admin, Map.of("code", code(second))).status()).isEqualTo(204);
            assertThat(m.call("GET", "/api/v1/auth/me", admin, null).json().get("mfa_enabled").asBoolean()).isFalse();
        }
    }

    @Test
    void a_role_that_requires_mfa_may_only_set_it_up_until_it_has() {
        try (Harness m = start(Map.of("auth.mfa_required_roles", "global_admin, ou_admin"))) {
            Answer first = login(m, Harness.ADMIN, Harness.ADMIN_PASSWORD, null);
            assertThat(first.status()).isEqualTo(200);
            assertThat(first.json().get("mfa_setup_required").asBoolean()).isTrue();
            assertThat(first.json().has("refresh_token")).isFalse();
            String admin = bearer(first);
            Answer refused = m.call("GET", "/api/v1/users", admin, null);
            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.json().get("mfa_setup_required").asBoolean()).isTrue();
            assertThat(m.call("POST", "/api/v1/organizations", admin, Map.of("name", "x")).status()).isEqualTo(403);
            Answer me = m.call("GET", "/api/v1/auth/me", admin, null);
            assertThat(me.status()).isEqualTo(200);
            assertThat(me.json().get("mfa_setup_required").asBoolean()).isTrue();

            String secret = enable(m, admin);
            assertThat(m.call("GET", "/api/v1/users", admin, null).status()).as("the same session, freed").isEqualTo(200);
            assertThat(m.call("GET", "/api/v1/auth/me", admin, null).json().has("mfa_setup_required")).isFalse();
            Answer disable = m.call("POST", "/api/v1/auth/mfa/disable", admin, Map.of("password", Harness.ADMIN_PASSWORD));
            assertThat(disable.status()).isEqualTo(409);
            assertThat(disable.json().get("error").asText()).contains("requires MFA");
            assertThat(login(m, Harness.ADMIN, Harness.ADMIN_PASSWORD, null).json().get("mfa_required").asBoolean()).isTrue();
            clock.advance(Duration.ofSeconds(30));
            Answer full = login(m, Harness.ADMIN, Harness.ADMIN_PASSWORD, code(secret));
            assertThat(full.json().has("mfa_setup_required")).isFalse();
            assertThat(full.json().get("refresh_token").asText()).startsWith("wpr_");

            // a role the setting does not name logs in as usual
            m.call("POST", "/api/v1/users", admin, Map.of("username", "rep", "password", PASSWORD, "role", "global_reporter"));
            Answer rep = login(m, "rep", PASSWORD, null);
            assertThat(rep.json().has("mfa_setup_required")).isFalse();
            assertThat(m.call("GET", "/api/v1/users", bearer(rep), null).status()).isEqualTo(200);
        }
    }

    @Test
    void admins_reset_the_mfa_of_users_in_their_scope_and_not_their_own() {
        try (Harness m = start(Map.of())) {
            String admin = m.adminLogin();
            String ouA = m.call("POST", "/api/v1/organizations", admin, Map.of("name", "a")).json().get("id").asText();
            String ouB = m.call("POST", "/api/v1/organizations", admin, Map.of("name", "b")).json().get("id").asText();
            String userId = m.call("POST", "/api/v1/users", admin, Map.of("username", "ann", "password", PASSWORD,
                    "role", "user", "ou_id", ouA)).json().get("id").asText();
            for (String[] u : List.of(new String[] {"admin-a", ouA}, new String[] {"admin-b", ouB}, new String[] {"rep-a", ouA})) {
                m.call("POST", "/api/v1/users", admin, Map.of("username", u[0], "password", PASSWORD,
                        "role", u[0].startsWith("rep") ? "ou_reporter" : "ou_admin", "ou_id", u[1]));
            }
            String ann = m.login("ann", PASSWORD);
            enable(m, ann);
            assertThat(login(m, "ann", PASSWORD, null).json().get("mfa_required").asBoolean()).isTrue();
            assertThat(m.call("GET", "/api/v1/users/" + userId, admin, null).json().get("mfa_enabled").asBoolean()).isTrue();

            assertThat(m.call("DELETE", "/api/v1/users/" + userId + "/mfa", m.login("admin-b", PASSWORD), null).status()).isEqualTo(404);
            assertThat(m.call("DELETE", "/api/v1/users/" + userId + "/mfa", m.login("rep-a", PASSWORD), null).status()).isEqualTo(403);
            assertThat(m.call("DELETE", "/api/v1/users/" + userId + "/mfa", ann, null).status()).isEqualTo(403);
            assertThat(m.call("DELETE", "/api/v1/users/" + userId + "/mfa", m.login("admin-a", PASSWORD), null).status()).isEqualTo(204);
            assertThat(login(m, "ann", PASSWORD, null).status()).isEqualTo(200);
            assertThat(m.call("GET", "/api/v1/users/" + userId, admin, null).json().get("mfa_enabled").asBoolean()).isFalse();
            String adminId = m.call("GET", "/api/v1/auth/me", admin, null).json().get("id").asText();
            assertField(m.call("DELETE", "/api/v1/users/" + adminId + "/mfa", admin, null), 403, "id");
        }
    }

    @Test
    void an_api_key_cannot_manage_mfa_and_wrong_codes_count_as_failed_logins() {
        try (Harness m = start(Map.of("auth.max_failures_per_account", "3"))) {
            String admin = m.adminLogin();
            String adminId = m.call("GET", "/api/v1/auth/me", admin, null).json().get("id").asText();
            String key = "ApiKey " + m.call("POST", "/api/v1/users/" + adminId + "/api-key", admin, null).json().get("api_key").asText();
            assertField(m.call("POST", "/api/v1/auth/mfa/setup", key, null), 403, "authorization");
            String secret = enable(m, admin);
            for (int i = 0; i < 3; i++) {
                Answer wrong = login(m, Harness.ADMIN, Harness.ADMIN_PASSWORD, wrongCode(secret));
                assertThat(wrong.status()).isEqualTo(401);
                assertThat(wrong.json().get("error").asText()).isEqualTo("wrong MFA code");
            }
            clock.advance(Duration.ofSeconds(30));
            Answer limited = login(m, Harness.ADMIN, Harness.ADMIN_PASSWORD, code(secret));
            assertThat(limited.status()).as("even the right code waits out the limit").isEqualTo(429);
            assertThat(m.call("GET", "/api/v1/auth/me", key, null).status()).as("an API key needs no code").isEqualTo(200);
        }
    }
}
