package io.waddleperf.manager.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.manager.Harness;
import io.waddleperf.manager.Harness.Answer;
import io.waddleperf.manager.store.TestDatabases.Kind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every route × every role × an object of the caller's own OU and of another OU, against the status each must get,
 * over real HTTP. "Own" for {@code user} is its own OU's objects and its own results; the OU roles' and the user's
 * OU is {@code ou-own}. A route with no object has one column; every registered route is in the table or named in
 * {@link #NOT_IN_TABLE} with the test that covers it. No answer may contain a password hash, an API key hash, an MFA
 * secret (in clear or sealed), a session token digest or someone else's session token, nor an API key or MFA secret
 * other than the one a regeneration or setup hands to its caller.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessControlIT {

    private static final String PASSWORD = "a long enough password";
    private static final List<String> ROLES = List.of("anonymous", "global_admin", "global_reporter", "ou_admin",
            "ou_reporter", "user");

    private Harness m;
    private String admin;
    private UUID ouOwn;
    private UUID ouOther;
    private final Map<String, String> tokens = new LinkedHashMap<>();
    private final Map<String, UUID> actorIds = new LinkedHashMap<>();
    private UUID resultOwn;
    private UUID resultOther;
    private final List<String> allBodies = new ArrayList<>();
    /** The MFA secrets (Base32) setups handed out: each only in its own setup answer. */
    private final List<String> mfaSecrets = new ArrayList<>();

    /**
     * Routes the table leaves out, each with where it is tested: the public ones (no role to check) and those that
     * end or change the calling session itself, which would spoil the table's later rows.
     */
    static final Map<String, String> NOT_IN_TABLE = Map.of(
            "GET /health", "public; ManagerApiIT",
            "GET /ready", "public; ManagerApiIT",
            "GET /api/openapi.json", "public; OpenApiIT",
            "POST /api/v1/auth/login", "public; ManagerApiIT, MfaIT",
            "POST /api/v1/auth/web-login", "public; WebSessionIT",
            "POST /api/v1/auth/refresh", "public (a refresh token is the credential); ManagerApiIT",
            "POST /api/v1/auth/logout", "ends the caller's session; ManagerApiIT, WebSessionIT",
            "POST /api/v1/auth/change-password", "ends the caller's sessions; AuditIT, WebSessionIT");

    /**
     * Expected statuses per role, own and other object, in {@link #ROLES} order after anonymous ({@code anonymous},
     * 401 unless the route needs no account); {@code shownOnce} names the answer field holding a secret handed to the
     * caller this once (kept out of the bodies checked for leaks), or null.
     */
    private record Row(String route, Function<Boolean, Request> request, int[] own, int[] other, int anonymous,
                       String shownOnce) {
        Row(String route, Function<Boolean, Request> request, int[] own, int[] other) {
            this(route, request, own, other, 401, route.contains("api-key") ? "api_key" : null);
        }
    }

    /** One request to make: method, path, JSON body or null. */
    private record Request(String method, String path, Object body) {
    }

    @BeforeAll
    void setUp() {
        m = Harness.start(Kind.H2);
        admin = m.adminLogin();
        ouOwn = UUID.fromString(m.call("POST", "/api/v1/organizations", admin, Map.of("name", "ou-own")).json().get("id").asText());
        ouOther = UUID.fromString(m.call("POST", "/api/v1/organizations", admin, Map.of("name", "ou-other")).json().get("id").asText());
        tokens.put("global_admin", admin);
        for (String role : List.of("global_reporter", "ou_admin", "ou_reporter", "user")) {
            UUID id = createUser("actor-" + role, role, role.startsWith("global") ? null : ouOwn);
            actorIds.put(role, id);
            tokens.put(role, m.login("actor-" + role, PASSWORD));
        }
        UUID otherUser = createUser("other-user", "user", ouOther);
        resultOwn = submit(tokens.get("user"), "SN-own");
        resultOther = submit(m.login("other-user", PASSWORD), "SN-other");
        assertThat(otherUser).isNotNull();
        setUpEnrollment();
    }

    // Enrolment, devices and agent configuration: a secret and an enrolled device in each OU.
    private String secretOwn;
    private String secretOther;
    private String[] deviceOwn;
    private String[] deviceOther;
    private String[] testServerOwn;
    private final List<String> issued = new ArrayList<>();

    private void setUpEnrollment() {
        secretOwn = EnrollmentIT.createSecret(m, admin, ouOwn);
        secretOther = EnrollmentIT.createSecret(m, admin, ouOther);
        deviceOwn = EnrollmentIT.enrol(m, secretOwn, "dev-own", "agent");
        deviceOther = EnrollmentIT.enrol(m, secretOther, "dev-other", "agent");
        testServerOwn = EnrollmentIT.enrol(m, secretOwn, "ts-own", "testserver");
        issued.addAll(List.of(secretOwn, secretOther, deviceOwn[1].substring(7), deviceOther[1].substring(7),
                testServerOwn[1].substring(7)));
        putConfig("/api/v1/enrollment/configs/default");
        putConfig("/api/v1/enrollment/configs/" + ouOwn);
        putConfig("/api/v1/enrollment/configs/" + ouOther);
    }

    private void putConfig(String path) {
        Answer a = m.call("PUT", path, admin, Map.of("config_data", Map.of("autoperf", Map.of("interval", 300))));
        assertThat(a.status()).as(a.toString()).isEqualTo(200);
    }

    /** A device enrolled just now in the own or the other OU: {@code [id, "Bearer <credential>"]}. */
    private String[] freshDevice(boolean own) {
        String[] d = EnrollmentIT.enrol(m, own ? secretOwn : secretOther, "d-" + UUID.randomUUID(), "agent");
        issued.add(d[1].substring(7));
        return d;
    }

    private String secretId(boolean own) {
        Answer a = m.call("POST", "/api/v1/enrollment/secrets/" + (own ? ouOwn : ouOther), admin, Map.of());
        issued.add(a.json().get("secret").asText());
        return a.json().get("id").asText();
    }

    private void enrolmentRows(List<Row> rows) {
        int[] readers = s(200, 200, 200, 200, 403);
        int[] readersOther = s(200, 200, 404, 404, 403);
        rows.add(new Row("GET /enrollment/secrets", own -> new Request("GET", "/api/v1/enrollment/secrets", null), readers, null));
        rows.add(new Row("GET /enrollment/secrets/{id}", own -> new Request("GET", "/api/v1/enrollment/secrets/"
                + (own ? ouOwn : ouOther), null), readers, readersOther));
        rows.add(new Row("POST /enrollment/secrets/{id}", own -> new Request("POST", "/api/v1/enrollment/secrets/"
                + (own ? ouOwn : ouOther), Map.of("name", "n")), s(201, 403, 201, 403, 403), s(201, 403, 404, 403, 403),
                401, "secret"));
        rows.add(new Row("DELETE /enrollment/secrets/{id}", own -> new Request("DELETE", "/api/v1/enrollment/secrets/"
                + secretId(own), null), s(204, 403, 204, 403, 403), s(204, 403, 404, 403, 403)));
        // no account needed: the secret in the body decides, whatever token comes along
        rows.add(new Row("POST /enrollment/enroll", own -> new Request("POST", "/api/v1/enrollment/enroll",
                EnrollmentIT.enrolBody(own ? secretOwn : secretOther, "e-" + UUID.randomUUID(), "agent")),
                s(201, 201, 201, 201, 201), s(201, 201, 201, 201, 201), 201, "device_credential"));
        // a user's token is no device credential
        rows.add(new Row("POST /enrollment/devices/{id}/heartbeat", own -> new Request("POST", "/api/v1/enrollment/devices/"
                + (own ? deviceOwn : deviceOther)[0] + "/heartbeat", null), s(401, 401, 401, 401, 401),
                s(401, 401, 401, 401, 401)));
        for (String base : List.of("/api/v1/devices", "/api/v1/enrollment/devices")) {
            String label = base.substring("/api/v1".length());
            rows.add(new Row("GET " + label, own -> new Request("GET", base + "?search=dev", null), readers, null));
            rows.add(new Row("GET " + label + "/{id}", own -> new Request("GET", base + "/" + (own ? deviceOwn : deviceOther)[0],
                    null), readers, readersOther));
        }
        rows.add(new Row("GET /devices/stats", own -> new Request("GET", "/api/v1/devices/stats", null), readers, null));
        for (String action : List.of("deactivate", "reactivate")) {
            rows.add(new Row("POST /devices/{id}/" + action, own -> new Request("POST", "/api/v1/devices/"
                    + freshDevice(own)[0] + "/" + action, null), s(200, 403, 200, 403, 403), s(200, 403, 404, 404, 404)));
        }
        rows.add(new Row("GET /enrollment/configs", own -> new Request("GET", "/api/v1/enrollment/configs", null), readers, null));
        rows.add(new Row("GET /enrollment/configs/default", own -> new Request("GET", "/api/v1/enrollment/configs/default",
                null), readers, null));
        rows.add(new Row("PUT /enrollment/configs/default", own -> new Request("PUT", "/api/v1/enrollment/configs/default",
                Map.of("config_data", Map.of("autoperf", Map.of("interval", 400)))), s(200, 403, 403, 403, 403), null));
        rows.add(new Row("DELETE /enrollment/configs/default", own -> {
            putConfig("/api/v1/enrollment/configs/default");
            return new Request("DELETE", "/api/v1/enrollment/configs/default", null);
        }, s(204, 403, 403, 403, 403), null));
        int[] write = s(200, 403, 200, 403, 403);
        int[] writeOther = s(200, 403, 404, 404, 404);
        int[] delete = s(204, 403, 204, 403, 403);
        int[] deleteOther = s(204, 403, 404, 404, 404);
        int[] readOther = s(200, 200, 404, 404, 404);
        rows.add(new Row("GET /enrollment/configs/{id}", own -> new Request("GET", "/api/v1/enrollment/configs/"
                + (own ? ouOwn : ouOther), null), readers, readOther));
        rows.add(new Row("PUT /enrollment/configs/{id}", own -> new Request("PUT", "/api/v1/enrollment/configs/"
                + (own ? ouOwn : ouOther), Map.of("config_data", Map.of("autoperf", Map.of("interval", 300)))), write,
                writeOther));
        rows.add(new Row("DELETE /enrollment/configs/{id}", own -> {
            putConfig("/api/v1/enrollment/configs/" + (own ? ouOwn : ouOther));
            return new Request("DELETE", "/api/v1/enrollment/configs/" + (own ? ouOwn : ouOther), null);
        }, delete, deleteOther));
        rows.add(new Row("GET /devices/{id}/config", own -> {
            String path = "/api/v1/devices/" + (own ? deviceOwn : deviceOther)[0] + "/config";
            putConfig(path);
            return new Request("GET", path, null);
        }, readers, readOther));
        rows.add(new Row("PUT /devices/{id}/config", own -> new Request("PUT", "/api/v1/devices/"
                + (own ? deviceOwn : deviceOther)[0] + "/config",
                Map.of("config_data", Map.of("autoperf", Map.of("interval", 300)))),
                write, writeOther));
        rows.add(new Row("DELETE /devices/{id}/config", own -> {
            String path = "/api/v1/devices/" + (own ? deviceOwn : deviceOther)[0] + "/config";
            putConfig(path);
            return new Request("DELETE", path, null);
        }, delete, deleteOther));
        rows.add(new Row("GET /enrollment/config", own -> new Request("GET", "/api/v1/enrollment/config?device_serial="
                + (own ? "dev-own" : "dev-other"), null), readers, s(200, 200, 404, 404, 403)));
        rows.add(new Row("POST /auth/introspect", own -> new Request("POST", "/api/v1/auth/introspect",
                Map.of("token", "wpk_x")), s(200, 403, 403, 403, 403), null));
    }

    @AfterAll
    void tearDown() {
        m.close();
    }

    private UUID createUser(String name, String role, UUID ou) {
        Map<String, Object> body = new LinkedHashMap<>(Map.of("username", name, "password", PASSWORD, "role", role));
        if (ou != null) {
            body.put("ou_id", ou.toString());
        }
        Answer a = m.call("POST", "/api/v1/users", admin, body);
        assertThat(a.status()).as(a.toString()).isEqualTo(201);
        return UUID.fromString(a.json().get("id").asText());
    }

    private UUID submit(String token, String serial) {
        ProbeResult r = ManagerApiIT.result("tcp://192.0.2.1:80", Instant.now(), true, 3.0).toBuilder()
                .device(new io.waddleperf.core.result.Device(serial, null, null, null, null, null)).build();
        assertThat(m.call("POST", "/api/v1/results", token, r).status()).isEqualTo(201);
        return r.id();
    }

    private static int[] s(int ga, int gr, int oa, int or, int u) {
        return new int[] {ga, gr, oa, or, u};
    }

    private List<Row> table() {
        List<Row> rows = new ArrayList<>();
        rows.add(new Row("GET /users", own -> new Request("GET", "/api/v1/users", null), s(200, 200, 200, 200, 403), null));
        rows.add(new Row("GET /users/{id}", own -> new Request("GET", "/api/v1/users/" + freshUser(own), null),
                s(200, 200, 200, 200, 404), s(200, 200, 404, 404, 404)));
        rows.add(new Row("POST /users", own -> new Request("POST", "/api/v1/users", Map.of("username", "n-" + UUID.randomUUID(),
                "password", PASSWORD, "role", "user", "ou_id", (own ? ouOwn : ouOther).toString())),
                s(201, 403, 201, 403, 403), s(201, 403, 403, 403, 403)));
        rows.add(new Row("PUT /users/{id}", own -> new Request("PUT", "/api/v1/users/" + freshUser(own), Map.of("email", "x@example.org")),
                s(200, 403, 200, 403, 404), s(200, 403, 404, 404, 404)));
        rows.add(new Row("PATCH /users/{id}", own -> new Request("PATCH", "/api/v1/users/" + freshUser(own), Map.of("email", "y@example.org")),
                s(200, 403, 200, 403, 404), s(200, 403, 404, 404, 404)));
        rows.add(new Row("DELETE /users/{id}/mfa", own -> new Request("DELETE", "/api/v1/users/" + freshUser(own) + "/mfa", null),
                s(204, 403, 204, 403, 404), s(204, 403, 404, 404, 404)));
        rows.add(new Row("DELETE /users/{id}", own -> new Request("DELETE", "/api/v1/users/" + freshUser(own), null),
                s(204, 403, 204, 403, 404), s(204, 403, 404, 404, 404)));
        rows.add(new Row("POST /users/{id}/api-key", own -> new Request("POST", "/api/v1/users/" + freshUser(own) + "/api-key", null),
                s(201, 403, 201, 403, 404), s(201, 403, 404, 404, 404)));
        rows.add(new Row("GET /organizations", own -> new Request("GET", "/api/v1/organizations", null), s(200, 200, 200, 200, 200), null));
        rows.add(new Row("GET /organizations/{id}", own -> new Request("GET", "/api/v1/organizations/" + (own ? ouOwn : ouOther), null),
                s(200, 200, 200, 200, 200), s(200, 200, 404, 404, 404)));
        rows.add(new Row("POST /organizations", own -> new Request("POST", "/api/v1/organizations", Map.of("name", "ou-" + UUID.randomUUID())),
                s(201, 403, 403, 403, 403), null));
        rows.add(new Row("PUT /organizations/{id}", own -> new Request("PUT", "/api/v1/organizations/" + (own ? ouOwn : ouOther),
                Map.of("description", "changed")), s(200, 403, 200, 403, 403), s(200, 403, 404, 404, 404)));
        // the own OU has users, so even global_admin is refused (409); another OU here is a fresh empty one
        rows.add(new Row("DELETE /organizations/{id}", own -> new Request("DELETE", "/api/v1/organizations/" + (own ? ouOwn : freshOu()), null),
                s(409, 403, 403, 403, 403), s(204, 403, 404, 404, 404)));
        rows.add(new Row("POST /results", own -> new Request("POST", "/api/v1/results",
                ManagerApiIT.result("tcp://192.0.2.2:80", Instant.now(), true, 1.0)), s(201, 403, 201, 403, 201), null));
        rows.add(new Row("POST /results/upload", own -> new Request("POST", "/api/v1/results/upload", LegacyUploadsIT.UPLOAD_BODY),
                s(201, 403, 201, 403, 201), null));
        rows.add(new Row("POST /tests/", own -> new Request("POST", "/api/v1/tests/", LegacyUploadsIT.CONTAINER_BODY),
                s(201, 403, 201, 403, 201), null));
        rows.add(new Row("GET /results", own -> new Request("GET", "/api/v1/results", null), s(200, 200, 200, 200, 200), null));
        rows.add(new Row("GET /results/{id}", own -> new Request("GET", "/api/v1/results/" + (own ? resultOwn : resultOther), null),
                s(200, 200, 200, 200, 200), s(200, 200, 404, 404, 404)));
        rows.add(new Row("GET /statistics/recent", own -> new Request("GET", "/api/v1/statistics/recent", null), s(200, 200, 200, 200, 200), null));
        rows.add(new Row("GET /statistics/summary", own -> new Request("GET", "/api/v1/statistics/summary", null), s(200, 200, 200, 200, 200), null));
        rows.add(new Row("GET /statistics/timeseries", own -> new Request("GET", "/api/v1/statistics/timeseries", null),
                s(200, 200, 200, 200, 200), null));
        // a device serial is known to a caller only through results in its scope
        rows.add(new Row("GET /statistics/device/{serial}", own -> new Request("GET", "/api/v1/statistics/device/"
                + (own ? "SN-own" : "SN-other"), null), s(200, 200, 200, 200, 200), s(200, 200, 404, 404, 404)));
        rows.add(new Row("GET /export/results", own -> new Request("GET", "/api/v1/export/results?format=json", null),
                s(200, 200, 200, 200, 200), null));
        rows.add(new Row("POST /tests", own -> new Request("POST", "/api/v1/tests", LegacyUploadsIT.CONTAINER_BODY),
                s(201, 403, 201, 403, 201), null));
        // the manager's browser speed test: the ping answers anyone; moving bytes and getIP need a login, storing a
        // result a role that submits results (SpeedTestIT runs it from a real page)
        rows.add(new Row("GET /speedtest/empty", own -> new Request("GET", "/api/v1/speedtest/empty", null),
                s(200, 200, 200, 200, 200), null, 200, null));
        rows.add(new Row("POST /speedtest/empty", own -> new Request("POST", "/api/v1/speedtest/empty", Map.of("pad", "x")),
                s(200, 200, 200, 200, 200), null));
        rows.add(new Row("GET /speedtest/garbage", own -> new Request("GET", "/api/v1/speedtest/garbage?ckSize=1", null),
                s(200, 200, 200, 200, 200), null));
        rows.add(new Row("GET /speedtest/servers", own -> new Request("GET", "/api/v1/speedtest/servers", null),
                s(200, 200, 200, 200, 200), null));
        rows.add(new Row("GET /speedtest/getIP", own -> new Request("GET", "/api/v1/speedtest/getIP", null),
                s(200, 200, 200, 200, 200), null));
        rows.add(new Row("POST /speedtest/results", own -> new Request("POST", "/api/v1/speedtest/results",
                Map.of("test_type", "speedtest", "success", true, "download_mbps", 10.0, "upload_mbps", 5.0,
                        "raw_results", Map.of("latency_samples_ms", List.of(1.0, 2.0, 3.0)))),
                s(201, 403, 201, 403, 201), null));
        rows.add(new Row("GET /auth/me", own -> new Request("GET", "/api/v1/auth/me", null), s(200, 200, 200, 200, 200), null));
        rows.add(new Row("GET /audit", own -> new Request("GET", "/api/v1/audit?limit=1000", null), s(200, 403, 200, 403, 403), null));
        // every role manages its own MFA from its session: setup, then a malformed code and a wrong password
        rows.add(new Row("POST /auth/mfa/setup", own -> new Request("POST", "/api/v1/auth/mfa/setup", null),
                s(201, 201, 201, 201, 201), null));
        rows.add(new Row("POST /auth/mfa/verify", own -> new Request("POST", "/api/v1/auth/mfa/verify", Map.of("code", "abcdef")),
                s(400, 400, 400, 400, 400), null));
        rows.add(new Row("POST /auth/mfa/disable", own -> new Request("POST", "/api/v1/auth/mfa/disable",
                Map.of("password", "not the password")), s(403, 403, 403, 403, 403), null));
        enrolmentRows(rows);
        alertRows(rows);
        return rows;
    }

    /** A rule in the own or the other OU, made by the admin. */
    private String alertRule(boolean own) {
        Answer a = m.call("POST", "/api/v1/alerts/rules", admin, alertBody(own ? ouOwn : ouOther));
        assertThat(a.status()).as(a.toString()).isEqualTo(201);
        return a.json().get("id").asText();
    }

    private static Map<String, Object> alertBody(UUID ou) {
        return Map.of("ou_id", ou.toString(), "name", "r-" + UUID.randomUUID(), "target", "tcp://192.0.2.1:80",
                "metric", "latency_ms", "comparison", "gt", "threshold", 100);
    }

    private void alertRows(List<Row> rows) {
        int[] readers = s(200, 200, 200, 200, 403);
        rows.add(new Row("GET /alerts/rules", own -> new Request("GET", "/api/v1/alerts/rules", null), readers, null));
        rows.add(new Row("POST /alerts/rules", own -> new Request("POST", "/api/v1/alerts/rules",
                alertBody(own ? ouOwn : ouOther)), s(201, 403, 201, 403, 403), s(201, 403, 403, 403, 403)));
        rows.add(new Row("GET /alerts/rules/{id}", own -> new Request("GET", "/api/v1/alerts/rules/" + alertRule(own),
                null), readers, s(200, 200, 404, 404, 403)));
        rows.add(new Row("PUT /alerts/rules/{id}", own -> new Request("PUT", "/api/v1/alerts/rules/" + alertRule(own),
                Map.of("threshold", 150)), s(200, 403, 200, 403, 403), s(200, 403, 404, 404, 403)));
        rows.add(new Row("DELETE /alerts/rules/{id}", own -> new Request("DELETE", "/api/v1/alerts/rules/"
                + alertRule(own), null), s(204, 403, 204, 403, 403), s(204, 403, 404, 404, 403)));
        rows.add(new Row("GET /alerts/state", own -> new Request("GET", "/api/v1/alerts/state", null), readers, null));
        rows.add(new Row("GET /alerts/history", own -> new Request("GET", "/api/v1/alerts/history", null), readers, null));
    }

    /** A throwaway user of role user in the own or the other OU, made by the admin. */
    private UUID freshUser(boolean own) {
        return createUser("t-" + UUID.randomUUID().toString().substring(0, 8), "user", own ? ouOwn : ouOther);
    }

    private UUID freshOu() {
        return UUID.fromString(m.call("POST", "/api/v1/organizations", admin, Map.of("name", "ou-" + UUID.randomUUID()))
                .json().get("id").asText());
    }

    @Test
    void every_route_answers_every_role_in_and_out_of_its_scope_as_the_table_says() {
        List<String> mismatches = new ArrayList<>();
        int checked = 0;
        for (Row row : table()) {
            for (boolean own : row.other() == null ? new boolean[] {true} : new boolean[] {true, false}) {
                int[] expected = own ? row.own() : row.other();
                for (int i = 0; i < ROLES.size(); i++) {
                    String role = ROLES.get(i);
                    int want = i == 0 ? row.anonymous() : expected[i - 1];
                    Request req = row.request().apply(own);
                    Answer a = m.call(req.method(), req.path(), tokens.get(role), req.body());
                    checked++;
                    if (row.route().contains("mfa/setup") && a.status() == 201) {
                        // the new MFA secret goes to the caller, in its three forms
                        JsonNode setup = a.json();
                        mfaSecrets.add(setup.get("secret").asText());
                        allBodies.add(a.body().replace(setup.get("qr_code").asText(), "").replace(setup.get("otpauth_uri").asText(), "")
                                .replace(setup.get("secret").asText(), ""));
                    } else if (row.shownOnce() == null) {
                        allBodies.add(a.body());
                    } else if (a.status() / 100 == 2) {
                        // the new key or secret goes to the caller; nothing else secret may be in the answer
                        String shown = a.json().get(row.shownOnce()).asText();
                        issued.add(shown);
                        allBodies.add(a.body().replace(shown, ""));
                    }
                    if (a.status() != want) {
                        mismatches.add(String.format("%-28s %-5s %-16s expected %d, got %s", row.route(),
                                own ? "own" : "other", role, want, a));
                    }
                    if (a.status() >= 400) {
                        JsonNode err = a.json();
                        if (!err.hasNonNull("error")) {
                            mismatches.add(row.route() + " " + role + ": error answer without 'error': " + a.body());
                        }
                    }
                }
            }
        }
        assertThat(checked).isGreaterThan(100);
        assertThat(mismatches).isEmpty();
    }

    @Test
    void every_registered_route_is_in_the_table_or_says_where_it_is_tested() {
        List<String> inTable = table().stream().map(r -> {
            String[] mp = r.route().split(" ", 2);
            return mp[0] + " /api/v1" + mp[1];
        }).toList();
        List<String> untested = m.server().routes().stream()
                .filter(r -> !inTable.contains(r) && !NOT_IN_TABLE.containsKey(r)).toList();
        assertThat(untested).as("routes missing from the access table").isEmpty();
        assertThat(NOT_IN_TABLE.keySet()).allSatisfy(r -> assertThat(m.server().routes()).contains(r));
    }

    @Test
    void lists_hold_only_what_the_role_may_see() {
        assertThat(ids(m.call("GET", "/api/v1/results", tokens.get("user"), null))).contains(resultOwn).doesNotContain(resultOther);
        assertThat(ids(m.call("GET", "/api/v1/results", tokens.get("ou_reporter"), null))).contains(resultOwn).doesNotContain(resultOther);
        assertThat(ids(m.call("GET", "/api/v1/results", tokens.get("global_reporter"), null))).contains(resultOwn, resultOther);
        // exports and statistics hold the same scope as the listings
        for (String role : List.of("user", "ou_reporter", "ou_admin")) {
            assertThat(ids(m.call("GET", "/api/v1/export/results?format=json", tokens.get(role), null)))
                    .contains(resultOwn).doesNotContain(resultOther);
            String csv = m.call("GET", "/api/v1/export/results", tokens.get(role), null).body();
            assertThat(csv).contains(resultOwn.toString()).doesNotContain(resultOther.toString());
            JsonNode devices = m.call("GET", "/api/v1/statistics/summary?group_by=device", tokens.get(role), null).json().get("groups");
            assertThat(devices.findValuesAsText("device_serial")).contains("SN-own").doesNotContain("SN-other");
            JsonNode series = m.call("GET", "/api/v1/statistics/timeseries?group_by=device", tokens.get(role), null).json().get("series");
            assertThat(series.findValuesAsText("device_serial")).contains("SN-own").doesNotContain("SN-other");
        }
        // per test type over whole hours (read from the per-OU-and-type rollups for OU roles and everyone's; a user's
        // from the per-series rows): the same totals as per device, which only the scope's devices make up
        Instant hour = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.HOURS);
        String hours = "from=" + hour.minus(java.time.Duration.ofDays(1)) + "&to=" + hour.plus(java.time.Duration.ofHours(2));
        Map<String, Long> perType = new java.util.HashMap<>();
        for (String role : List.of("user", "ou_reporter", "ou_admin", "global_reporter")) {
            long byType = m.call("GET", "/api/v1/statistics/summary?group_by=test_type&" + hours, tokens.get(role), null)
                    .json().get("groups").findValues("count").stream().mapToLong(JsonNode::asLong).sum();
            long byDevice = m.call("GET", "/api/v1/statistics/summary?group_by=device&" + hours, tokens.get(role), null)
                    .json().get("groups").findValues("count").stream().mapToLong(JsonNode::asLong).sum();
            assertThat(byType).as(role).isEqualTo(byDevice).isPositive();
            perType.put(role, byType);
        }
        assertThat(perType.get("global_reporter")).isGreaterThan(perType.get("ou_reporter"));
        assertThat(ids(m.call("GET", "/api/v1/export/results?format=json", tokens.get("global_reporter"), null)))
                .contains(resultOwn, resultOther);
        for (JsonNode u : m.call("GET", "/api/v1/users", tokens.get("ou_admin"), null).json()) {
            assertThat(u.get("ou_id").asText()).isEqualTo(ouOwn.toString());
        }
        alertRule(true);
        alertRule(false);
        for (JsonNode r : m.call("GET", "/api/v1/alerts/rules", tokens.get("ou_reporter"), null).json()) {
            assertThat(r.get("ou_id").asText()).isEqualTo(ouOwn.toString());
        }
        assertThat(m.call("GET", "/api/v1/alerts/rules", admin, null).json().findValuesAsText("ou_id"))
                .contains(ouOwn.toString(), ouOther.toString());
        JsonNode ous = m.call("GET", "/api/v1/organizations", tokens.get("ou_reporter"), null).json();
        assertThat(ous).hasSize(1);
        assertThat(ous.get(0).get("id").asText()).isEqualTo(ouOwn.toString());
        assertThat(m.call("GET", "/api/v1/users/" + actorIds.get("user"), tokens.get("user"), null).status()).isEqualTo(200);
    }

    @Test
    void an_ou_admin_cannot_grant_global_roles_nor_a_user_raise_its_own_role() {
        Answer grant = m.call("POST", "/api/v1/users", tokens.get("ou_admin"), Map.of("username", "sneaky", "password", PASSWORD,
                "role", "global_admin"));
        assertThat(grant.status()).isEqualTo(403);
        assertThat(grant.json().get("field").asText()).isEqualTo("role");
        Answer raise = m.call("PUT", "/api/v1/users/" + actorIds.get("user"), tokens.get("user"), Map.of("role", "ou_admin"));
        assertThat(raise.status()).isEqualTo(403);
        Answer password = m.call("PUT", "/api/v1/users/" + actorIds.get("ou_reporter"), tokens.get("user"),
                Map.of("password", "a new password for you"));
        assertThat(password.status()).isEqualTo(404);
    }

    @Test
    void no_answer_carries_a_password_hash_a_key_hash_an_mfa_secret_or_someone_elses_token() {
        if (allBodies.isEmpty()) {
            every_route_answers_every_role_in_and_out_of_its_scope_as_the_table_says();
        }
        assertThat(mfaSecrets).hasSize(5);
        for (String role : List.of("global_reporter", "ou_admin", "ou_reporter", "user")) {
            allBodies.add(m.call("GET", "/api/v1/users/" + actorIds.get(role), admin, null).body());
            allBodies.add(m.call("GET", "/api/v1/auth/me", tokens.get(role), null).body());
        }
        allBodies.add(m.call("GET", "/api/v1/users", admin, null).body());
        allBodies.add(m.call("GET", "/api/v1/audit?limit=1000", admin, null).body());
        List<String> forbidden = new ArrayList<>(mfaSecrets);
        // what the database holds, in every form an answer could carry it
        m.db().read(h -> {
            h.createQuery("SELECT password_hash FROM users").mapTo(String.class).forEach(forbidden::add);
            for (String sql : List.of("SELECT key_hash FROM api_keys", "SELECT mfa_secret FROM users WHERE mfa_secret IS NOT NULL",
                    "SELECT token_hash FROM sessions", "SELECT refresh_hash FROM sessions WHERE refresh_hash IS NOT NULL")) {
                h.createQuery(sql).mapTo(byte[].class).forEach(b -> {
                    forbidden.add(java.util.HexFormat.of().formatHex(b));
                    forbidden.add(java.util.Base64.getEncoder().encodeToString(b));
                    forbidden.add(java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b));
                });
            }
            return null;
        });
        assertThat(forbidden).hasSizeGreaterThan(5 + 6 + 3 * 5);
        for (String body : allBodies) {
            assertThat(body).doesNotContain("$argon2", "$2a$", "$2b$", "password_hash", "wps_", "wpr_", "wpk_", "key_hash",
                    "token_hash", "refresh_hash", "mfa_secret", "otpauth://");
            for (String token : tokens.values()) {
                assertThat(body).doesNotContain(token.substring("Bearer ".length()));
            }
            assertThat(body).doesNotContain("secret_hash", "credential_hash");
            for (String secret : issued) {
                assertThat(body).doesNotContain(secret);
            }
            for (String secret : forbidden) {
                assertThat(body).doesNotContain(secret);
            }
        }
    }

    /**
     * The routes a device uses, with a device credential of its own, of another device in its OU, of a device in
     * another OU, of a deactivated device, and of a test server; and every user route refuses a device credential.
     */
    @Test
    void device_routes_answer_only_the_device_itself_and_user_routes_refuse_device_credentials() {
        String[] other = freshDevice(true);
        String[] elsewhere = freshDevice(false);
        String[] deactivated = freshDevice(true);
        assertThat(m.call("POST", "/api/v1/devices/" + deactivated[0] + "/deactivate", admin, null).status()).isEqualTo(200);
        String cred = deviceOwn[1];
        String heartbeat = "/api/v1/enrollment/devices/%s/heartbeat";
        List<String> mismatches = new ArrayList<>();
        java.util.function.BiConsumer<Answer, Integer> expect = (a, want) -> {
            if (a.status() != want) {
                mismatches.add("expected " + want + ", got " + a);
            }
        };
        expect.accept(m.call("POST", heartbeat.formatted(deviceOwn[0]), cred, null), 200);
        expect.accept(m.call("POST", heartbeat.formatted(other[0]), cred, null), 404);
        expect.accept(m.call("POST", heartbeat.formatted(elsewhere[0]), cred, null), 404);
        expect.accept(m.call("POST", heartbeat.formatted(deactivated[0]), deactivated[1], null), 403);
        expect.accept(m.call("GET", "/api/v1/enrollment/config", cred, null), 200);
        expect.accept(m.call("GET", "/api/v1/enrollment/config?device_serial=dev-own", cred, null), 200);
        expect.accept(m.call("GET", "/api/v1/enrollment/config?device_serial=dev-other", cred, null), 404);
        expect.accept(m.call("GET", "/api/v1/enrollment/config", deactivated[1], null), 403);
        expect.accept(m.call("POST", "/api/v1/results", cred, ManagerApiIT.result("tcp://192.0.2.3:80", Instant.now(), true, 1.0)), 201);
        expect.accept(m.call("POST", "/api/v1/results", deactivated[1], ManagerApiIT.result("tcp://192.0.2.3:80", Instant.now(), true, 1.0)), 403);
        expect.accept(m.call("POST", "/api/v1/auth/introspect", cred, Map.of("token", "wpk_x")), 403);
        expect.accept(m.call("POST", "/api/v1/auth/introspect", testServerOwn[1], Map.of("token", "wpk_x")), 200);
        expect.accept(m.call("POST", "/api/v1/auth/introspect", deactivated[1], Map.of("token", "wpk_x")), 403);
        // the routes that take a device credential (checked above) or none at all
        Set<String> deviceRoutes = Set.of("POST /enrollment/devices/{id}/heartbeat",
                "POST /enrollment/enroll", "GET /enrollment/config", "POST /auth/introspect", "POST /results",
                "GET /speedtest/empty");
        for (Row row : table()) {
            if (deviceRoutes.contains(row.route())) {
                continue;
            }
            Request req = row.request().apply(true);
            Answer a = m.call(req.method(), req.path(), testServerOwn[1], req.body());
            if (a.status() != 401) {
                mismatches.add(row.route() + " with a device credential: expected 401, got " + a);
            }
        }
        assertThat(mismatches).isEmpty();
        // the OpenAPI description names the device credential on exactly the routes that take it, and enrolment as open
        JsonNode paths = OpenApi.load().get("paths");
        Set<String> documented = new TreeSet<>();
        paths.fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
            if (op.getValue().path("security").findValues("device").size() > 0) {
                documented.add(op.getKey().toUpperCase(Locale.ROOT) + " "
                        + path.getKey().replaceFirst("^/api/v1", ""));
            }
        }));
        assertThat(documented).containsExactlyInAnyOrderElementsOf(deviceRoutes.stream()
                .filter(r -> !r.equals("POST /enrollment/enroll") && !r.equals("GET /speedtest/empty")).toList());
        assertThat(paths.get("/api/v1/enrollment/enroll").get("post").get("security")).isEmpty();
        assertThat(paths.get("/api/v1/speedtest/empty").get("get").get("security")).isEmpty();
    }

    private static List<UUID> ids(Answer a) {
        List<UUID> ids = new ArrayList<>();
        a.json().forEach(n -> ids.add(UUID.fromString(n.get("id").asText())));
        return ids;
    }
}
