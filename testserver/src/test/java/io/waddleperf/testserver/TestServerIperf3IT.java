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
                Duration.ofSeconds(20)));
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
        TestServerConfig off = config().withIperf3(new TestServerConfig.Iperf3(false, null, null, null, null));
        try (TestServer server = TestServer.start(off, TestServerListeners.standard(Set.of()))) {
            assertThat(server.listener(Iperf3Server.class)).isEmpty();
        }
        Assertions.assertThatThrownBy(() -> config().withIperf3(new TestServerConfig.Iperf3(true, 0, 0, null, null)).validate()).isInstanceOfSatisfying(ConfigException.class,
                        e -> assertThat(e.problems()).anyMatch(p -> p.startsWith("'iperf3.max_tests'")));
    }
}
