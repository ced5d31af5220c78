package io.waddleperf.testserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.core.config.ConfigException;
import io.waddleperf.iperf3.TestParameters;
import io.waddleperf.iperf3.client.Iperf3Client;
import io.waddleperf.iperf3.client.Iperf3ClientConfig;
import io.waddleperf.iperf3.client.Iperf3ClientResult;
import io.waddleperf.iperf3.server.Iperf3Server;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The test server's iperf3 listener: started from the {@code iperf3} config block, closed with the server. */
class TestServerIperf3IT {

    @TempDir
    Path dataDir;

    private TestServerConfig config() {
        return LoopbackConfig.of(dataDir, "auth_disabled", "true");
    }

    @Test
    void serves_iperf3_tests_on_the_configured_port_and_stops_with_the_server() throws Exception {
        TestServerConfig c = config().withIperf3(new TestServerConfig.Iperf3(true, 0, 2, Duration.ofSeconds(5),
                Duration.ofSeconds(20), null, null, null));
        int port;
        try (TestServer server = TestServer.start(c, TestServerListeners.standard(Set.of()))) {
            port = server.listener(Iperf3Server.class).orElseThrow().port();
            Iperf3ClientResult r = Iperf3Client.run(Iperf3ClientConfig.of("127.0.0.1", port,
                    TestParameters.tcpDefaults().toBuilder().timeSeconds(1).build()), i -> { });
            assertThat(r.upstream().orElseThrow().receiverBytes()).isPositive();
        }
        Assertions.assertThatThrownBy(() -> Iperf3Client.run(Iperf3ClientConfig.of("127.0.0.1", port,
                TestParameters.tcpDefaults().toBuilder().timeSeconds(1).build()), i -> { }))
                .isInstanceOf(java.net.ConnectException.class);
    }

    @Test
    void can_be_switched_off_and_rejects_bad_settings() throws Exception {
        TestServerConfig off = config().withIperf3(new TestServerConfig.Iperf3(false, null, null, null, null, null, null, null));
        try (TestServer server = TestServer.start(off, TestServerListeners.standard(Set.of()))) {
            assertThat(server.listener(Iperf3Server.class)).isEmpty();
        }
        Assertions.assertThatThrownBy(() -> config().withIperf3(new TestServerConfig.Iperf3(true, 0, 0, null, null, null, null, null)).validate()).isInstanceOfSatisfying(ConfigException.class,
                        e -> assertThat(e.problems()).anyMatch(p -> p.startsWith("'iperf3.max_tests'")));
    }

    @Test
    void counts_the_bytes_each_address_moves_against_iperf3_per_client_bytes() throws Exception {
        TestServerConfig c = LoopbackConfig.of(dataDir, "auth_disabled", "true", "iperf3.port", "0",
                "iperf3.per_client_bytes", "8M", "iperf3.bytes_window", "24h");
        try (TestServer server = TestServer.start(c, TestServerListeners.standard(Set.of()))) {
            int port = server.listener(Iperf3Server.class).orElseThrow().port();
            TestParameters twoSeconds = TestParameters.tcpDefaults().toBuilder().timeSeconds(2).build();
            Assertions.assertThatThrownBy(() -> Iperf3Client.run(Iperf3ClientConfig.of("127.0.0.1", port, twoSeconds),
                    i -> { })).isInstanceOfSatisfying(io.waddleperf.iperf3.Iperf3Exception.class,
                            e -> assertThat(e.error()).isEqualTo(io.waddleperf.iperf3.Iperf3Error.IETOTALRATE));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                    .until(() -> server.listener(Iperf3Server.class).orElseThrow().activeTests() == 0);
            Assertions.assertThatThrownBy(() -> Iperf3Client.run(Iperf3ClientConfig.of("127.0.0.1", port, twoSeconds),
                    i -> { })).isInstanceOfSatisfying(io.waddleperf.iperf3.Iperf3Exception.class,
                            e -> assertThat(e.error()).isEqualTo(io.waddleperf.iperf3.Iperf3Error.IEACCESSDENIED));
        }
    }

    /**
     * After a killed {@code --bidir -P 4} test the slot is free at once. It used to take 4 s: the end figures of each
     * of the four streams the server sent on were read from the kernel after the client's reset, and each lookup
     * waited out a second because the kernel answered with the port's listening socket.
     */
    @Test
    void a_killed_bidirectional_four_stream_test_frees_the_slot_at_once() throws Exception {
        io.waddleperf.testkit.Requirements.require(java.nio.file.Files.isExecutable(java.nio.file.Path.of("/usr/bin/iperf3")),
                "/usr/bin/iperf3 is not installed (apt-get install iperf3)");
        TestServerConfig c = LoopbackConfig.of(dataDir, "auth_disabled", "true", "iperf3.port", "0");
        try (TestServer server = TestServer.start(c, TestServerListeners.standard(Set.of()))) {
            Iperf3Server iperf3 = server.listener(Iperf3Server.class).orElseThrow();
            // one whole reverse test first, so the server has read its sending streams' TCP figures once (native
            // calls set up) and what is timed below is the kill alone
            assertThat(new ProcessBuilder("/usr/bin/iperf3", "-c", "127.0.0.1", "-p", Integer.toString(iperf3.port()),
                    "-t", "1", "-R").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
                    .waitFor()).isZero();
            for (long afterMillis : new long[] {150, 700, 1500, 150}) {
                Process client = new ProcessBuilder("/usr/bin/iperf3", "-c", "127.0.0.1", "-p",
                        Integer.toString(iperf3.port()), "-t", "15", "--bidir", "-P", "4")
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10))
                        .until(() -> iperf3.activeTests() == 1);
                Thread.sleep(afterMillis);
                client.destroyForcibly().waitFor();
                long killed = System.nanoTime();
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                        .until(() -> iperf3.activeTests() == 0);
                assertThat((System.nanoTime() - killed) / 1e9).as("seconds until the slot was free, killed after %d ms",
                        afterMillis).isLessThan(1.0);
            }
        }
    }
}
