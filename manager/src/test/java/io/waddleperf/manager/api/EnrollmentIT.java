package io.waddleperf.manager.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.waddleperf.core.autoperf.AutoPerfConfig;
import io.waddleperf.core.result.Device;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.Source;
import io.waddleperf.core.units.Units;
import io.waddleperf.manager.Harness;
import io.waddleperf.manager.Harness.Answer;
import io.waddleperf.manager.devices.AgentSchedule;
import io.waddleperf.manager.store.TestDatabases.Kind;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Enrolment end to end over HTTP on both databases: secrets, enrolment and its permanent OU binding, the device
 * credential for heartbeats, configuration and uploads, status buckets as time passes, deactivation, configuration
 * precedence and validation, and key introspection for test servers.
 */
class EnrollmentIT {

    private static final String PASSWORD = "a long enough password";

    /** A clock the test moves. */
    static final class MovableClock implements InstantSource {
        private final AtomicReference<Instant> now = new AtomicReference<>(Instant.now().truncatedTo(ChronoUnit.MICROS));

        @Override
        public Instant instant() {
            return now.get();
        }

        void advance(Duration d) {
            now.updateAndGet(t -> t.plus(d));
        }
    }

    static UUID createOu(Harness m, String admin, String name) {
        return UUID.fromString(m.call("POST", "/api/v1/organizations", admin, Map.of("name", name)).json().get("id").asText());
    }

    static String createSecret(Harness m, String admin, UUID ou) {
        Answer a = m.call("POST", "/api/v1/enrollment/secrets/" + ou, admin, Map.of("name", "lab agents"));
        assertThat(a.status()).as(a.toString()).isEqualTo(201);
        assertThat(a.json().get("secret").asText()).startsWith("wpe_");
        return a.json().get("secret").asText();
    }

    static Map<String, Object> enrolBody(String secret, String serial, String clientType) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("secret", secret);
        b.put("device_serial", serial);
        b.put("device_hostname", "host-" + serial);
        b.put("device_os", "Linux");
        b.put("device_os_version", "6.1");
        b.put("client_type", clientType);
        b.put("client_version", "0.1.0");
        return b;
    }

    /** Enrols and returns {@code [device_id, "Bearer <credential>"]}. */
    static String[] enrol(Harness m, String secret, String serial, String clientType) {
        Answer a = m.call("POST", "/api/v1/enrollment/enroll", null, enrolBody(secret, serial, clientType));
        assertThat(a.status()).as(a.toString()).isIn(200, 201);
        assertThat(a.json().get("device_credential").asText()).startsWith("wpd_");
        return new String[] {a.json().get("device_id").asText(), "Bearer " + a.json().get("device_credential").asText()};
    }

    static UUID createUser(Harness m, String admin, String name, String role, UUID ou) {
        Map<String, Object> body = new LinkedHashMap<>(Map.of("username", name, "password", PASSWORD, "role", role));
        if (ou != null) {
            body.put("ou_id", ou.toString());
        }
        Answer a = m.call("POST", "/api/v1/users", admin, body);
        assertThat(a.status()).as(a.toString()).isEqualTo(201);
        return UUID.fromString(a.json().get("id").asText());
    }

    private static ProbeResult result(String serial, Source source) {
        return ManagerApiIT.result("tcp://192.0.2.1:80", Instant.now().truncatedTo(ChronoUnit.MICROS), true, 2.0)
                .toBuilder().source(source).device(serial == null ? null : new Device(serial, "h", "Linux", "6.1", "agent", "0.1.0"))
                .build();
    }

    @ParameterizedTest
    @MethodSource("io.waddleperf.manager.store.TestDatabases#kinds")
    void a_device_enrols_heartbeats_pulls_its_configuration_and_uploads_into_its_ou(Kind kind) {
        MovableClock clock = new MovableClock();
        // sessions outlive the day the test's clock moves through
        try (Harness m = Harness.start(kind, Map.of("auth.session_ttl", "720h", "auth.refresh_ttl", "720h"), clock)) {
            String admin = m.adminLogin();
            UUID ouA = createOu(m, admin, "ou-a");
            UUID ouB = createOu(m, admin, "ou-b");
            String secretA = createSecret(m, admin, ouA);
            String secretB = createSecret(m, admin, ouB);
            createUser(m, admin, "rep-a", "ou_reporter", ouA);
            createUser(m, admin, "rep-b", "ou_reporter", ouB);
            String repA = m.login("rep-a", PASSWORD);
            String repB = m.login("rep-b", PASSWORD);

            // the secret is shown once: listings carry only its first characters
            Answer listed = m.call("GET", "/api/v1/enrollment/secrets/" + ouA, admin, null);
            assertThat(listed.status()).isEqualTo(200);
            assertThat(listed.body()).doesNotContain(secretA).contains(secretA.substring(0, 8));
            assertThat(m.call("GET", "/api/v1/enrollment/secrets", repB, null).json().get("secrets")).hasSize(1);

            String[] dev = enrol(m, secretA, "SN-0001", "agent");
            String deviceId = dev[0];
            String cred = dev[1];
            JsonNode detail = m.call("GET", "/api/v1/devices/" + deviceId, admin, null).json();
            assertThat(detail.get("status").asText()).isEqualTo("never");
            assertThat(detail.get("ou_id").asText()).isEqualTo(ouA.toString());
            assertThat(detail.get("device_hostname").asText()).isEqualTo("host-SN-0001");
            assertThat(detail.get("enrollment_secret_name").asText()).isEqualTo("lab agents");
            assertThat(detail.toString()).doesNotContain(cred.substring(7));

            // heartbeat, then the status buckets as time passes
            Answer hb = m.call("POST", "/api/v1/enrollment/devices/" + deviceId + "/heartbeat", cred,
                    Map.of("client_version", "0.2.0"));
            assertThat(hb.status()).as(hb.toString()).isEqualTo(200);
            assertThat(hb.json().get("heartbeat_interval_seconds").asInt()).isEqualTo(60);
            assertThat(status(m, admin, deviceId)).isEqualTo("online");
            clock.advance(Duration.ofMinutes(5));
            assertThat(status(m, admin, deviceId)).isEqualTo("recent");
            clock.advance(Duration.ofMinutes(55));
            assertThat(status(m, admin, deviceId)).isEqualTo("offline");
            assertThat(m.call("GET", "/api/v1/devices?status=offline", repA, null).json().get("total").asInt()).isEqualTo(1);
            assertThat(m.call("GET", "/api/v1/devices?status=offline", repB, null).json().get("total").asInt()).isZero();
            clock.advance(Duration.ofHours(23));
            assertThat(status(m, admin, deviceId)).isEqualTo("stale");
            JsonNode stats = m.call("GET", "/api/v1/devices/stats", repA, null).json();
            assertThat(stats.get("total").asInt()).isEqualTo(1);
            assertThat(stats.get("stale").asInt()).isEqualTo(1);
            assertThat(stats.get("online").asInt()).isZero();

            // no configuration anywhere: the device keeps its own, and is told when to ask again
            JsonNode none = m.call("GET", "/api/v1/enrollment/config", cred, null).json();
            assertThat(none.get("source").asText()).isEqualTo("none");
            assertThat(none.get("next_checkin_seconds").asLong()).isBetween(1800L, 3600L);
            assertThat(status(m, admin, deviceId)).as("a configuration pull counts as contact").isEqualTo("online");

            // a document with mistakes is refused naming the key path; a good one becomes the default
            Answer bad = m.call("PUT", "/api/v1/enrollment/configs/default", admin, Map.of("config_data",
                    Map.of("autoperf", Map.of("tier1", Map.of("thresholds", Map.of("ping_latency_ms", 150))))));
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.json().get("field").asText()).isEqualTo("config_data.autoperf.tier1.thresholds.ping_latency_ms");
            assertThat(bad.json().get("error").asText()).contains("did you mean 'ping_latency'");
            Answer badProbe = m.call("PUT", "/api/v1/enrollment/configs/default", admin, Map.of("config_data",
                    Map.of("autoperf", Map.of("tier2", Map.of("probes", List.of(Map.of("target", "iperf3://{target_server}:5201",
                            "options", Map.of("reverse", "maybe"))))))));
            assertThat(badProbe.status()).isEqualTo(400);
            assertThat(badProbe.json().get("field").asText())
                    .as("the agent's own key path for the same mistake")
                    .isEqualTo("config_data.autoperf.tier2.probes[0].options.reverse");
            assertThat(m.call("PUT", "/api/v1/enrollment/configs/default", admin, Map.of("config_data", List.of(1)))
                    .json().get("field").asText()).isEqualTo("config_data");
            Answer def = m.call("PUT", "/api/v1/enrollment/configs/default", admin, Map.of("config_name", "fleet",
                    "config_data", Map.of("autoperf", Map.of("interval", 600), "target_server", "ts.example.net")));
            assertThat(def.status()).as(def.toString()).isEqualTo(200);

            JsonNode got = m.call("GET", "/api/v1/enrollment/config?device_serial=SN-0001", cred, null).json();
            assertThat(got.get("source").asText()).isEqualTo("default");
            assertThat(got.get("config_name").asText()).isEqualTo("fleet");
            double interval = got.get("interval_seconds").asDouble();
            assertThat(interval).isBetween(510.0, 690.0)
                    .isEqualTo(AgentSchedule.interval(Duration.ofSeconds(600), UUID.fromString(deviceId)).toMillis() / 1000.0);
            assertThat(got.get("base_interval_seconds").asDouble()).isEqualTo(600.0);
            // the document the device gets loads as it is, with its own interval
            AutoPerfConfig served = AutoPerfConfig.loader().loadJson("served", got.get("config").toString());
            assertThat(served.autoperf().interval().toMillis()).isEqualTo(Math.round(interval * 1000));
            assertThat(got.get("config").get("autoperf").get("interval").asText())
                    .isEqualTo(Units.formatDuration(served.autoperf().interval()));
            assertThat(served.targetServer()).isEqualTo("ts.example.net");
            assertThat(m.call("GET", "/api/v1/enrollment/config", cred, null).json().get("interval_seconds").asDouble())
                    .as("the same device gets the same interval every time").isEqualTo(interval);
            assertThat(m.call("GET", "/api/v1/enrollment/config?device_serial=SN-9999", cred, null).status()).isEqualTo(404);
            assertThat(m.call("GET", "/api/v1/enrollment/config?device_serial=SN-0001", repA, null).json()
                    .get("source").asText()).as("a reporter previews").isEqualTo("default");
            assertThat(m.call("GET", "/api/v1/enrollment/config?device_serial=SN-0001", repB, null).status()).isEqualTo(404);

            // the OU's document wins over the default, the device's own over both
            assertThat(m.call("PUT", "/api/v1/enrollment/configs/" + ouA, admin, Map.of("config_data",
                    Map.of("autoperf", Map.of("interval", 120)))).status()).isEqualTo(200);
            assertThat(source(m, cred)).isEqualTo("ou");
            assertThat(m.call("PUT", "/api/v1/devices/" + deviceId + "/config", admin, Map.of("config_data",
                    Map.of("autoperf", Map.of("tier3", Map.of("enabled", false))))).status()).isEqualTo(200);
            assertThat(source(m, cred)).isEqualTo("device");
            assertThat(m.call("GET", "/api/v1/devices/" + deviceId, admin, null).json().get("config_source").asText())
                    .isEqualTo("device");
            assertThat(m.call("GET", "/api/v1/enrollment/configs", repA, null).json().get("configs")).hasSize(3);
            assertThat(m.call("GET", "/api/v1/enrollment/configs", repB, null).json().get("configs")).hasSize(1);
            assertThat(m.call("DELETE", "/api/v1/devices/" + deviceId + "/config", admin, null).status()).isEqualTo(204);
            assertThat(source(m, cred)).isEqualTo("ou");
            JsonNode hb2 = m.call("POST", "/api/v1/enrollment/devices/" + deviceId + "/heartbeat", cred, null).json();
            assertThat(hb2.get("config_updated_at").asText()).isNotEmpty();

            // uploads with the credential belong to the device's OU
            ProbeResult mine = result("SN-0001", Source.AGENT);
            ProbeResult anonymous = result(null, Source.AGENT);
            ProbeResult relayed = result("a-browser", Source.BROWSER);
            Answer up = m.call("POST", "/api/v1/results", cred, List.of(mine, anonymous, relayed));
            assertThat(up.status()).as(up.toString()).isEqualTo(201);
            assertThat(up.json().get("stored").asInt()).isEqualTo(3);
            assertThat(m.call("GET", "/api/v1/results/" + mine.id(), repA, null).status()).isEqualTo(200);
            assertThat(m.call("GET", "/api/v1/results/" + mine.id(), repB, null).status()).isEqualTo(404);
            UUID storedDevice = m.db().read(h -> h.createQuery("SELECT device_id FROM results WHERE id = :id")
                    .bind("id", anonymous.id()).mapTo(UUID.class).one());
            assertThat(storedDevice).isEqualTo(UUID.fromString(deviceId));
            Answer spoof = m.call("POST", "/api/v1/results", cred, List.of(result("SN-0001", Source.AGENT),
                    result("SN-OTHER", Source.AGENT)));
            assertThat(spoof.status()).isEqualTo(400);
            assertThat(spoof.json().get("field").asText()).isEqualTo("[1].device.serial");
            assertThat(m.call("POST", "/api/v1/results/upload", cred, LegacyUploadsIT.UPLOAD_BODY).status())
                    .as("a device uploads on the batch path only").isEqualTo(401);

            // a device sends only its own heartbeat
            String[] other = enrol(m, secretA, "SN-0002", "agent");
            assertThat(m.call("POST", "/api/v1/enrollment/devices/" + other[0] + "/heartbeat", cred, null).status())
                    .isEqualTo(404);

            // deactivated: every use of the credential is refused, and enrolling again does not lift it
            assertThat(m.call("POST", "/api/v1/devices/" + deviceId + "/deactivate", repA, null).status()).isEqualTo(403);
            Answer off = m.call("POST", "/api/v1/devices/" + deviceId + "/deactivate", admin, null);
            assertThat(off.status()).isEqualTo(200);
            assertThat(off.json().get("is_active").asBoolean()).isFalse();
            assertThat(m.call("POST", "/api/v1/enrollment/devices/" + deviceId + "/heartbeat", cred, null).status())
                    .isEqualTo(403);
            assertThat(m.call("GET", "/api/v1/enrollment/config", cred, null).status()).isEqualTo(403);
            assertThat(m.call("POST", "/api/v1/results", cred, result("SN-0001", Source.AGENT)).status()).isEqualTo(403);
            assertThat(m.call("POST", "/api/v1/enrollment/enroll", null, enrolBody(secretA, "SN-0001", "agent")).status())
                    .isEqualTo(403);
            assertThat(m.call("GET", "/api/v1/devices?active=false", admin, null).json().get("total").asInt()).isEqualTo(1);
            assertThat(m.call("POST", "/api/v1/devices/" + deviceId + "/reactivate", admin, null).status()).isEqualTo(200);
            assertThat(m.call("POST", "/api/v1/enrollment/devices/" + deviceId + "/heartbeat", cred, null).status())
                    .isEqualTo(200);

            // the OU binding is permanent; enrolling again in the same OU replaces the credential
            Answer moved = m.call("POST", "/api/v1/enrollment/enroll", null, enrolBody(secretB, "SN-0001", "agent"));
            assertThat(moved.status()).isEqualTo(409);
            assertThat(moved.json().get("field").asText()).isEqualTo("device_serial");
            Answer again = m.call("POST", "/api/v1/enrollment/enroll", null, enrolBody(secretA, "SN-0001", "agent"));
            assertThat(again.status()).isEqualTo(200);
            assertThat(again.json().get("status").asText()).isEqualTo("re_enrolled");
            assertThat(again.json().get("device_id").asText()).isEqualTo(deviceId);
            assertThat(m.call("GET", "/api/v1/enrollment/config", cred, null).status()).as("the old credential").isEqualTo(401);
            String newCred = "Bearer " + again.json().get("device_credential").asText();
            assertThat(m.call("GET", "/api/v1/enrollment/config", newCred, null).status()).isEqualTo(200);

            // a revoked secret enrols nobody; devices enrolled with it keep working
            String secretId = m.call("GET", "/api/v1/enrollment/secrets/" + ouA, admin, null).json().get("secrets").get(0)
                    .get("id").asText();
            assertThat(m.call("DELETE", "/api/v1/enrollment/secrets/" + secretId, admin, null).status()).isEqualTo(204);
            assertThat(m.call("POST", "/api/v1/enrollment/enroll", null, enrolBody(secretA, "SN-0003", "agent")).status())
                    .isEqualTo(401);
            assertThat(m.call("GET", "/api/v1/enrollment/config", newCred, null).status()).isEqualTo(200);
            assertThat(m.call("GET", "/api/v1/enrollment/secrets/" + ouA, admin, null).json().get("secrets").get(0)
                    .get("is_active").asBoolean()).isFalse();

            // an OU with devices cannot be deleted
            assertThat(m.call("DELETE", "/api/v1/organizations/" + ouB, admin, null).status()).isEqualTo(409);
        }
    }

    private static String status(Harness m, String admin, String deviceId) {
        return m.call("GET", "/api/v1/devices/" + deviceId, admin, null).json().get("status").asText();
    }

    private static String source(Harness m, String cred) {
        return m.call("GET", "/api/v1/enrollment/config", cred, null).json().get("source").asText();
    }

    @Test
    void a_stored_document_that_no_longer_passes_the_checks_is_a_409_naming_the_key_not_a_crash() {
        try (Harness m = Harness.start(Kind.H2)) {
            String admin = m.adminLogin();
            UUID ou = createOu(m, admin, "ou");
            String cred = enrol(m, createSecret(m, admin, ou), "SN-1", "agent")[1];
            // as an older, looser manager might have stored it
            new io.waddleperf.manager.store.AgentConfigRepository(m.db()).put(
                    io.waddleperf.manager.store.AgentConfig.Scope.OU, ou, null, "{\"autoperf\": {\"interval\": \"1ms\"}}", null, Instant.now());
            Answer a = m.call("GET", "/api/v1/enrollment/config", cred, null);
            assertThat(a.status()).isEqualTo(409);
            assertThat(a.json().get("field").asText()).isEqualTo("config_data.autoperf.interval");
            assertThat(a.json().get("error").asText()).contains("ou configuration", "must be between 100ms and 24h");
        }
    }

    @Test
    void bad_enrolments_name_the_field_and_repeated_failures_are_rate_limited() {
        try (Harness m = Harness.start(Kind.H2, Map.of("auth.max_failures_per_account", "3"), InstantSource.system())) {
            String admin = m.adminLogin();
            String secret = createSecret(m, admin, createOu(m, admin, "ou"));
            Map<String, Object> noSerial = enrolBody(secret, "x", "agent");
            noSerial.remove("device_serial");
            assertThat(m.call("POST", "/api/v1/enrollment/enroll", null, noSerial).json().get("field").asText())
                    .isEqualTo("device_serial");
            Map<String, Object> extra = enrolBody(secret, "x", "agent");
            extra.put("ou_id", UUID.randomUUID().toString());
            assertThat(m.call("POST", "/api/v1/enrollment/enroll", null, extra).json().get("field").asText()).isEqualTo("ou_id");
            assertThat(m.call("POST", "/api/v1/enrollment/enroll", null, enrolBody(secret, " padded", "agent"))
                    .json().get("field").asText()).isEqualTo("device_serial");
            assertThat(m.call("POST", "/api/v1/enrollment/enroll", null, enrolBody(secret, "x", "Agent 2"))
                    .json().get("field").asText()).isEqualTo("client_type");
            Map<String, Object> noSecret = enrolBody(null, "x", "agent");
            assertThat(m.call("POST", "/api/v1/enrollment/enroll", null, noSecret).json().get("field").asText())
                    .isEqualTo("secret");
            Map<String, Object> alias = enrolBody(null, "SN-alias", "agent");
            alias.remove("secret");
            alias.put("enrollment_secret", secret);
            assertThat(m.call("POST", "/api/v1/enrollment/enroll", null, alias).status()).isEqualTo(201);

            for (int i = 0; i < 3; i++) {
                assertThat(m.call("POST", "/api/v1/enrollment/enroll", null, enrolBody("wpe_guess" + i, "SN-x", "agent"))
                        .status()).isEqualTo(401);
            }
            Answer limited = m.call("POST", "/api/v1/enrollment/enroll", null, enrolBody(secret, "SN-x", "agent"));
            assertThat(limited.status()).isEqualTo(429);
            assertThat(limited.headers().firstValue("Retry-After")).isPresent();
            assertThat(m.call("POST", "/api/v1/enrollment/enroll", null, enrolBody(secret, "SN-y", "agent")).status())
                    .as("another serial from the same address is not yet limited").isEqualTo(201);
        }
    }

    @ParameterizedTest
    @MethodSource("io.waddleperf.manager.store.TestDatabases#kinds")
    void a_test_server_checks_user_keys_and_sessions_and_learns_nothing_about_bad_ones(Kind kind) {
        try (Harness m = Harness.start(kind)) {
            String admin = m.adminLogin();
            UUID ou = createOu(m, admin, "ou");
            String secret = createSecret(m, admin, ou);
            String testServer = enrol(m, secret, "TS-1", "testserver")[1];
            String agent = enrol(m, secret, "AG-1", "agent")[1];
            UUID userId = createUser(m, admin, "alice", "user", ou);
            String key = m.call("POST", "/api/v1/users/" + userId + "/api-key", admin, null).json().get("api_key").asText();
            String session = m.login("alice", PASSWORD).substring("Bearer ".length());

            JsonNode ok = m.call("POST", "/api/v1/auth/introspect", testServer, Map.of("token", key)).json();
            assertThat(ok.get("active").asBoolean()).isTrue();
            assertThat(ok.get("user_id").asText()).isEqualTo(userId.toString());
            assertThat(ok.get("role").asText()).isEqualTo("user");
            assertThat(ok.get("ou_id").asText()).isEqualTo(ou.toString());
            assertThat(m.call("POST", "/api/v1/auth/introspect", testServer, Map.of("token", session)).json()
                    .get("active").asBoolean()).isTrue();
            for (String bad : List.of("wpk_nothing", key + "x", agent.substring(7), "", "a b", "x".repeat(300))) {
                Answer a = m.call("POST", "/api/v1/auth/introspect", testServer, Map.of("token", bad));
                if (bad.isEmpty()) {
                    assertThat(a.status()).isEqualTo(400);
                    continue;
                }
                assertThat(a.status()).isEqualTo(200);
                assertThat(a.json().size()).isEqualTo(1);
                assertThat(a.json().get("active").asBoolean()).isFalse();
            }
            assertThat(m.call("POST", "/api/v1/auth/introspect", agent, Map.of("token", key)).status()).isEqualTo(403);
            assertThat(m.call("POST", "/api/v1/auth/introspect", admin, Map.of("token", key)).status()).isEqualTo(200);
            assertThat(m.call("POST", "/api/v1/auth/introspect", "ApiKey " + key, Map.of("token", key)).status())
                    .isEqualTo(403);
            assertThat(m.call("POST", "/api/v1/auth/introspect", null, Map.of("token", key)).status()).isEqualTo(401);

            // a regenerated key stops being active at once
            m.call("POST", "/api/v1/users/" + userId + "/api-key", admin, null);
            assertThat(m.call("POST", "/api/v1/auth/introspect", testServer, Map.of("token", key)).json()
                    .get("active").asBoolean()).isFalse();
        }
    }
}
