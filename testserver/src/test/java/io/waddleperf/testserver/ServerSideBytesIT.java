package io.waddleperf.testserver;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A test API caller cannot make the server move data without bound: an http probe reads at most
 * {@code limits.probe_max_bytes} of a body (and says it stopped there), and the bytes the server's probes move are
 * counted per client address and per API key over {@code limits.bytes_window}. The target is a raw socket server
 * whose body never ends, as a hostile target's would.
 */
class ServerSideBytesIT {

    private static final String OTHER_KEY = "it-key-other-0123456789";

    @TempDir
    Path dataDir;

    private ServerSocket endless;
    private final AtomicLong endlessBytesSent = new AtomicLong();
    private TestServer server;
    private ApiClient client;

    @BeforeEach
    void serveAnEndlessBody() throws IOException {
        endless = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!endless.isClosed()) {
                try {
                    Socket s = endless.accept();
                    Thread.ofVirtual().start(() -> stream(s));
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    /** Reads the request head, then answers 200 with a body that goes on until the client hangs up. */
    private void stream(Socket s) {
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            int matched = 0;
            for (int b; matched < 4 && (b = in.read()) != -1; ) {
                matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : b == '\r' ? 1 : 0;
            }
            out.write("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[64 * 1024];
            while (true) {
                out.write(chunk);
                endlessBytesSent.addAndGet(chunk.length);
            }
        } catch (IOException e) {
            // the probe stopped reading and closed the connection
        }
    }

    private void start(String... settings) throws IOException {
        List<String> all = new ArrayList<>(List.of("api_keys", ApiClient.KEY + "," + OTHER_KEY,
                "allow_private_targets", "true", "trusted_proxies", "127.0.0.1"));
        all.addAll(List.of(settings));
        server = TestServer.start(LoopbackConfig.of(dataDir, all.toArray(String[]::new)));
        client = new ApiClient(server.httpPort());
    }

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
        endless.close();
    }

    private String httpTest(int count) {
        return "{\"target\":\"http://127.0.0.1:" + endless.getLocalPort() + "/\",\"count\":" + count
                + ",\"timeout\":10}";
    }

    private ApiClient.Answer runWithKey(String key, String type, String body, String forwardedFor) {
        return client.send(HttpRequest.newBuilder(client.uri("/api/v1/test/" + type))
                .header("Content-Type", "application/json").header("Authorization", "ApiKey " + key)
                .header("X-Forwarded-For", forwardedFor).POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    @Test
    void an_http_probe_reads_at_most_the_default_body_cap_and_says_so() throws IOException {
        start();
        long began = System.nanoTime();
        ApiClient.Answer a = client.test("http", httpTest(1));
        double seconds = (System.nanoTime() - began) / 1e9;

        assertThat(a.status()).as(a.body()).isEqualTo(200);
        assertThat(seconds).as("the cap, not the 10 s timeout, ended the test").isLessThan(5.0);
        assertThat(a.json().get("success").asBoolean()).as(a.body()).isTrue();
        assertThat(a.json().get("received_bytes").asLong()).isEqualTo(1L << 20);
        assertThat(a.json().get("raw_results").get("body_capped").asBoolean()).isTrue();
        assertThat(a.json().get("raw_results").get("max_body_bytes").asLong()).isEqualTo(1L << 20);
        // what the target could push into the socket buffers beyond the cap is small next to an unbounded download
        assertThat(endlessBytesSent.get()).isLessThan(64L << 20);
    }

    @Test
    void the_body_cap_is_a_setting() throws IOException {
        start("limits.probe_max_bytes", "64K");
        ApiClient.Answer a = client.test("http", httpTest(2));
        assertThat(a.json().get("received_bytes").asLong()).as(a.body()).isEqualTo(2 * 64 * 1024L);
        assertThat(a.json().get("raw_results").get("max_body_bytes").asLong()).isEqualTo(64 * 1024L);
    }

    @Test
    void a_client_over_its_byte_budget_gets_429_and_another_client_does_not() throws IOException {
        start("limits.per_client_bytes", "2M", "limits.bytes_window", "10m");
        for (int i = 0; i < 2; i++) {
            ApiClient.Answer a = client.test("http", httpTest(1), "X-Forwarded-For", "198.51.100.50");
            assertThat(a.status()).as(a.body()).isEqualTo(200);
            assertThat(a.json().get("received_bytes").asLong()).isEqualTo(1L << 20);
        }
        ApiClient.Answer spent = client.test("http", httpTest(1), "X-Forwarded-For", "198.51.100.50");
        assertThat(spent.status()).isEqualTo(429);
        assertThat(spent.error()).contains("byte limit").contains("per client");
        // 2 MiB per 10 min refill at about 3.5 KiB/s: the 64 KiB a test needs at least are about 19 s away
        assertThat(spent.raw().headers().firstValue("Retry-After").map(Integer::parseInt))
                .hasValueSatisfying(s -> assertThat(s).isBetween(1, 20));
        assertThat(client.test("tcp", "{\"target\":\"127.0.0.1\",\"port\":" + endless.getLocalPort() + "}",
                "X-Forwarded-For", "198.51.100.50").status()).as("tests that move no data still run").isEqualTo(200);
        assertThat(client.test("http", httpTest(1), "X-Forwarded-For", "198.51.100.51").status())
                .as("another client has its own budget").isEqualTo(200);
    }

    @Test
    void a_budget_smaller_than_count_times_the_cap_lowers_the_cap_of_each_attempt() throws IOException {
        start("limits.per_client_bytes", "1M");
        ApiClient.Answer a = client.test("http", httpTest(4));
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        assertThat(a.json().get("raw_results").get("max_body_bytes").asLong()).isEqualTo(256 * 1024L);
        assertThat(a.json().get("received_bytes").asLong()).isEqualTo(1L << 20);
    }

    @Test
    void an_api_key_over_its_byte_budget_gets_429_from_every_address() throws IOException {
        start("limits.per_key_bytes", "2M");
        for (int i = 0; i < 2; i++) {
            assertThat(runWithKey(ApiClient.KEY, "http", httpTest(1), "198.51.100." + (60 + i)).status())
                    .isEqualTo(200);
        }
        ApiClient.Answer spent = runWithKey(ApiClient.KEY, "http", httpTest(1), "198.51.100.62");
        assertThat(spent.status()).isEqualTo(429);
        assertThat(spent.error()).contains("byte limit").contains("per API key");
        assertThat(runWithKey(OTHER_KEY, "http", httpTest(1), "198.51.100.62").status())
                .as("another key has its own budget").isEqualTo(200);
    }

    @Test
    void an_ssh_upload_larger_than_the_cap_is_refused_before_anything_runs() throws IOException {
        start();
        ApiClient.Answer a = client.test("ssh", "{\"target\":\"ssh://probe@127.0.0.1:" + endless.getLocalPort()
                + "?password=x&upload_bytes=2097152\"}");
        assertThat(a.status()).as(a.body()).isEqualTo(400);
        assertThat(a.field()).isEqualTo("upload_bytes");
        assertThat(a.error()).contains("1048576");
    }
}
