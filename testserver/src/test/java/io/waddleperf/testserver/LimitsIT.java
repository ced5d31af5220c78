package io.waddleperf.testserver;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admission limits are enforced, not just configured: concurrent slow tests (TCP connects, {@code count}
 * attempts 100 ms apart, to a loopback listener) and bursts of requests get 429 with {@code Retry-After}.
 * Distinct clients are told apart by {@code X-Forwarded-For} from a trusted proxy (the test's own loopback).
 */
class LimitsIT {

    /** count 15 at the tcp probe's 100 ms interval: about 1.5 s per test, long enough to overlap. */
    private static final int SLOW_COUNT = 15;

    @TempDir
    Path dataDir;

    private ServerSocket listener;
    private TestServer server;
    private ApiClient client;
    private final ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();

    @BeforeEach
    void listen() throws IOException {
        listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
    }

    private void start(TestServerConfig.Limits limits, String... settings) throws IOException {
        server = TestServer.start(LoopbackConfig.of(dataDir, Stream.concat(Stream.of("api_keys", ApiClient.KEY,
                "allow_private_targets", "true"), Stream.of(settings)).toArray(String[]::new)).withLimits(limits));
        client = new ApiClient(server.httpPort());
    }

    @AfterEach
    void stop() throws IOException {
        pool.close();
        if (server != null) {
            server.close();
        }
        listener.close();
    }

    private String slowTest() {
        return "{\"target\":\"127.0.0.1\",\"port\":" + listener.getLocalPort() + ",\"count\":" + SLOW_COUNT + "}";
    }

    private List<ApiClient.Answer> fire(int n, String... headersPerRequest) {
        List<CompletableFuture<ApiClient.Answer>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String[] headers = headersPerRequest.length == 0 ? new String[0]
                    : new String[] {"X-Forwarded-For", headersPerRequest[i % headersPerRequest.length]};
            futures.add(CompletableFuture.supplyAsync(() -> client.test("tcp", slowTest(), headers), pool));
        }
        return futures.stream().map(CompletableFuture::join).toList();
    }

    @Test
    void refuses_tests_beyond_the_per_client_concurrency_with_429() throws IOException {
        start(LoopbackConfig.limits(2, 1000, 100, 50, null));
        List<ApiClient.Answer> answers = fire(6);
        List<ApiClient.Answer> refused = answers.stream().filter(a -> a.status() == 429).toList();
        assertThat(answers).allSatisfy(a -> assertThat(a.status()).isIn(200, 429));
        assertThat(answers.stream().filter(a -> a.status() == 200).count()).isBetween(2L, 4L);
        assertThat(refused).isNotEmpty().allSatisfy(a -> {
            assertThat(a.error()).contains("per client");
            assertThat(a.raw().headers().firstValue("Retry-After")).hasValue("1");
        });
        assertThat(client.test("tcp", slowTest()).status()).as("slots are freed after the tests end").isEqualTo(200);
    }

    @Test
    void refuses_tests_beyond_the_global_concurrency_with_429() throws IOException {
        start(LoopbackConfig.limits(1, 1000, 100, 2, null), "trusted_proxies", "127.0.0.1");
        List<ApiClient.Answer> answers = fire(6, "198.51.100.1", "198.51.100.2", "198.51.100.3", "198.51.100.4",
                "198.51.100.5", "198.51.100.6");
        assertThat(answers).allSatisfy(a -> assertThat(a.status()).isIn(200, 429));
        assertThat(answers.stream().filter(a -> a.status() == 200).count()).isBetween(2L, 4L);
        assertThat(answers.stream().filter(a -> a.status() == 429))
                .isNotEmpty().allSatisfy(a -> assertThat(a.error()).contains("maximum of 2"));
    }

    @Test
    void refuses_tests_that_could_outlast_the_maximum_test_duration() throws IOException {
        start(LoopbackConfig.limits(4, 1000, 100, 50, java.time.Duration.ofSeconds(30)));
        String target = "\"target\":\"127.0.0.1\",\"port\":" + listener.getLocalPort();
        ApiClient.Answer many = client.test("tcp", "{" + target + ",\"count\":100}");
        assertThat(many.status()).isEqualTo(400);
        assertThat(many.field()).isEqualTo("count");
        assertThat(many.error()).contains("30 s");
        ApiClient.Answer slow = client.test("tcp", "{" + target + ",\"timeout\":60}");
        assertThat(slow.status()).isEqualTo(400);
        assertThat(slow.field()).isEqualTo("timeout");
        assertThat(client.test("tcp", "{" + target + ",\"count\":2,\"timeout\":5}").status()).isEqualTo(200);
    }

    @Test
    void refuses_requests_beyond_the_per_client_rate_with_retry_after() throws IOException {
        start(LoopbackConfig.limits(4, 6, 3, 50, null), "trusted_proxies", "127.0.0.1");
        String quick = "{\"target\":\"127.0.0.1\",\"port\":" + listener.getLocalPort() + "}";
        for (int i = 0; i < 3; i++) {
            assertThat(client.test("tcp", quick, "X-Forwarded-For", "198.51.100.9").status()).isEqualTo(200);
        }
        ApiClient.Answer limited = client.test("tcp", quick, "X-Forwarded-For", "198.51.100.9");
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.error()).contains("rate limit");
        // 6 per minute: the next token comes within 10 s
        assertThat(limited.raw().headers().firstValue("Retry-After").map(Integer::parseInt)).hasValueSatisfying(
                s -> assertThat(s).isBetween(1, 10));
        assertThat(client.test("tcp", quick, "X-Forwarded-For", "198.51.100.10").status())
                .as("another client has its own bucket").isEqualTo(200);
        assertThat(client.get("/health").status()).as("health is not rate-limited").isEqualTo(200);
    }
}
