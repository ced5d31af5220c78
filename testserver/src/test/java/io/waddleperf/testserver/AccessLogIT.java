package io.waddleperf.testserver;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.waddleperf.iperf3.TestParameters;
import io.waddleperf.iperf3.client.Iperf3Client;
import io.waddleperf.iperf3.client.Iperf3ClientConfig;
import io.waddleperf.iperf3.server.Iperf3Server;
import io.waddleperf.testserver.api.ApiKeyAuth;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * One structured access line per test API request, refused ones included (time, client, key id — never the key —,
 * type, target, status, outcome, duration), and one per iperf3 test (client, protocol, direction, streams, bytes and
 * rates each way), on the logger {@code io.waddleperf.testserver.access}.
 */
class AccessLogIT {

    @TempDir
    Path dataDir;

    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private final Logger access = (Logger) LoggerFactory.getLogger("io.waddleperf.testserver.access");
    private ServerSocket target;
    private TestServer server;
    private ApiClient client;

    @BeforeEach
    void start() throws IOException {
        lines.start();
        access.addAppender(lines);
        access.setLevel(ch.qos.logback.classic.Level.INFO);
        target = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        server = TestServer.start(LoopbackConfig.of(dataDir, "api_keys", ApiClient.KEY, "allow_private_targets",
                "true", "trusted_proxies", "127.0.0.1", "iperf3.port", "0"), TestServerListeners.standard(Set.of()));
        client = new ApiClient(server.httpPort());
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
        target.close();
        access.detachAppender(lines);
    }

    private List<String> accessLines(String event) {
        return lines.list.stream().map(ILoggingEvent::getFormattedMessage).filter(m -> m.startsWith("event=" + event))
                .toList();
    }

    @Test
    void every_test_api_request_leaves_one_line_with_who_what_and_how_it_ended() {
        String ok = "{\"target\":\"127.0.0.1\",\"port\":" + target.getLocalPort() + "}";
        assertThat(client.test("tcp", ok, "X-Forwarded-For", "198.51.100.70").status()).isEqualTo(200);
        assertThat(client.test("tcp", "{\"target\":\"127.0.0.1\",\"port\":1}", "X-Forwarded-For", "198.51.100.71")
                .status()).isEqualTo(200);
        assertThat(client.test("tcp", "{\"target\":\"127.0.0.1\",\"port\":99999}").status()).isEqualTo(400);
        assertThat(client.send(HttpRequest.newBuilder(client.uri("/api/v1/test/tcp")).header("X-Forwarded-For",
                "198.51.100.72").header("Authorization", "ApiKey wrong-key-0123456789")
                .POST(HttpRequest.BodyPublishers.ofString(ok))).status()).isEqualTo(401);

        List<String> api = accessLines("test_api");
        assertThat(api).hasSize(4);
        String keyId = ApiKeyAuth.keyId(ApiClient.KEY);
        assertThat(api.get(0)).matches("event=test_api time=\\d{4}-\\d\\d-\\d\\dT\\S+Z client=198\\.51\\.100\\.70 "
                + "key_id=" + keyId + " type=tcp target=\"127\\.0\\.0\\.1\" port=\\d+ status=200 outcome=success "
                + "duration_ms=\\d+(\\.\\d+)?");
        assertThat(api.get(1)).contains("client=198.51.100.71", "status=200", "outcome=failure",
                "error=\"connection_refused");
        assertThat(api.get(2)).contains("status=400", "outcome=refused", "error=\"");
        assertThat(api.get(3)).contains("client=198.51.100.72", "key_id=-", "type=tcp", "status=401",
                "outcome=refused", "error=\"invalid API key\"");
        assertThat(String.join("\n", api)).doesNotContain(ApiClient.KEY).doesNotContain("wrong-key");
    }

    @Test
    void a_target_from_the_network_is_quoted_and_made_safe_in_its_line() {
        client.test("tcp", "{\"target\":\"evil\\\"\\u001b[2J name\",\"port\":80}");
        assertThat(accessLines("test_api")).singleElement().satisfies(line -> assertThat(line)
                .doesNotContain("\u001b").contains("target=\"evil\\\"\\x1b[2J name\""));
    }

    @Test
    void every_iperf3_test_leaves_one_line_with_the_client_protocol_direction_and_rates() throws Exception {
        int port = server.listener(Iperf3Server.class).orElseThrow().port();
        Iperf3Client.run(Iperf3ClientConfig.of("127.0.0.1", port, TestParameters.tcpDefaults().toBuilder()
                .timeSeconds(1).parallel(2).reverse(true).build()), i -> { });
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !accessLines("iperf3_test").isEmpty());
        assertThat(accessLines("iperf3_test")).singleElement().satisfies(line -> assertThat(line)
                .matches("event=iperf3_test time=\\S+Z client=127\\.0\\.0\\.1:\\d+ protocol=tcp direction=reverse "
                        + "streams=2 seconds=\\d+\\.\\d+ sent_bytes=[1-9]\\d* sent_mbps=\\d+\\.\\d+ received_bytes=0 "
                        + "received_mbps=0\\.0+ outcome=done"));
    }
}
