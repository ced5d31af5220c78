package io.waddleperf.testserver;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code close()} lets a running test answer before the listeners stop, then frees the port. */
class GracefulShutdownIT {

    @TempDir
    Path dataDir;

    @Test
    void lets_a_running_test_finish_then_stops_listening() throws Exception {
        try (ServerSocket target = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            TestServer server = TestServer.start(LoopbackConfig.of(dataDir, "api_keys", ApiClient.KEY,
                    "allow_private_targets", "true"));
            ApiClient client = new ApiClient(server.httpPort());
            // about 1 s of connects 100 ms apart
            CompletableFuture<ApiClient.Answer> running = CompletableFuture.supplyAsync(() -> client.test("tcp",
                    "{\"target\":\"127.0.0.1\",\"port\":" + target.getLocalPort() + ",\"count\":10}"));
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> !target.isClosed() && acceptedSomething(target));
            assertThat(server.ready()).isTrue();
            server.close();
            assertThat(server.ready()).isFalse();
            ApiClient.Answer answer = running.get(20, TimeUnit.SECONDS);
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.json().get("success").asBoolean()).isTrue();
            assertThat(answer.json().get("packets_sent").asInt()).isEqualTo(10);
            try (ServerSocket rebind = new ServerSocket(server.httpPort(), 1, InetAddress.getLoopbackAddress())) {
                assertThat(rebind.getLocalPort()).as("the HTTP port is free again").isEqualTo(server.httpPort());
            }
        }
    }

    /** True once the probe has connected to the target (its first attempt is under way). */
    private static boolean acceptedSomething(ServerSocket target) throws java.io.IOException {
        target.setSoTimeout(50);
        try {
            target.accept().close();
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        }
    }
}
