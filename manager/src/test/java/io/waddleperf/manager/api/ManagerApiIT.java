package io.waddleperf.manager.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.waddleperf.core.result.Json;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.Source;
import io.waddleperf.core.result.TestType;
import io.waddleperf.core.result.UuidV7;
import io.waddleperf.manager.Harness;
import io.waddleperf.manager.Harness.Answer;
import io.waddleperf.manager.store.TestDatabases;
import io.waddleperf.manager.store.TestDatabases.Kind;
import io.waddleperf.testkit.ResultSchema;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The API over real HTTP: login, users, ingestion with idempotency and validation, reading back, statistics. */
class ManagerApiIT {

    static ProbeResult result(String target, Instant startedAt, boolean success, Double latencyMs) {
        return ProbeResult.builder().id(UuidV7.next()).testType(TestType.TCP).target(target).targetHost("127.0.0.1")
                .targetIp("127.0.0.1").targetPort(80).startedAt(startedAt).durationMs(10.0).success(success)
                .error(success ? null : "timeout: no answer").source(Source.AGENT).latencyMs(latencyMs).build();
    }

    @ParameterizedTest
    @MethodSource("io.waddleperf.manager.store.TestDatabases#kinds")
    void a_result_uploaded_once_or_twice_is_stored_once_and_reads_back_equal(Kind kind) {
        try (Harness m = Harness.start(kind)) {
            String admin = m.adminLogin();
            ProbeResult r = ResultSchema.assertValid(result("tcp://127.0.0.1:80", Instant.now().truncatedTo(ChronoUnit.MICROS), true, 1.5));
            Answer first = m.call("POST", "/api/v1/results", admin, r);
            assertThat(first.status()).as(first.toString()).isEqualTo(201);
            assertThat(first.json().get("status").asText()).isEqualTo("stored");
            Answer second = m.call("POST", "/api/v1/results", admin, r);
            assertThat(second.status()).as(second.toString()).isEqualTo(200);
            assertThat(second.json().get("status").asText()).isEqualTo("duplicate");
            assertThat(second.json().get("id").asText()).isEqualTo(r.id().toString());

            Answer one = m.call("GET", "/api/v1/results/" + r.id(), admin, null);
            assertThat(one.status()).isEqualTo(200);
            assertThat(Json.readResult(one.body())).isEqualTo(r);
            Answer recent = m.call("GET", "/api/v1/results?limit=10", admin, null);
            assertThat(recent.json()).hasSize(1);
            assertThat(Json.readResult(recent.json().get(0).toString())).isEqualTo(r);
        }
    }

    @ParameterizedTest
    @MethodSource("io.waddleperf.manager.store.TestDatabases#kinds")
    void each_result_of_a_batch_is_stored_as_the_text_it_was_sent_as(Kind kind) throws Exception {
        try (Harness m = Harness.start(kind)) {
            String admin = m.adminLogin();
            Instant t = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            // spacing, escapes, a number spelt with an exponent and non-ASCII text: kept as sent, not re-written
            String a = "{ \"id\" : \"" + UuidV7.next() + "\",\n  \"test_type\":\"tcp\", \"target\":\"tcp://caf\u00e9.example:80\","
                    + "\"started_at\":\"" + t + "\",\"duration_ms\":10,\"success\":true,\"source\":\"cli\",\"latency_ms\":1.5E1,"
                    + "\"error\":null,\"protocol_detail\":\"a \\\"quoted\\\" \\u00e9 word\"}";
            String b = "{\"id\":\"" + UuidV7.next() + "\",\"test_type\":\"tcp\",\"target\":\"tcp://10.0.0.1:80\","
                    + "\"started_at\":\"" + t + "\",\"duration_ms\":10.0,\"success\":false,\"source\":\"agent\",\"error\":\"timeout\"}";
            Answer stored = m.call("POST", "/api/v1/results", admin, "[ " + a + " ,\n" + b + "\n]");
            assertThat(stored.status()).as(stored.toString()).isEqualTo(201);
            for (String text : List.of(a, b)) {
                String id = Json.mapper().readTree(text).get("id").asText();
                Answer one = m.call("GET", "/api/v1/results/" + id, admin, null);
                assertThat(one.status()).isEqualTo(200);
                assertThat(one.body()).isEqualTo(text);
            }
            Answer recent = m.call("GET", "/api/v1/results?limit=10", admin, null);
            assertThat(recent.json()).hasSize(2);
            assertThat(recent.json().findValuesAsText("target")).containsExactlyInAnyOrder("tcp://caf\u00e9.example:80",
                    "tcp://10.0.0.1:80");
        }
    }

    @ParameterizedTest
    @MethodSource("io.waddleperf.manager.store.TestDatabases#kinds")
    void a_batch_reports_each_result_and_a_repeated_batch_stores_nothing_more(Kind kind) {
        try (Harness m = Harness.start(kind)) {
            String admin = m.adminLogin();
            Instant t = Instant.now().truncatedTo(ChronoUnit.MICROS);
            List<ProbeResult> batch = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                batch.add(result("tcp://10.0.0." + (i % 3) + ":80", t.minusSeconds(i), i % 10 != 0, 1.0 + i));
            }
            Answer a = m.call("POST", "/api/v1/results", admin, batch);
            assertThat(a.status()).as(a.toString()).isEqualTo(201);
            assertThat(a.json().get("stored").asInt()).isEqualTo(50);
            assertThat(a.json().get("results")).hasSize(50);
            List<ProbeResult> again = new ArrayList<>(batch.subList(0, 10));
            again.add(result("tcp://10.0.0.9:80", t, true, 2.0));
            Answer b = m.call("POST", "/api/v1/results", admin, again);
            assertThat(b.json().get("stored").asInt()).isEqualTo(1);
            assertThat(b.json().get("duplicates").asInt()).isEqualTo(10);
            assertThat(m.call("GET", "/api/v1/statistics/recent?limit=1000", admin, null).json()).hasSize(51);
        }
    }

    @Test
    void invalid_results_are_refused_naming_the_field_and_nothing_of_the_batch_is_stored() {
        try (Harness m = Harness.start(Kind.H2)) {
            String admin = m.adminLogin();
            ObjectNode good = (ObjectNode) Json.mapper().valueToTree(result("tcp://a:1", Instant.now(), true, 1.0));
            ObjectNode bad = good.deepCopy();
            bad.put("id", UuidV7.next().toString());
            bad.put("latency_ms", "fast");
            Answer a = m.call("POST", "/api/v1/results", admin, List.of(good, bad));
            assertThat(a.status()).isEqualTo(400);
            assertThat(a.json().get("field").asText()).isEqualTo("[1].latency_ms");
            assertThat(m.call("GET", "/api/v1/results", admin, null).json()).isEmpty();

            ObjectNode missing = good.deepCopy();
            missing.remove("target");
            assertField(m.call("POST", "/api/v1/results", admin, missing), 400, "target");
            ObjectNode unknown = good.deepCopy();
            unknown.put("latency_us", 3);
            assertField(m.call("POST", "/api/v1/results", admin, unknown), 400, "latency_us");
            ObjectNode v4 = good.deepCopy();
            v4.put("id", java.util.UUID.randomUUID().toString());
            assertField(m.call("POST", "/api/v1/results", admin, v4), 400, "id");
            ObjectNode longTarget = good.deepCopy();
            longTarget.put("target", "tcp://" + "a".repeat(600) + ":1");
            assertField(m.call("POST", "/api/v1/results", admin, longTarget), 400, "target");
            assertField(m.call("POST", "/api/v1/results", admin, "{not json"), 400, "body");
            assertField(m.call("POST", "/api/v1/results", admin, "[]"), 400, "body");
            assertField(m.call("POST", "/api/v1/results", admin, "[1]"), 400, "[0]");
            // numbers no double holds: bound, they were an infinite latency (ResultUploadFuzzTest)
            String text = good.toString();
            assertField(m.call("POST", "/api/v1/results", admin,
                    text.replaceFirst("\"latency_ms\":[0-9.]+", "\"latency_ms\":1e400")), 400, "latency_ms");
            assertField(m.call("POST", "/api/v1/results", admin, "[" + text + ","
                    + text.replaceFirst("}$", ",\"raw_results\":{\"n\":[1,-" + "9".repeat(400) + "]}}") + "]"), 400,
                    "[1].raw_results.n[1]");
            assertField(m.call("POST", "/api/v1/results/upload", admin,
                    "{\"test_type\":\"ping\",\"target_host\":\"192.0.2.1\",\"raw_results\":{\"x\":-2e308}}"), 400,
                    "raw_results.x");
            assertThat(m.call("GET", "/api/v1/results", admin, null).json()).isEmpty();
        }
    }

    @Test
    void oversize_bodies_and_batches_are_refused_without_storing() {
        try (Harness m = Harness.start(Kind.H2, Map.of("http.max_body_bytes", "64K", "http.max_batch_results", "5"),
                java.time.InstantSource.system())) {
            String admin = m.adminLogin();
            assertField(m.call("POST", "/api/v1/results", admin, "[" + "0,".repeat(40_000) + "0]"), 413, "body");
            List<ProbeResult> six = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                six.add(result("tcp://a:1", Instant.now(), true, 1.0));
            }
            assertField(m.call("POST", "/api/v1/results", admin, six), 400, "body");
            assertThat(m.call("GET", "/api/v1/results", admin, null).json()).isEmpty();
        }
    }

    @Test
    void summary_gives_count_success_rate_and_latency_percentiles_per_target_and_type() {
        try (Harness m = Harness.start(Kind.H2)) {
            String admin = m.adminLogin();
            Instant t = Instant.parse("2026-05-01T12:00:00Z");
            List<ProbeResult> batch = new ArrayList<>();
            for (int i = 1; i <= 100; i++) {
                // latencies 1..100 ms, every 4th a failure without latency
                boolean ok = i % 4 != 0;
                batch.add(result("tcp://x:1", t.plusSeconds(i), ok, ok ? (double) i : null));
            }
            batch.add(result("tcp://y:1", t.plusSeconds(1), true, 7.0));
            batch.add(result("tcp://y:1", t.minusSeconds(10), true, 9.0)); // before the range
            assertThat(m.call("POST", "/api/v1/results", admin, batch).status()).isEqualTo(201);
            Answer s = m.call("GET", "/api/v1/statistics/summary?from=2026-05-01T12:00:00Z&to=2026-05-01T13:00:00Z&exact=true", admin, null);
            assertThat(s.status()).as(s.toString()).isEqualTo(200);
            JsonNode groups = s.json().get("groups");
            assertThat(groups).hasSize(2);
            JsonNode x = groups.get(0);
            assertThat(x.get("target").asText()).isEqualTo("tcp://x:1");
            assertThat(x.get("test_type").asText()).isEqualTo("tcp");
            assertThat(x.get("count").asInt()).isEqualTo(100);
            assertThat(x.get("success_rate").asDouble()).isEqualTo(0.75);
            double[] sorted = batch.subList(0, 100).stream().filter(ProbeResult::success).mapToDouble(ProbeResult::latencyMs).sorted().toArray();
            assertThat(x.get("p50_latency_ms").asDouble()).isEqualTo(io.waddleperf.core.stats.Percentiles.of(sorted, 50));
            assertThat(x.get("p95_latency_ms").asDouble()).isEqualTo(io.waddleperf.core.stats.Percentiles.of(sorted, 95));
            assertThat(x.get("p99_latency_ms").asDouble()).isEqualTo(io.waddleperf.core.stats.Percentiles.of(sorted, 99));
            assertThat(groups.get(1).get("count").asInt()).isEqualTo(1);
            assertField(m.call("GET", "/api/v1/statistics/summary?from=yesterday", admin, null), 400, "from");
            assertField(m.call("GET", "/api/v1/statistics/summary?from=2026-05-02T00:00:00Z&to=2026-05-01T00:00:00Z", admin, null), 400, "from");
        }
    }

    @Test
    void login_logout_api_keys_and_wrong_credentials() {
        try (Harness m = Harness.start(Kind.H2)) {
            Answer login = m.call("POST", "/api/v1/auth/login", null, Map.of("username", Harness.ADMIN, "password", Harness.ADMIN_PASSWORD));
            assertThat(login.status()).isEqualTo(200);
            String token = login.json().get("token").asText();
            assertThat(login.json().get("access_token").asText()).isEqualTo(token);
            assertThat(login.json().get("expires_in").asLong()).isEqualTo(12 * 3600);
            assertThat(login.json().get("user").get("role").asText()).isEqualTo("global_admin");
            assertThat(login.body()).doesNotContain("argon2", "password");
            String bearer = "Bearer " + token;
            assertThat(m.call("GET", "/api/v1/auth/me", bearer, null).json().get("username").asText()).isEqualTo("admin");

            Answer wrong = m.call("POST", "/api/v1/auth/login", null, Map.of("username", "admin", "password", "wrong password!"));
            assertThat(wrong.status()).isEqualTo(401);
            Answer nobody = m.call("POST", "/api/v1/auth/login", null, Map.of("username", "nobody", "password", "wrong password!"));
            assertThat(nobody.status()).isEqualTo(401);
            assertThat(nobody.json().get("error").asText()).isEqualTo(wrong.json().get("error").asText());
            assertField(m.call("POST", "/api/v1/auth/login", null, Map.of("username", "admin")), 400, "password");

            String adminId = login.json().get("user").get("id").asText();
            Answer key = m.call("POST", "/api/v1/users/" + adminId + "/api-key", bearer, null);
            assertThat(key.status()).isEqualTo(201);
            String apiKey = key.json().get("api_key").asText();
            assertThat(apiKey).startsWith("wpk_");
            assertThat(m.call("GET", "/api/v1/auth/me", "ApiKey " + apiKey, null).status()).isEqualTo(200);
            assertThat(m.call("GET", "/api/v1/auth/me", "Bearer " + apiKey, null).status()).isEqualTo(200);
            assertThat(m.call("GET", "/api/v1/users/" + adminId, bearer, null).body()).doesNotContain(apiKey, "argon2");
            // the key is stored as a digest only
            long clear = m.db().read(h -> h.createQuery("SELECT COUNT(*) FROM api_keys WHERE key_prefix = :k")
                    .bind("k", apiKey).mapTo(Long.class).one());
            assertThat(clear).isZero();

            assertThat(m.call("POST", "/api/v1/auth/logout", bearer, null).status()).isEqualTo(204);
            Answer after = m.call("GET", "/api/v1/auth/me", bearer, null);
            assertThat(after.status()).isEqualTo(401);
            assertThat(after.headers().firstValue("WWW-Authenticate")).isPresent();
            assertThat(m.call("GET", "/api/v1/auth/me", "Bearer wps_made-up", null).status()).isEqualTo(401);
            assertThat(m.call("GET", "/api/v1/auth/me", "Basic YWRtaW46eA==", null).status()).isEqualTo(401);
        }
    }

    @Test
    void a_refresh_token_gives_a_new_pair_once_and_the_old_session_ends() {
        try (Harness m = Harness.start(Kind.H2)) {
            JsonNode login = m.call("POST", "/api/v1/auth/login", null, Map.of("username", Harness.ADMIN,
                    "password", Harness.ADMIN_PASSWORD)).json();
            String refresh = login.get("refresh_token").asText();
            assertThat(refresh).startsWith("wpr_");
            Answer next = m.call("POST", "/api/v1/auth/refresh", null, Map.of("refresh_token", refresh));
            assertThat(next.status()).as(next.toString()).isEqualTo(200);
            String token = next.json().get("access_token").asText();
            assertThat(token).isNotEqualTo(login.get("token").asText());
            assertThat(next.json().get("refresh_token").asText()).isNotEqualTo(refresh);
            assertThat(m.call("GET", "/api/v1/auth/me", "Bearer " + token, null).status()).isEqualTo(200);
            assertThat(m.call("GET", "/api/v1/auth/me", "Bearer " + login.get("token").asText(), null).status()).isEqualTo(401);
            assertThat(m.call("POST", "/api/v1/auth/refresh", null, Map.of("refresh_token", refresh)).status()).isEqualTo(401);
            assertThat(m.call("GET", "/api/v1/auth/me", "Bearer " + refresh, null).status()).isEqualTo(401);
            assertField(m.call("POST", "/api/v1/auth/refresh", null, Map.of()), 400, "refresh_token");
        }
    }

    @Test
    void failed_logins_are_limited_per_account_and_per_address() {
        try (Harness m = Harness.start(Kind.H2, Map.of("auth.max_failures_per_account", "3", "auth.max_failures_per_ip", "5"),
                java.time.InstantSource.system())) {
            for (int i = 0; i < 3; i++) {
                assertThat(m.call("POST", "/api/v1/auth/login", null, Map.of("username", "admin", "password", "guess " + i)).status())
                        .isEqualTo(401);
            }
            Answer limited = m.call("POST", "/api/v1/auth/login", null, Map.of("username", "admin", "password", Harness.ADMIN_PASSWORD));
            assertThat(limited.status()).as("even the right password is refused while limited").isEqualTo(429);
            assertThat(limited.headers().firstValue("Retry-After")).isPresent();
            // other accounts from the same address: two more failures reach the per-address limit
            for (int i = 0; i < 2; i++) {
                assertThat(m.call("POST", "/api/v1/auth/login", null, Map.of("username", "other" + i, "password", "guess")).status())
                        .isEqualTo(401);
            }
            assertThat(m.call("POST", "/api/v1/auth/login", null, Map.of("username", "third", "password", "guess")).status())
                    .isEqualTo(429);
        }
    }

    @Test
    void a_bcrypt_hash_from_the_original_logs_in_and_is_replaced_by_argon2id() {
        try (Harness m = Harness.start(Kind.H2)) {
            String bcrypt = org.bouncycastle.crypto.generators.OpenBSDBCrypt.generate("2b",
                    "legacy password 1".toCharArray(), new byte[16], 10);
            m.db().inTransaction(h -> h.createUpdate("UPDATE users SET password_hash = :h WHERE username = 'admin'")
                    .bind("h", bcrypt).execute());
            m.login("admin", "legacy password 1");
            String stored = m.db().read(h -> h.createQuery("SELECT password_hash FROM users WHERE username = 'admin'")
                    .mapTo(String.class).one());
            assertThat(stored).startsWith("$argon2id$");
            m.login("admin", "legacy password 1");
        }
    }

    @Test
    void health_ready_unknown_routes_and_errors_are_json() {
        try (Harness m = Harness.start(Kind.H2)) {
            assertThat(m.call("GET", "/health", null, null).json().get("status").asText()).isEqualTo("healthy");
            assertThat(m.call("GET", "/ready", null, null).json().get("status").asText()).isEqualTo("ready");
            Answer none = m.call("GET", "/api/v1/nothing", null, null);
            assertThat(none.status()).isEqualTo(404);
            assertThat(none.json().get("error").asText()).contains("no such endpoint");
            assertThat(m.call("GET", "/api/v1/results", null, null).status()).isEqualTo(401);
            Answer text = m.call("GET", "/api/v1/results?limit=zero", m.adminLogin(), null);
            assertField(text, 400, "limit");
        }
    }

    @Test
    void a_slow_client_is_cut_off_after_the_idle_timeout() throws Exception {
        try (Harness m = Harness.start(Kind.H2, Map.of("http.idle_timeout", "300ms"), java.time.InstantSource.system());
             java.net.Socket s = new java.net.Socket("127.0.0.1", m.server().port())) {
            s.setSoTimeout(10_000);
            // half a request, then silence: the server must close the connection rather than wait forever
            s.getOutputStream().write("POST /api/v1/results HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{".getBytes());
            s.getOutputStream().flush();
            byte[] rest = s.getInputStream().readAllBytes(); // returns once the server closes
            assertThat(new String(rest)).doesNotContain("201");
        }
    }

    static void assertField(Answer a, int status, String field) {
        assertThat(a.status()).as(a.toString()).isEqualTo(status);
        assertThat(a.json().get("field")).as(a.toString()).isNotNull();
        assertThat(a.json().get("field").asText()).as(a.toString()).isEqualTo(field);
        assertThat(a.json().get("error").asText()).isNotBlank();
    }

}
