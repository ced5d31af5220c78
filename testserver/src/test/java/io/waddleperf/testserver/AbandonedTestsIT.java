package io.waddleperf.testserver;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A caller that hangs up does not keep its running-test slot: the server notices the closed connection, cancels the
 * test and frees the slot at once, so neither that address nor the server as a whole stays at 429 for the rest of
 * the test's time. Slots are also counted per API key, so one key spread over many addresses cannot take every slot.
 */
class AbandonedTestsIT {

    /** count 60 at the tcp probe's 100 ms interval: about 6 s, far longer than the checks below wait. */
    private static final int LONG_COUNT = 60;
    private static final String OTHER_KEY = "it-key-other-0123456789";

    @TempDir
    Path dataDir;

    private ServerSocket listener;
    private TestServer server;
    private ApiClient client;
    private final ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
    private final List<ServerSocket> targets = new ArrayList<>();

    @BeforeEach
    void listen() throws IOException {
        listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
    }

    private void start(String... settings) throws IOException {
        // The request rate is not what is tested here, and polling for a state must not run into it.
        List<String> all = new ArrayList<>(List.of("api_keys", ApiClient.KEY + "," + OTHER_KEY,
                "allow_private_targets", "true", "trusted_proxies", "127.0.0.1",
                "limits.per_client_burst", "10000", "limits.per_client_requests_per_minute", "100000"));
        all.addAll(List.of(settings));
        server = TestServer.start(LoopbackConfig.of(dataDir, all.toArray(String[]::new)));
        client = new ApiClient(server.httpPort());
    }

    @AfterEach
    void stop() throws IOException {
        pool.close();
        if (server != null) {
            server.close();
        }
        listener.close();
        for (ServerSocket t : targets) {
            t.close();
        }
    }

    private String quickTest() {
        return "{\"target\":\"127.0.0.1\",\"port\":" + listener.getLocalPort() + "}";
    }

    /** Sends a long test over a raw connection (as {@code curl -m 1} would) and returns the open socket. */
    private Socket sendAndKeepOpen(String forwardedFor) throws IOException {
        return sendAndKeepOpen(forwardedFor, listener);
    }

    /**
     * As {@link #sendAndKeepOpen(String)} toward {@code target}, a listener of the test's own: once it has accepted a
     * connection ({@link #awaitRunning(ServerSocket)}) the test is known to run.
     */
    private Socket sendAndKeepOpen(String forwardedFor, ServerSocket target) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), server.httpPort());
        byte[] body = ("{\"target\":\"127.0.0.1\",\"port\":" + target.getLocalPort() + ",\"count\":" + LONG_COUNT
                + ",\"timeout\":1}").getBytes(StandardCharsets.US_ASCII);
        String head = "POST /api/v1/test/tcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Authorization: ApiKey " + ApiClient.KEY + "\r\n"
                + (forwardedFor == null ? "" : "X-Forwarded-For: " + forwardedFor + "\r\n")
                + "Content-Length: " + body.length + "\r\n\r\n";
        OutputStream out = s.getOutputStream();
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        return s;
    }

    /**
     * Waits until a long test has reached the target (its probe connects to it 10 times a second): proof that it
     * runs, where a fixed sleep would guess at how long a loaded machine takes to start it.
     */
    private void awaitRunning() throws IOException {
        awaitRunning(listener);
    }

    private static void awaitRunning(ServerSocket target) throws IOException {
        target.setSoTimeout(10_000);
        target.accept().close();
    }

    /** {@code n} listeners, one per test, closed after the test. */
    private List<ServerSocket> targets(int n) throws IOException {
        for (int i = 0; i < n; i++) {
            targets.add(new ServerSocket(0, 200, InetAddress.getLoopbackAddress()));
        }
        return List.copyOf(targets);
    }

    /** Status of a quick test from {@code forwardedFor}, polled until it is not 429 or {@code withinMillis} passed. */
    private int firstStatusOtherThan429(String forwardedFor, long withinMillis) throws InterruptedException {
        long deadline = System.nanoTime() + withinMillis * 1_000_000L;
        int status;
        do {
            status = client.test("tcp", quickTest(), "X-Forwarded-For", forwardedFor).status();
            if (status != 429) {
                return status;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        return status;
    }

    @Test
    void a_caller_that_hangs_up_frees_its_slot_at_once() throws Exception {
        start("limits.per_client_concurrency", "1");
        try (Socket s = sendAndKeepOpen("198.51.100.20")) {
            awaitRunning();
            assertThat(client.test("tcp", quickTest(), "X-Forwarded-For", "198.51.100.20").status())
                    .as("while the caller waits, its one slot is taken").isEqualTo(429);
        }
        long closed = System.nanoTime();
        assertThat(firstStatusOtherThan429("198.51.100.20", 2_000)).isEqualTo(200);
        assertThat((System.nanoTime() - closed) / 1e9).as("seconds until the slot was free").isLessThan(2.0);
    }

    @Test
    void a_caller_that_resets_its_connection_frees_its_slot_at_once() throws Exception {
        start("limits.per_client_concurrency", "1");
        try (Socket s = sendAndKeepOpen("198.51.100.22")) {
            awaitRunning();
            s.setSoLinger(true, 0); // a reset, as from a killed client with unread data or a crashed proxy
        }
        long closed = System.nanoTime();
        assertThat(firstStatusOtherThan429("198.51.100.22", 2_000)).isEqualTo(200);
        assertThat((System.nanoTime() - closed) / 1e9).as("seconds until the slot was free").isLessThan(2.0);
    }

    @Test
    void four_abandoned_tests_do_not_lock_their_address_out() throws Exception {
        start();
        List<Socket> sockets = new ArrayList<>();
        for (ServerSocket target : targets(4)) {
            sockets.add(sendAndKeepOpen("198.51.100.21", target));
        }
        for (ServerSocket target : targets) {
            awaitRunning(target);
        }
        assertThat(client.test("tcp", quickTest(), "X-Forwarded-For", "198.51.100.21").error()).contains("per client");
        for (Socket s : sockets) {
            s.close();
        }
        assertThat(firstStatusOtherThan429("198.51.100.21", 2_000)).isEqualTo(200);
    }

    @Test
    void abandoned_tests_of_many_addresses_do_not_fill_the_server() throws Exception {
        start("limits.global_concurrency", "8", "limits.per_key_concurrency", "8");
        List<Socket> sockets = new ArrayList<>();
        int i = 0;
        for (ServerSocket target : targets(8)) {
            sockets.add(sendAndKeepOpen("198.51.100." + (30 + i++), target));
        }
        for (ServerSocket target : targets) {
            awaitRunning(target);
        }
        assertThat(client.test("tcp", quickTest(), "X-Forwarded-For", "198.51.100.99").error())
                .contains("maximum of 8");
        for (Socket s : sockets) {
            s.close();
        }
        assertThat(firstStatusOtherThan429("198.51.100.99", 2_000)).isEqualTo(200);
    }

    @Test
    void limits_running_tests_per_api_key_across_addresses() throws Exception {
        start("limits.per_key_concurrency", "2");
        List<CompletableFuture<ApiClient.Answer>> running = new ArrayList<>();
        int i = 0;
        for (ServerSocket target : targets(2)) {
            String from = "198.51.100." + (40 + i++);
            // a target of its own per test, so each test is seen running before the third is asked for
            String body = "{\"target\":\"127.0.0.1\",\"port\":" + target.getLocalPort() + ",\"count\":30}";
            running.add(CompletableFuture.supplyAsync(() -> client.test("tcp", body, "X-Forwarded-For", from), pool));
        }
        for (ServerSocket target : targets) {
            awaitRunning(target);
        }
        ApiClient.Answer third = client.test("tcp", quickTest(), "X-Forwarded-For", "198.51.100.42");
        assertThat(third.status()).isEqualTo(429);
        assertThat(third.error()).contains("per API key");
        assertThat(third.raw().headers().firstValue("Retry-After")).hasValue("1");
        ApiClient.Answer otherKey = client.send(java.net.http.HttpRequest.newBuilder(client.uri("/api/v1/test/tcp"))
                .header("Content-Type", "application/json").header("Authorization", "ApiKey " + OTHER_KEY)
                .header("X-Forwarded-For", "198.51.100.43")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(quickTest())));
        assertThat(otherKey.status()).as("another key has its own slots").isEqualTo(200);
        running.forEach(r -> assertThat(r.join().status()).isEqualTo(200));
    }
}
