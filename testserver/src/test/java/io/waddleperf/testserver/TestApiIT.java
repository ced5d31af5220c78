package io.waddleperf.testserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.core.result.Json;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.testkit.ResultSchema;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The test API end to end: a real server on 127.0.0.1:0, the JDK client, a real TCP listener as the target. */
class TestApiIT {

    @TempDir
    Path dataDir;

    private ServerSocket listener;
    private TestServer server;
    private ApiClient client;

    @BeforeEach
    void start() throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        server = TestServer.start(LoopbackConfig.of(dataDir, "api_keys", ApiClient.KEY,
                "allow_private_targets", "true"));
        client = new ApiClient(server.httpPort());
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
        listener.close();
    }

    @Test
    void answers_health_and_readiness() {
        ApiClient.Answer health = client.get("/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().get("status").asText()).isEqualTo("healthy");
        assertThat(health.json().get("version").asText()).isNotBlank();
        assertThat(health.raw().headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        ApiClient.Answer ready = client.get("/ready");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().get("status").asText()).isEqualTo("ready");
    }

    @Test
    void runs_a_tcp_test_and_answers_with_a_schema_valid_result() {
        ApiClient.Answer a = client.test("tcp", "{\"target\":\"127.0.0.1\",\"port\":" + listener.getLocalPort() + ",\"count\":2}");
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        ResultSchema.assertValidJson(a.body());
        ProbeResult r = Json.readResult(a.body());
        assertThat(r.success()).as(a.body()).isTrue();
        assertThat(r.testType().wireName()).isEqualTo("tcp");
        assertThat(r.source().wireName()).isEqualTo("testserver");
        assertThat(r.targetPort()).isEqualTo(listener.getLocalPort());
        assertThat(r.packetsSent()).isEqualTo(2L);
    }

    @Test
    void takes_a_bare_ipv6_literal_as_the_target_where_no_port_is_needed_and_with_a_port_field() throws IOException {
        ApiClient.Answer icmp = client.test("icmp", "{\"target\":\"::1\",\"count\":1,\"timeout\":2}");
        assertThat(icmp.status()).as(icmp.body()).isEqualTo(200);
        assertThat(icmp.json().get("target_host").asText()).isEqualTo("::1");
        assertThat(icmp.json().has("target_port")).isFalse();
        try (ServerSocket six = new ServerSocket(0, 50, InetAddress.getByName("::1"))) {
            ApiClient.Answer tcp = client.test("tcp", "{\"target\":\"::1\",\"port\":" + six.getLocalPort() + "}");
            assertThat(tcp.status()).as(tcp.body()).isEqualTo(200);
            assertThat(tcp.json().get("success").asBoolean()).as(tcp.body()).isTrue();
        }
    }

    @Test
    void refuses_an_ambiguous_legacy_ipv4_target() {
        ApiClient.Answer a = client.test("tcp", "{\"target\":\"0177.0.0.1\",\"port\":22}");
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.field()).isEqualTo("target");
        assertThat(a.error()).contains("ambiguous IPv4 form");
    }

    @Test
    void runs_the_tls_probe_for_tcp_with_protocol_tls() {
        ApiClient.Answer a = client.test("tcp", "{\"target\":\"127.0.0.1\",\"port\":" + listener.getLocalPort()
                + ",\"protocol\":\"tls\",\"timeout\":2}");
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        ResultSchema.assertValidJson(a.body());
        assertThat(a.json().get("test_type").asText()).isEqualTo("tls");
        // a plain TCP listener never answers the ClientHello: a failed result, not an error status
        assertThat(a.json().get("success").asBoolean()).isFalse();
    }

    @Test
    void reports_a_refused_port_as_a_failed_result_not_an_error_status() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        ApiClient.Answer a = client.test("tcp", "{\"target\":\"127.0.0.1:" + closedPort + "\"}");
        assertThat(a.status()).isEqualTo(200);
        ResultSchema.assertValidJson(a.body());
        assertThat(a.json().get("success").asBoolean()).isFalse();
        assertThat(a.json().get("error").asText()).startsWith("connection_refused");
    }

    @Test
    void keeps_device_metadata_from_headers() {
        ApiClient.Answer a = client.test("tcp", "{\"target\":\"127.0.0.1\",\"port\":" + listener.getLocalPort() + "}",
                "X-Device-Serial", "SER-H", "X-Device-Hostname", "laptop-h", "X-Device-OS", "Linux", "X-Device-OS-Version", "6.1");
        assertThat(a.status()).isEqualTo(200);
        ResultSchema.assertValidJson(a.body());
        assertThat(Json.readResult(a.body()).device())
                .isEqualTo(new io.waddleperf.core.result.Device("SER-H", "laptop-h", "Linux", "6.1", null, null));
    }

    @Test
    void keeps_device_metadata_from_the_body_which_wins_over_headers() {
        ApiClient.Answer a = client.test("tcp", "{\"target\":\"127.0.0.1\",\"port\":" + listener.getLocalPort()
                        + ",\"device_serial\":\"SER-B\",\"device_hostname\":\"laptop-b\",\"device_os\":\"macOS\",\"device_os_version\":\"15\"}",
                "X-Device-Serial", "SER-H");
        assertThat(a.status()).isEqualTo(200);
        assertThat(Json.readResult(a.body()).device())
                .isEqualTo(new io.waddleperf.core.result.Device("SER-B", "laptop-b", "macOS", "15", null, null));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "{not json                                   | body",
            "{\"target\":\"127.0.0.1\",\"colour\":\"red\"} | colour",
            "{\"target\":\"127.0.0.1\",\"port\":70000}   | port",
            "{\"target\":\"127.0.0.1\",\"count\":0}      | count",
            "{\"target\":\"127.0.0.1\",\"timeout\":301}  | timeout",
            "{\"target\":\"127.0.0.1\",\"port\":\"80\"}  | port",
            "{\"target\":\"has spaces in it\"}           | target",
            "{\"target\":\"127.0.0.1\",\"protocol\":\"quic\"} | protocol",
            "{\"target\":\"127.0.0.1:99999\"}            | port",
    })
    void refuses_invalid_requests_naming_the_field(String body, String field) {
        ApiClient.Answer a = client.test("tcp", body);
        assertThat(a.status()).as(a.body()).isEqualTo(400);
        assertThat(a.field()).isEqualTo(field);
        assertThat(a.error()).isNotBlank();
        assertThat(client.get("/health").status()).isEqualTo(200);
    }

    @Test
    void refuses_a_ca_file_however_it_is_given_without_opening_the_file() throws IOException {
        Path secret = java.nio.file.Files.writeString(dataDir.resolve("not-for-callers.pem"), "secret");
        ApiClient.Answer inTarget = client.test("tcp", "{\"target\":\"tls://127.0.0.1:" + listener.getLocalPort()
                + "?ca_file=" + secret + "\",\"protocol\":\"tls\"}");
        assertThat(inTarget.status()).as(inTarget.body()).isEqualTo(400);
        assertThat(inTarget.field()).isEqualTo("ca_file");
        assertThat(inTarget.error()).contains("remote callers cannot choose").doesNotContain("secret");
        ApiClient.Answer asField = client.test("tcp", "{\"target\":\"127.0.0.1\",\"port\":" + listener.getLocalPort()
                + ",\"protocol\":\"tls\",\"ca_file\":\"" + secret + "\"}");
        assertThat(asField.status()).as(asField.body()).isEqualTo(400);
        assertThat(asField.field()).isEqualTo("ca_file");
        // verify=false names no file: still allowed
        ApiClient.Answer noVerify = client.test("tcp", "{\"target\":\"tls://127.0.0.1:" + listener.getLocalPort()
                + "?verify=false\",\"protocol\":\"tls\",\"timeout\":1}");
        assertThat(noVerify.status()).as(noVerify.body()).isEqualTo(200);
    }

    @Test
    void refuses_a_target_of_300_characters() {
        ApiClient.Answer a = client.test("tcp", "{\"target\":\"" + "a".repeat(300) + "\"}");
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.field()).isEqualTo("target");
        assertThat(client.get("/health").status()).isEqualTo(200);
    }

    @Test
    void refuses_a_body_over_one_mebibyte() {
        String padding = "x".repeat(1 << 20);
        ApiClient.Answer a = client.test("tcp", "{\"target\":\"127.0.0.1\",\"query\":\"" + padding + "\"}");
        assertThat(a.status()).isEqualTo(413);
        assertThat(a.field()).isEqualTo("body");
        assertThat(client.get("/health").status()).isEqualTo(200);
    }

    @Test
    void refuses_a_body_that_is_not_json() {
        ApiClient.Answer a = client.send(HttpRequest.newBuilder(client.uri("/api/v1/test/tcp"))
                .header("Authorization", "Bearer " + ApiClient.KEY)
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("target=127.0.0.1")));
        assertThat(a.status()).isEqualTo(415);
        assertThat(a.error()).contains("application/json");
        assertThat(client.get("/health").status()).isEqualTo(200);
    }

    @Test
    void refuses_missing_and_wrong_api_keys() {
        ApiClient.Answer missing = client.send(HttpRequest.newBuilder(client.uri("/api/v1/test/tcp"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"target\":\"127.0.0.1\"}")));
        assertThat(missing.status()).isEqualTo(401);
        assertThat(missing.raw().headers().firstValue("WWW-Authenticate")).isPresent();
        ApiClient.Answer wrong = client.send(HttpRequest.newBuilder(client.uri("/api/v1/test/tcp"))
                .header("Content-Type", "application/json")
                .header("Authorization", "ApiKey not-the-key-0123456789")
                .POST(HttpRequest.BodyPublishers.ofString("{\"target\":\"127.0.0.1\"}")));
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.error()).isEqualTo("invalid API key");
        assertThat(client.get("/health").status()).isEqualTo(200);
    }

    @Test
    void answers_404_for_test_types_this_version_does_not_run() {
        for (String type : new String[] {"no-such-type", "iperf3", "speedtest"}) {
            ApiClient.Answer a = client.test(type, "{\"target\":\"127.0.0.1\"}");
            assertThat(a.status()).as(type).isEqualTo(404);
            assertThat(a.error()).contains(type, "available");
        }
        assertThat(client.get("/no/such/path").status()).isEqualTo(404);
        assertThat(client.get("/no/such/path").json().get("error").asText()).contains("/no/such/path");
    }

    @Test
    void never_answers_500_for_a_failing_probe() {
        // a name that cannot resolve fails inside the probe: still a result
        ApiClient.Answer a = client.test("tcp", "{\"target\":\"no-such-host.invalid\",\"port\":80,\"timeout\":2}");
        assertThat(a.status()).isEqualTo(200);
        ResultSchema.assertValidJson(a.body());
        assertThat(a.json().get("success").asBoolean()).isFalse();
    }
}
