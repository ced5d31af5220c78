package io.waddleperf.testserver;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Without {@code allow_private_targets} the server refuses to probe its own networks (docs/TEST-API.md). */
class TargetPolicyIT {

    @TempDir
    Path dataDir;

    private ServerSocket listener;
    private TestServer server;
    private ApiClient client;

    @BeforeEach
    void start() throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        server = TestServer.start(LoopbackConfig.of(dataDir, "api_keys", ApiClient.KEY));
        client = new ApiClient(server.httpPort());
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
        listener.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "localhost", "[::1]", "[::ffff:127.0.0.1]", "0.0.0.0", "10.1.2.3", "192.168.0.1",
            "169.254.169.254", "100.64.0.1", "[fd00::1]", "[fe80::1]", "224.0.0.1"})
    void refuses_special_purpose_targets_naming_target(String host) {
        ApiClient.Answer a = client.test("tcp", "{\"target\":\"" + host + "\",\"port\":" + listener.getLocalPort() + "}");
        assertThat(a.status()).as(a.body()).isEqualTo(403);
        assertThat(a.field()).isEqualTo("target");
        assertThat(a.error()).contains("allow_private_targets");
    }

    @Test
    void refuses_a_private_url_for_http_tests() {
        ApiClient.Answer a = client.test("http", "{\"target\":\"http://127.0.0.1:" + listener.getLocalPort() + "/\"}");
        assertThat(a.status()).isEqualTo(403);
        assertThat(a.field()).isEqualTo("target");
    }

    @Test
    void refuses_the_resolver_of_a_dns_test_when_it_is_private() {
        ApiClient.Answer a = client.test("udp", "{\"target\":\"127.0.0.1\",\"protocol\":\"dns\",\"query\":\"example.com\"}");
        assertThat(a.status()).isEqualTo(403);
        assertThat(a.field()).isEqualTo("target");
    }

    @Test
    void answers_an_unresolvable_host_with_a_dns_failure_result_without_probing() {
        ApiClient.Answer a = client.test("tcp", "{\"target\":\"no-such-host.invalid\",\"port\":80}");
        assertThat(a.status()).isEqualTo(200);
        io.waddleperf.testkit.ResultSchema.assertValidJson(a.body());
        assertThat(a.json().get("success").asBoolean()).isFalse();
        assertThat(a.json().get("error").asText()).startsWith("dns_failure");
    }
}
