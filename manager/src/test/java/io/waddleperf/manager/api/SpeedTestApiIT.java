package io.waddleperf.manager.api;

import static io.waddleperf.manager.api.ManagerApiIT.assertField;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.waddleperf.manager.Harness;
import io.waddleperf.manager.Harness.Answer;
import io.waddleperf.manager.store.TestDatabases.Kind;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The manager's speed test API: {@code POST /api/v1/speedtest/results} stores a browser's measurement under the
 * caller (and only with the session's CSRF token when the session cookie is the credential), refuses what it cannot
 * store with the field named, and the LibreSpeed endpoints move bytes only for a caller. The page that uses them runs
 * in Chromium in {@code SpeedTestPageIT}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SpeedTestApiIT {

    private static final String PASSWORD = "speed-Test-pass-1";
    private static final String RESULTS = "/api/v1/speedtest/results";

    private Harness m;
    private String admin;
    private String userId;
    private String bearer;
    /** The web session of "runner": its cookies and CSRF token. */
    private String cookies;
    private String csrf;

    @BeforeAll
    void start() {
        m = Harness.start(Kind.H2);
        admin = m.adminLogin();
        String ou = m.call("POST", "/api/v1/organizations", admin, Map.of("name", "speed-ou")).json().get("id").asText();
        Answer created = m.call("POST", "/api/v1/users", admin, Map.of("username", "runner", "password", PASSWORD,
                "role", "user", "ou_id", ou));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        userId = created.json().get("id").asText();
        bearer = m.login("runner", PASSWORD);
        Answer web = m.call("POST", "/api/v1/auth/web-login", null, Map.of("username", "runner", "password", PASSWORD));
        assertThat(web.status()).as(web.toString()).isEqualTo(200);
        String session = WebSessionIT.cookieValue(WebSessionIT.setCookie(web, Requests.SESSION_COOKIE).orElseThrow());
        csrf = web.json().get("csrf_token").asText();
        cookies = Requests.SESSION_COOKIE + "=" + session + "; " + Requests.CSRF_COOKIE + "=" + csrf;
    }

    @AfterAll
    void stop() {
        m.close();
    }

    private static Map<String, Object> measurement() {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("test_type", "speedtest");
        r.put("target", "http://127.0.0.1/api/v1/speedtest");
        r.put("success", true);
        r.put("download_mbps", 93.5);
        r.put("upload_mbps", 41.25);
        r.put("raw_results", new LinkedHashMap<>(Map.of("latency_samples_ms", List.of(10.0, 20.0, 30.0))));
        return r;
    }

    private Answer withCookie(String method, String path, Object body, boolean withCsrf) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Cookie", cookies);
        if (withCsrf) {
            headers.put(Requests.CSRF_HEADER, csrf);
        }
        return m.send(method, path, headers, body);
    }

    @Test
    void a_session_with_its_csrf_token_stores_the_result_under_its_user_with_latency_from_the_samples() {
        Map<String, Object> body = measurement();
        // a page cannot put a result in someone else's name: the manager writes who the caller is
        @SuppressWarnings("unchecked")
        Map<String, Object> raw = (Map<String, Object>) body.get("raw_results");
        raw.put("username", "admin");
        raw.put("user_id", "00000000-0000-0000-0000-000000000000");
        Answer a = withCookie("POST", RESULTS, body, true);
        assertThat(a.status()).as(a.toString()).isEqualTo(201);
        String id = a.json().get("id").asText();
        assertThat(a.json().get("status").asText()).isEqualTo("stored");
        assertThat(a.json().get("url").asText()).isEqualTo("/api/v1/results/" + id);

        JsonNode stored = m.call("GET", "/api/v1/results/" + id, bearer, null).json();
        assertThat(stored.get("test_type").asText()).isEqualTo("speedtest");
        assertThat(stored.get("source").asText()).isEqualTo("browser");
        assertThat(stored.get("raw_results").get("username").asText()).isEqualTo("runner");
        assertThat(stored.get("raw_results").get("user_id").asText()).isEqualTo(userId);
        assertThat(stored.get("download_mbps").asDouble()).isEqualTo(93.5);
        assertThat(stored.get("upload_mbps").asDouble()).isEqualTo(41.25);
        assertThat(stored.get("latency_ms").asDouble()).isCloseTo(20.0, within(1e-9));
        assertThat(stored.get("min_latency_ms").asDouble()).isEqualTo(10.0);
        assertThat(stored.get("max_latency_ms").asDouble()).isEqualTo(30.0);
        assertThat(stored.has("jitter_ms")).isTrue();
        // listed with the user's results
        JsonNode list = m.call("GET", "/api/v1/results?test_type=speedtest", bearer, null).json();
        assertThat(list.findValuesAsText("id")).contains(id);
    }

    @Test
    void without_credentials_401_and_a_cookie_without_the_csrf_token_403() {
        assertThat(m.call("POST", RESULTS, null, measurement()).status()).isEqualTo(401);
        assertThat(m.call("GET", "/api/v1/speedtest/garbage?ckSize=1", null, null).status()).isEqualTo(401);
        assertThat(m.call("POST", "/api/v1/speedtest/empty", null, "x").status()).isEqualTo(401);
        assertThat(m.call("GET", "/api/v1/speedtest/getIP", null, null).status()).isEqualTo(401);
        assertField(withCookie("POST", RESULTS, measurement(), false), 403, "x_csrf_token");
        assertField(withCookie("POST", "/api/v1/speedtest/empty", "x", false), 403, "x_csrf_token");
        // nothing was stored by the refused requests
        JsonNode list = m.call("GET", "/api/v1/results?test_type=speedtest&limit=1000", admin, null).json();
        for (JsonNode r : list) {
            assertThat(r.get("raw_results").get("username").asText()).isEqualTo("runner");
        }
    }

    @Test
    void a_malformed_body_is_refused_naming_the_field() {
        assertField(withCookie("POST", RESULTS, "{not json", true), 400, "body");
        assertField(withCookie("POST", RESULTS, "[1, 2]", true), 400, "body");
        Map<String, Object> wrongType = measurement();
        wrongType.put("test_type", "icmp");
        assertField(withCookie("POST", RESULTS, wrongType, true), 400, "test_type");
        Map<String, Object> negative = measurement();
        negative.put("download_mbps", -3.0);
        assertField(withCookie("POST", RESULTS, negative, true), 400, "download_mbps");
        Map<String, Object> ownLatency = measurement();
        ownLatency.put("latency_ms", 1.0);
        ownLatency.remove("raw_results");
        assertField(withCookie("POST", RESULTS, ownLatency, true), 400, "raw_results.latency_samples_ms");
        Map<String, Object> badSample = measurement();
        badSample.put("raw_results", Map.of("latency_samples_ms", List.of(1.0, "slow")));
        assertField(withCookie("POST", RESULTS, badSample, true), 400, "raw_results.latency_samples_ms");
    }

    @Test
    void a_body_over_64_kib_is_refused_before_it_is_parsed() {
        Map<String, Object> big = measurement();
        big.put("raw_results", Map.of("latency_samples_ms", List.of(1.0), "pad", "x".repeat(70 * 1024)));
        Answer a = withCookie("POST", RESULTS, big, true);
        assertThat(a.status()).as(a.toString()).isEqualTo(413);
        assertThat(a.json().get("error").asText()).contains("65536");
    }

    @Test
    void the_speed_endpoints_move_bytes_for_a_caller_and_the_ping_answers_anyone() {
        Answer ping = m.call("GET", "/api/v1/speedtest/empty", null, null);
        assertThat(ping.status()).isEqualTo(200);
        assertThat(ping.body()).isEmpty();
        assertThat(ping.headers().firstValue("Cache-Control").orElse("")).contains("no-store");
        Answer download = m.call("GET", "/api/v1/speedtest/garbage?ckSize=2", bearer, null);
        assertThat(download.status()).isEqualTo(200);
        assertThat(download.headers().firstValueAsLong("Content-Length").orElse(-1)).isEqualTo(2L << 20);
        Answer upload = withCookie("POST", "/api/v1/speedtest/empty", "y".repeat(1 << 20), true);
        assertThat(upload.status()).as(upload.toString()).isEqualTo(200);
        // the upload sink is bounded by the byte quota and the stall guard, not by http.max_body_bytes (16 MiB)
        Answer big = m.send("POST", "/api/v1/speedtest/empty", Map.of("Authorization", bearer,
                "Content-Type", "application/octet-stream"), "z".repeat(20 << 20));
        assertThat(big.status()).as(big.toString()).isEqualTo(200);
        Answer ip = m.call("GET", "/api/v1/speedtest/getIP", bearer, null);
        assertThat(ip.json().get("processedString").asText()).startsWith("127.0.0.1");
        assertField(m.call("GET", "/api/v1/speedtest/getIP?distance=parsec", bearer, null), 400, "distance");
    }
}
