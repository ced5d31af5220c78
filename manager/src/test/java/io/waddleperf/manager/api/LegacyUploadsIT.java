package io.waddleperf.manager.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.core.result.Json;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.manager.Harness;
import io.waddleperf.manager.Harness.Answer;
import io.waddleperf.manager.store.TestDatabases.Kind;
import io.waddleperf.testkit.ResultSchema;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The bodies the original clients send, as they send them: the Go client's to {@code /api/v1/tests/}, the
 * container client's flat one (with {@code X-API-Key}) and the original manager's {@code /api/v1/results/upload}.
 * Each is stored as a result object that passes the schema, with the device kept and nothing dropped.
 */
class LegacyUploadsIT {

    /** What the Go client's buildTestResult sends for a TCP test. */
    static final String GO_BODY = """
            {"test_id":"tcp-192.0.2.5:443-1737000000123456789","name":"tcp test to 192.0.2.5:443",
             "organization_id":"org-1","device_id":"SN-42","status":"completed","duration_ms":12,"success":true,
             "metrics":{"protocol":"raw_tcp","latency_ms":12.5},
             "metadata":{"device_serial":"SN-42","device_host":"laptop-7","device_os":"linux","device_arch":"amd64",
                         "test_type":"tcp","target":"192.0.2.5:443","target_ip":"192.0.2.5",
                         "timestamp":"2026-01-16T04:00:00Z"}}
            """;

    /** What the container client sends: the probe's dataclass plus device fields and a local timestamp. */
    static final String CONTAINER_BODY = """
            {"test_type":"tcp","protocol_detail":"tcp_tls","target_host":"example.org","target_ip":"192.0.2.9",
             "target_port":443,"latency_ms":33.1,"connection_time_ms":33.1,"success":true,"error":null,
             "raw_results":{"tls_version":"TLSv1.3","cipher":["TLS_AES_128_GCM_SHA256","TLSv1.3",128]},
             "device_serial":"c0ffee","device_hostname":"box-1","device_os":"Linux","device_os_version":"6.1.0",
             "timestamp":"2026-01-16T06:00:00.250000+02:00"}
            """;

    /** The original manager's upload fields. */
    static final String UPLOAD_BODY = """
            {"device_serial":"SN-1","device_hostname":"h1","device_os":"Windows","device_os_version":"11",
             "test_type":"icmp","protocol_detail":"icmp","target_host":"192.0.2.1","target_ip":"192.0.2.1",
             "latency_ms":4.2,"jitter_ms":0.3,"packet_loss_percent":0.0,"raw_results":{"ttl":57}}
            """;

    @Test
    void the_go_client_body_is_stored_once_with_its_device_and_its_id_derived_from_test_id() {
        try (Harness m = Harness.start(Kind.H2)) {
            String admin = m.adminLogin();
            Answer first = m.call("POST", "/api/v1/tests/", admin, GO_BODY);
            assertThat(first.status()).as(first.toString()).isEqualTo(201);
            assertThat(first.json().get("status").asText()).isEqualTo("stored");
            Answer again = m.call("POST", "/api/v1/tests/", admin, GO_BODY);
            assertThat(again.status()).isEqualTo(200);
            assertThat(again.json().get("status").asText()).isEqualTo("duplicate");
            assertThat(again.json().get("id").asText()).isEqualTo(first.json().get("id").asText());

            String doc = m.call("GET", "/api/v1/results/" + first.json().get("id").asText(), admin, null).body();
            ResultSchema.assertValidJson(doc);
            ProbeResult r = Json.readResult(doc);
            assertThat(r.testType().wireName()).isEqualTo("tcp");
            assertThat(r.target()).isEqualTo("192.0.2.5:443");
            assertThat(r.latencyMs()).isEqualTo(12.5);
            assertThat(r.durationMs()).isEqualTo(12.0);
            assertThat(r.protocolDetail()).isEqualTo("raw_tcp");
            assertThat(r.startedAt()).isEqualTo(Instant.parse("2026-01-16T04:00:00Z"));
            assertThat(r.device().serial()).isEqualTo("SN-42");
            assertThat(r.device().hostname()).isEqualTo("laptop-7");
            assertThat(r.rawResults()).containsEntry("test_id", "tcp-192.0.2.5:443-1737000000123456789")
                    .containsEntry("device_arch", "amd64").containsEntry("name", "tcp test to 192.0.2.5:443");
            assertThat(r.id().version()).isEqualTo(7);
        }
    }

    @Test
    void the_container_client_body_with_x_api_key_keeps_device_and_extra_fields() {
        try (Harness m = Harness.start(Kind.H2)) {
            String admin = m.adminLogin();
            String adminId = m.call("GET", "/api/v1/auth/me", admin, null).json().get("id").asText();
            String key = m.call("POST", "/api/v1/users/" + adminId + "/api-key", admin, null).json().get("api_key").asText();
            Answer a = m.call("POST", "/api/v1/tests/", null, CONTAINER_BODY);
            assertThat(a.status()).isEqualTo(401);
            Answer ok = callWithApiKeyHeader(m, key, CONTAINER_BODY);
            assertThat(ok.status()).as(ok.toString()).isEqualTo(201);
            ProbeResult r = Json.readResult(m.call("GET", "/api/v1/results/" + ok.json().get("id").asText(), admin, null).body());
            assertThat(r.target()).isEqualTo("example.org:443");
            assertThat(r.startedAt()).isEqualTo(Instant.parse("2026-01-16T04:00:00.250Z"));
            assertThat(r.device().serial()).isEqualTo("c0ffee");
            assertThat(r.device().osVersion()).isEqualTo("6.1.0");
            assertThat(r.rawResults()).containsEntry("connection_time_ms", 33.1).containsKey("tls_version")
                    .containsEntry("duration_unknown", true);
            assertThat(r.success()).isTrue();
        }
    }

    @Test
    void the_original_upload_is_stored_with_a_new_id_and_the_original_answer() {
        try (Harness m = Harness.start(Kind.H2)) {
            String admin = m.adminLogin();
            Answer a = m.call("POST", "/api/v1/results/upload", admin, UPLOAD_BODY);
            assertThat(a.status()).as(a.toString()).isEqualTo(201);
            assertThat(a.json().get("message").asText()).isEqualTo("Results uploaded successfully");
            String doc = m.call("GET", "/api/v1/results/" + a.json().get("id").asText(), admin, null).body();
            ResultSchema.assertValidJson(doc);
            ProbeResult r = Json.readResult(doc);
            assertThat(r.device().os()).isEqualTo("Windows");
            assertThat(r.jitterMs()).isEqualTo(0.3);
            assertThat(r.rawResults()).containsEntry("ttl", 57);
            // no id in the body: a second upload is a second result
            assertThat(m.call("POST", "/api/v1/results/upload", admin, UPLOAD_BODY).status()).isEqualTo(201);
        }
    }

    @Test
    void bad_legacy_bodies_name_the_field() {
        try (Harness m = Harness.start(Kind.H2)) {
            String admin = m.adminLogin();
            ManagerApiIT.assertField(m.call("POST", "/api/v1/tests/", admin, GO_BODY.replace("\"test_type\":\"tcp\",", "")),
                    400, "metadata.test_type");
            ManagerApiIT.assertField(m.call("POST", "/api/v1/tests/", admin, GO_BODY.replace("\"latency_ms\":12.5", "\"latency_ms\":\"slow\"")),
                    400, "metrics.latency_ms");
            ManagerApiIT.assertField(m.call("POST", "/api/v1/results/upload", admin, UPLOAD_BODY.replace("\"icmp\",\"protocol", "\"pingish\",\"protocol")),
                    400, "test_type");
            ManagerApiIT.assertField(m.call("POST", "/api/v1/results/upload", admin, UPLOAD_BODY.replace("\"target_host\":\"192.0.2.1\",", "")),
                    400, "target_host");
            ManagerApiIT.assertField(m.call("POST", "/api/v1/results/upload", admin, "[]"), 400, "body");
            assertThat(m.call("GET", "/api/v1/results", admin, null).json()).isEmpty();
        }
    }

    private static Answer callWithApiKeyHeader(Harness m, String key, String body) {
        try {
            var client = java.net.http.HttpClient.newHttpClient();
            var req = java.net.http.HttpRequest.newBuilder(m.uri("/api/v1/tests/")).header("X-API-Key", key)
                    .header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build();
            var r = client.send(req, java.net.http.HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body(), r.headers());
        } catch (java.io.IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
