package io.waddleperf.manager.api;

import static io.waddleperf.manager.api.ManagerApiIT.assertField;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.waddleperf.manager.Harness;
import io.waddleperf.manager.Harness.Answer;
import io.waddleperf.manager.store.TestDatabases.Kind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The audit log over HTTP: what gets recorded (users, OUs, logins, enrolment secrets, enrolments, device activation,
 * agent configurations), paging and filters, who may read it, and that it holds no secret.
 */
class AuditIT {

    private static final String PASSWORD = "a long enough password";
    private static final String NEW_PASSWORD = "yet another long password";

    private static List<JsonNode> all(Harness m, String token, String query) {
        List<JsonNode> out = new ArrayList<>();
        String before = null;
        for (int page = 0; page < 100; page++) {
            Answer a = m.call("GET", "/api/v1/audit?limit=4" + query + (before == null ? "" : "&before=" + before), token, null);
            assertThat(a.status()).as(a.toString()).isEqualTo(200);
            a.json().get("entries").forEach(out::add);
            if (!a.json().hasNonNull("next_before")) {
                return out;
            }
            before = a.json().get("next_before").asText();
        }
        throw new AssertionError("paging did not end");
    }

    private static JsonNode only(List<JsonNode> entries, String action) {
        List<JsonNode> found = entries.stream().filter(e -> e.get("action").asText().equals(action)).toList();
        assertThat(found).as(action).hasSize(1);
        return found.getFirst();
    }

    @ParameterizedTest
    @MethodSource("io.waddleperf.manager.store.TestDatabases#kinds")
    void changes_are_recorded_with_actor_address_target_and_details_but_no_secret(Kind kind) {
        try (Harness m = Harness.start(kind)) {
            String admin = m.adminLogin();
            String ou = m.call("POST", "/api/v1/organizations", admin, Map.of("name", "lab", "description", "first")).json()
                    .get("id").asText();
            m.call("PUT", "/api/v1/organizations/" + ou, admin, Map.of("description", "second"));
            String userId = m.call("POST", "/api/v1/users", admin, Map.of("username", "ann", "password", PASSWORD, "role", "user",
                    "ou_id", ou)).json().get("id").asText();
            m.call("PATCH", "/api/v1/users/" + userId, admin, Map.of("role", "ou_reporter", "email", "ann@example.org"));
            String apiKey = m.call("POST", "/api/v1/users/" + userId + "/api-key", admin, null).json().get("api_key").asText();
            String ann = m.login("ann", PASSWORD);
            assertThat(m.call("POST", "/api/v1/auth/change-password", ann, Map.of("current_password", PASSWORD,
                    "new_password", NEW_PASSWORD)).status()).isEqualTo(204);
            m.call("POST", "/api/v1/auth/login", null, Map.of("username", "ann", "password", PASSWORD));
            m.call("POST", "/api/v1/auth/login", null, Map.of("username", "hunter2-typed-as-name", "password", PASSWORD));
            m.call("DELETE", "/api/v1/users/" + userId, admin, null);
            m.call("DELETE", "/api/v1/organizations/" + ou, admin, null);

            List<JsonNode> entries = all(m, admin, "");
            assertThat(entries.getFirst().get("action").asText()).isEqualTo("organization.delete");
            assertThat(entries.getLast().get("action").asText()).as("the first admin, made on the command line")
                    .isEqualTo("user.create");
            assertThat(entries.getLast().get("actor").asText()).isEqualTo("create-admin");
            for (JsonNode e : entries) {
                assertThat(!e.has("client_address") || e.get("client_address").asText().equals("127.0.0.1"))
                        .as(e.toString()).isTrue();
                assertThat(e.get("time").asText()).endsWith("Z");
            }
            JsonNode ouUpdate = only(entries, "organization.update");
            assertThat(ouUpdate.get("actor").asText()).isEqualTo("admin");
            assertThat(ouUpdate.get("target").asText()).isEqualTo("lab");
            assertThat(ouUpdate.get("details").get("description").toString()).isEqualTo("{\"from\":\"first\",\"to\":\"second\"}");
            JsonNode userUpdate = only(entries, "user.update");
            assertThat(userUpdate.get("target_id").asText()).isEqualTo(userId);
            assertThat(userUpdate.get("ou_id").asText()).isEqualTo(ou);
            assertThat(userUpdate.get("details").get("role").toString()).isEqualTo("{\"from\":\"user\",\"to\":\"ou_reporter\"}");
            assertThat(userUpdate.get("details").has("active")).as("unchanged fields are left out").isFalse();
            assertThat(only(entries, "user.api_key_regenerate").get("details").get("api_key").asBoolean()).isTrue();
            JsonNode change = only(entries, "user.password_change");
            assertThat(change.get("actor").asText()).isEqualTo("ann");
            assertThat(change.get("details").get("password").asBoolean()).isTrue();
            List<JsonNode> failed = entries.stream().filter(e -> e.get("action").asText().equals("auth.login_failed")).toList();
            assertThat(failed).hasSize(2);
            assertThat(failed).anySatisfy(e -> {
                assertThat(e.path("actor").asText()).isEqualTo("ann");
                assertThat(e.get("details").get("reason").asText()).isEqualTo("wrong_credentials");
            });
            assertThat(failed).as("an unknown name is not kept").anySatisfy(e -> {
                assertThat(e.has("actor")).isFalse();
                assertThat(e.has("target")).isFalse();
            });
            assertThat(entries.stream().filter(e -> e.get("action").asText().equals("auth.login")).count()).isEqualTo(2);
            only(entries, "user.delete");
            only(entries, "organization.create");

            String everything = m.call("GET", "/api/v1/audit?limit=1000", admin, null).body();
            assertThat(everything).doesNotContain(PASSWORD, NEW_PASSWORD, Harness.ADMIN_PASSWORD, apiKey, apiKey.substring(0, 12),
                    "hunter2", "$argon2", "wps_", "wpk_");
            assertThat(all(m, admin, "")).hasSameSizeAs(m.call("GET", "/api/v1/audit?limit=1000", admin, null).json().get("entries"));
        }
    }

    @ParameterizedTest
    @MethodSource("io.waddleperf.manager.store.TestDatabases#kinds")
    void enrolment_secrets_enrolments_device_activation_and_agent_configurations_are_recorded(Kind kind) {
        try (Harness m = Harness.start(kind)) {
            String admin = m.adminLogin();
            UUID ou = EnrollmentIT.createOu(m, admin, "branch");
            UUID bossId = EnrollmentIT.createUser(m, admin, "boss", "ou_admin", ou);
            String boss = m.login("boss", PASSWORD);

            Answer created = m.call("POST", "/api/v1/enrollment/secrets/" + ou, boss,
                    Map.of("name", "branch agents", "expires_at", "2999-01-01T00:00:00Z"));
            assertThat(created.status()).as(created.toString()).isEqualTo(201);
            String secret = created.json().get("secret").asText();
            String secretId = created.json().get("id").asText();
            String[] first = EnrollmentIT.enrol(m, secret, "SN-A1", "agent");
            String[] again = EnrollmentIT.enrol(m, secret, "SN-A1", "agent");
            String deviceId = first[0];

            String ouConfig = "/api/v1/enrollment/configs/" + ou;
            String deviceConfig = "/api/v1/devices/" + deviceId + "/config";
            assertThat(m.call("PUT", ouConfig, boss, Map.of("config_name", "v1", "config_data",
                    Map.of("autoperf", Map.of("interval", 300)))).status()).isEqualTo(200);
            assertThat(m.call("PUT", ouConfig, boss, Map.of("config_name", "v2", "config_data", Map.of("autoperf",
                    Map.of("interval", 300), "target_server", "ts.example.net"))).status()).isEqualTo(200);
            assertThat(m.call("PUT", deviceConfig, boss, Map.of("config_data",
                    Map.of("autoperf", Map.of("enabled", false)))).status())
                    .isEqualTo(200);
            assertThat(m.call("DELETE", deviceConfig, boss, null).status()).isEqualTo(204);
            assertThat(m.call("PUT", "/api/v1/enrollment/configs/default", admin, Map.of("config_data",
                    Map.of("autoperf", Map.of("interval", "10m")))).status()).isEqualTo(200);
            assertThat(m.call("DELETE", "/api/v1/enrollment/configs/default", admin, null).status()).isEqualTo(204);

            for (String action : List.of("deactivate", "deactivate", "reactivate")) {
                assertThat(m.call("POST", "/api/v1/devices/" + deviceId + "/" + action, boss, null).status())
                        .as(action).isEqualTo(200);
            }
            for (int i = 0; i < 2; i++) {
                assertThat(m.call("DELETE", "/api/v1/enrollment/secrets/" + secretId, boss, null).status()).isEqualTo(204);
            }

            List<JsonNode> entries = all(m, admin, "");
            JsonNode made = only(entries, "enrollment_secret.create");
            assertThat(made.get("actor_id").asText()).isEqualTo(bossId.toString());
            assertThat(made.get("target_type").asText()).isEqualTo("enrollment_secret");
            assertThat(made.get("target_id").asText()).isEqualTo(secretId);
            assertThat(made.get("target").asText()).isEqualTo("branch agents");
            assertThat(made.get("ou_id").asText()).isEqualTo(ou.toString());
            assertThat(made.get("details").get("expires_at").asText()).isEqualTo("2999-01-01T00:00:00Z");
            assertThat(only(entries, "enrollment_secret.revoke").get("target_id").asText())
                    .as("revoking a revoked secret is no second change").isEqualTo(secretId);

            List<JsonNode> enrolments = entries.stream().filter(e -> e.get("action").asText().equals("device.enroll"))
                    .toList();
            assertThat(enrolments).extracting(e -> e.get("details").get("status").asText())
                    .containsExactly("re_enrolled", "enrolled");
            for (JsonNode e : enrolments) {
                assertThat(e.has("actor")).as("a device has no account").isFalse();
                assertThat(e.get("client_address").asText()).isEqualTo("127.0.0.1");
                assertThat(e.get("target_type").asText()).isEqualTo("device");
                assertThat(e.get("target_id").asText()).isEqualTo(deviceId);
                assertThat(e.get("target").asText()).isEqualTo("SN-A1");
                assertThat(e.get("ou_id").asText()).isEqualTo(ou.toString());
                assertThat(e.get("details").get("enrolled_with").asText()).isEqualTo(secretId);
                assertThat(e.get("details").get("client_type").asText()).isEqualTo("agent");
                assertThat(e.get("details").get("credential").asBoolean()).isTrue();
            }
            assertThat(only(entries, "device.deactivate").get("details").get("active").toString())
                    .as("deactivating a deactivated device is no second change").isEqualTo("{\"from\":true,\"to\":false}");
            assertThat(only(entries, "device.reactivate").get("actor").asText()).isEqualTo("boss");

            List<JsonNode> ouDocs = all(m, admin, "&target_type=agent_config&target_id=" + ou);
            assertThat(ouDocs).extracting(e -> e.get("action").asText())
                    .containsExactly("agent_config.update", "agent_config.create");
            JsonNode update = ouDocs.getFirst();
            assertThat(update.get("target").asText()).isEqualTo("branch");
            assertThat(update.get("details").get("scope").asText()).isEqualTo("ou");
            assertThat(update.get("details").get("config_name").toString()).isEqualTo("{\"from\":\"v1\",\"to\":\"v2\"}");
            assertThat(update.get("details").get("changed").toString()).isEqualTo("[\"target_server\"]");
            assertThat(ouDocs.getLast().get("details").get("changed").toString()).isEqualTo("[\"autoperf\"]");
            List<JsonNode> deviceDocs = all(m, admin, "&target_type=agent_config&target_id=" + deviceId);
            assertThat(deviceDocs).extracting(e -> e.get("action").asText())
                    .containsExactly("agent_config.delete", "agent_config.create");
            assertThat(deviceDocs).allSatisfy(e -> {
                assertThat(e.get("target").asText()).isEqualTo("SN-A1");
                assertThat(e.get("ou_id").asText()).isEqualTo(ou.toString());
                assertThat(e.get("details").get("scope").asText()).isEqualTo("device");
            });
            List<JsonNode> defaults = all(m, admin, "&target_type=agent_config&target_id=default");
            assertThat(defaults).extracting(e -> e.get("action").asText())
                    .containsExactly("agent_config.delete", "agent_config.create");
            assertThat(defaults).allSatisfy(e -> assertThat(e.get("actor").asText()).isEqualTo("admin"));
            assertThat(all(m, admin, "&target_type=device&target_id=" + deviceId)).hasSize(4);

            // the OU's admin reads all of it but the default's entries, which belong to no OU
            List<JsonNode> seenByBoss = all(m, boss, "");
            assertThat(seenByBoss).extracting(e -> e.get("action").asText()).contains("enrollment_secret.create",
                    "enrollment_secret.revoke", "device.enroll", "device.deactivate", "device.reactivate",
                    "agent_config.create", "agent_config.update", "agent_config.delete");
            assertThat(seenByBoss).noneSatisfy(e -> assertThat(e.get("target_id").asText()).isEqualTo("default"));

            String everything = m.call("GET", "/api/v1/audit?limit=1000", admin, null).body();
            assertThat(everything).doesNotContain(secret, secret.substring(0, 12), first[1].substring(7),
                    again[1].substring(7), "wpe_", "wpd_");
        }
    }

    @Test
    void filters_narrow_the_list_and_bad_filters_name_themselves() {
        try (Harness m = Harness.start(Kind.H2)) {
            String admin = m.adminLogin();
            String adminId = m.call("GET", "/api/v1/auth/me", admin, null).json().get("id").asText();
            String ou = m.call("POST", "/api/v1/organizations", admin, Map.of("name", "lab")).json().get("id").asText();
            m.call("POST", "/api/v1/users", admin, Map.of("username", "ann", "password", PASSWORD, "role", "user", "ou_id", ou));
            assertThat(all(m, admin, "&action=user.*")).extracting(e -> e.get("action").asText()).containsOnly("user.create").hasSize(2);
            assertThat(all(m, admin, "&target_type=organization")).hasSize(1);
            assertThat(all(m, admin, "&target_id=" + ou)).hasSize(1);
            assertThat(all(m, admin, "&actor_id=" + adminId)).extracting(e -> e.get("action").asText())
                    .containsExactly("user.create", "organization.create", "auth.login");
            assertThat(all(m, admin, "&from=2000-01-01T00:00:00Z&to=2000-01-02T00:00:00Z")).isEmpty();
            assertField(m.call("GET", "/api/v1/audit?action=DROP%20TABLE", admin, null), 400, "action");
            assertField(m.call("GET", "/api/v1/audit?actor_id=me", admin, null), 400, "actor_id");
            assertField(m.call("GET", "/api/v1/audit?before=x", admin, null), 400, "before");
            assertField(m.call("GET", "/api/v1/audit?limit=0", admin, null), 400, "limit");
            assertField(m.call("GET", "/api/v1/audit?from=2001-01-01T00:00:00Z&to=2000-01-01T00:00:00Z", admin, null), 400, "from");
        }
    }

    @Test
    void ou_admins_read_their_ous_entries_and_other_roles_none() {
        try (Harness m = Harness.start(Kind.H2)) {
            String admin = m.adminLogin();
            Map<String, String> ous = new HashMap<>();
            for (String name : List.of("a", "b")) {
                ous.put(name, m.call("POST", "/api/v1/organizations", admin, Map.of("name", name)).json().get("id").asText());
                m.call("POST", "/api/v1/users", admin, Map.of("username", "admin-" + name, "password", PASSWORD, "role", "ou_admin",
                        "ou_id", ous.get(name)));
            }
            m.call("POST", "/api/v1/users", admin, Map.of("username", "rep", "password", PASSWORD, "role", "global_reporter"));
            m.call("POST", "/api/v1/users", admin, Map.of("username", "ou-rep", "password", PASSWORD, "role", "ou_reporter",
                    "ou_id", ous.get("a")));
            String adminA = m.login("admin-a", PASSWORD);
            m.call("POST", "/api/v1/users", adminA, Map.of("username", "made-by-a", "password", PASSWORD, "role", "user"));
            List<JsonNode> seen = all(m, adminA, "");
            assertThat(seen).isNotEmpty().allSatisfy(e -> assertThat(e.get("ou_id").asText()).isEqualTo(ous.get("a")));
            assertThat(seen).anySatisfy(e -> assertThat(e.get("target").asText()).isEqualTo("made-by-a"));
            for (String reader : List.of("rep", "ou-rep")) {
                assertThat(m.call("GET", "/api/v1/audit", m.login(reader, PASSWORD), null).status()).as(reader).isEqualTo(403);
            }
            assertThat(m.call("GET", "/api/v1/audit", null, null).status()).isEqualTo(401);
        }
    }
}
