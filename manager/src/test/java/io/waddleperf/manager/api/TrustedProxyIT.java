package io.waddleperf.manager.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.waddleperf.manager.Harness;
import io.waddleperf.manager.Harness.Answer;
import io.waddleperf.manager.store.TestDatabases.Kind;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code X-Forwarded-For} and {@code X-Forwarded-Proto} count only from a configured proxy: they decide the per-address
 * login limit, the audit log's client address, Secure cookies and HSTS. The test's requests come from 127.0.0.1.
 */
class TrustedProxyIT {

    private static Answer failedLogin(Harness m, String user, String forwardedFor) {
        Answer a = m.send("POST", "/api/v1/auth/login", Map.of("X-Forwarded-For", forwardedFor),
                Map.of("username", user, "password", "not the password"));
        return a;
    }

    private static List<String> auditAddresses(Harness m, String action) {
        List<String> out = new ArrayList<>();
        for (JsonNode e : m.call("GET", "/api/v1/audit?action=" + action, m.adminLogin(), null).json().get("entries")) {
            out.add(e.get("client_address").asText());
        }
        return out;
    }

    @Test
    void without_trusted_proxies_forwarded_headers_are_ignored() {
        try (Harness m = Harness.start(Kind.H2, Map.of("auth.max_failures_per_ip", "3"), InstantSource.system())) {
            for (int i = 1; i <= 3; i++) {
                assertThat(failedLogin(m, "someone" + i, "198.51.100." + i).status()).isEqualTo(401);
            }
            // a client cannot dodge the per-address limit by claiming another address
            assertThat(failedLogin(m, "someone4", "198.51.100.4").status()).isEqualTo(429);
            assertThat(failedLogin(m, Harness.ADMIN, "198.51.100.5").status()).isEqualTo(429);
            Answer cookie = m.send("POST", "/api/v1/auth/web-login", Map.of("X-Forwarded-Proto", "https"),
                    Map.of("username", "nobody", "password", "x"));
            assertThat(cookie.headers().firstValue("Strict-Transport-Security")).isEmpty();
        }
        try (Harness m = Harness.start(Kind.H2)) {
            failedLogin(m, Harness.ADMIN, "198.51.100.9");
            assertThat(auditAddresses(m, "auth.login_failed")).containsExactly("127.0.0.1");
        }
    }

    @Test
    void a_trusted_proxys_forwarded_address_and_scheme_are_believed() {
        try (Harness m = Harness.start(Kind.H2, Map.of("trusted_proxies", "127.0.0.0/8, ::1", "auth.max_failures_per_ip", "3"),
                InstantSource.system())) {
            for (int i = 1; i <= 3; i++) {
                assertThat(failedLogin(m, "someone" + i, "198.51.100.7").status()).isEqualTo(401);
            }
            assertThat(failedLogin(m, "someone4", "198.51.100.7").status()).as("the forwarded client is limited").isEqualTo(429);
            assertThat(failedLogin(m, "someone5", "198.51.100.8").status()).as("another client is not").isEqualTo(401);
            // the rightmost address that is no trusted proxy is the client; what the client wrote before it is not believed
            assertThat(failedLogin(m, Harness.ADMIN, "203.0.113.66, 2001:db8::5").status()).isEqualTo(401);
            assertThat(auditAddresses(m, "auth.login_failed")).containsExactly("2001:db8::5", "198.51.100.8", "198.51.100.7",
                    "198.51.100.7", "198.51.100.7");
            // the admin's own logins through the proxy: audit shows the forwarded address
            Answer ok = m.send("POST", "/api/v1/auth/login", Map.of("X-Forwarded-For", "192.0.2.44"),
                    Map.of("username", Harness.ADMIN, "password", Harness.ADMIN_PASSWORD));
            assertThat(ok.status()).isEqualTo(200);
            assertThat(auditAddresses(m, "auth.login")).contains("192.0.2.44");

            Answer web = m.send("POST", "/api/v1/auth/web-login", Map.of("X-Forwarded-Proto", "https"),
                    Map.of("username", Harness.ADMIN, "password", Harness.ADMIN_PASSWORD));
            assertThat(web.status()).isEqualTo(200);
            assertThat(web.headers().allValues("Set-Cookie")).hasSize(2).allSatisfy(c -> assertThat(c).contains("; Secure"));
            assertThat(web.headers().firstValue("Strict-Transport-Security")).hasValue(Requests.HSTS);
            Answer http = m.send("POST", "/api/v1/auth/web-login", Map.of("X-Forwarded-Proto", "http"),
                    Map.of("username", Harness.ADMIN, "password", Harness.ADMIN_PASSWORD));
            assertThat(http.headers().allValues("Set-Cookie")).noneSatisfy(c -> assertThat(c).contains("Secure"));
        }
    }
}
