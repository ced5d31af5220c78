package io.waddleperf.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.waddleperf.core.result.Json;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The agent as an enrolled device of a real manager (embedded H2 database) on loopback: enrolment with the OU's
 * secret, the credential kept mode 0600 and never logged, results delivered as the device, the OU's configuration
 * pulled and applied without a restart, a change picked up after a heartbeat said so, a configuration the agent
 * cannot run refused with the running one kept, and a restart that reuses the identity and the last configuration
 * while the manager is down.
 */
class AgentEnrolmentIT {

    private static final String SERIAL = "agent-it-0001";

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private ServerSocket tcp;
    private Thread acceptor;

    @BeforeEach
    void peers() throws Exception {
        tcp = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = Thread.ofVirtual().start(() -> {
            while (!tcp.isClosed()) {
                try {
                    tcp.accept().close();
                } catch (Exception e) {
                    return;
                }
            }
        });
        logs.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
    }

    @AfterEach
    void stop() throws Exception {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
        tcp.close();
        acceptor.join(Duration.ofSeconds(5));
    }

    /** Tier 1 only, one TCP probe; no target_server of its own, so that a served document needing one is refused. */
    private AgentConfig agentConfig(URI manager, Map<String, String> env) throws Exception {
        Path f = dir.resolve("autoperf.yml");
        Files.writeString(f, """
                data_dir: %s
                autoperf:
                  interval: 1s
                  tier1:
                    probes: [{name: local_port, target: "tcp://127.0.0.1:%d"}]
                  tier2: {enabled: false}
                  tier3: {enabled: false}
                manager: {url: "%s", device_serial: %s, timeout: 5s}
                outbox: {retry_initial: 50ms, retry_max: 1s}
                status: {bind: 127.0.0.1, port: 0}
                """.formatted(dir.resolve("agent"), tcp.getLocalPort(), manager, SERIAL));
        return AgentConfig.loader().load(f, env, Map.of());
    }

    private String served(String probe, boolean withTargetServer) {
        return """
                {"config_name": "%s", "config_data": {%s"autoperf": {"interval": "1s",
                  "tier1": {"probes": [{"name": "%s", "target": "tcp://{target_server}:%d"}]},
                  "tier2": {"enabled": false}, "tier3": {"enabled": false}}}}
                """.formatted(probe, withTargetServer ? "\"target_server\": \"127.0.0.1\", " : "", probe,
                tcp.getLocalPort());
    }

    private JsonNode status(Agent agent, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.statusPort()
                + path)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return Json.mapper().readTree(r.body());
    }

    private static List<String> probesWithResults(Agent agent, AgentEnrolmentIT it) throws Exception {
        return it.status(agent, "/api/autoperf/results").get("results").findValuesAsText("probe");
    }

    @Test
    void enrols_runs_the_managers_configuration_and_keeps_its_identity_across_a_restart() throws Exception {
        Path managerDir = dir.resolve("manager");
        try (ManagerPeer manager = new ManagerPeer(managerDir, Map.of("enrollment.heartbeat_interval", "5s"))) {
            manager.start();
            String admin = manager.adminToken();
            String ou = manager.call("POST", "/api/v1/organizations", admin, Json.write(Map.of("name", "branches")))
                    .get("id").asText();
            String secret = manager.call("POST", "/api/v1/enrollment/secrets/" + ou, admin,
                    Json.write(Map.of("name", "agents"))).get("secret").asText();
            manager.call("PUT", "/api/v1/enrollment/configs/" + ou, admin, served("served_port", true));

            Path identity = dir.resolve("agent").resolve(AgentConfig.DEVICE_FILE);
            String credential;
            String deviceId;
            try (Agent agent = Agent.start(agentConfig(manager.url(), Map.of("ENROLLMENT_SECRET", secret)))) {
                // enrolled, the OU's configuration runs, and its results reach the manager as this device's
                await().atMost(Duration.ofSeconds(30)).until(() -> probesWithResults(agent, this).contains("served_port"));
                JsonNode a = status(agent, "/api/agent");
                assertThat(a.get("config_source").asText()).isEqualTo("ou");
                assertThat(a.get("target_server").asText()).isEqualTo("127.0.0.1");
                assertThat(a.get("manager").get("enrolled").asBoolean()).isTrue();
                assertThat(a.get("manager").get("device_serial").asText()).isEqualTo(SERIAL);
                assertThat(a.toString()).doesNotContain("wpd_");
                // the manager scales the interval per device, within ±15 %
                assertThat(agent.config().autoperf().interval()).isBetween(Duration.ofMillis(850),
                        Duration.ofMillis(1150));

                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(identity))).isEqualTo("rw-------");
                JsonNode kept = Json.mapper().readTree(Files.readString(identity));
                credential = kept.get("device_credential").asText();
                deviceId = kept.get("device_id").asText();
                assertThat(credential).startsWith("wpd_");

                await().atMost(Duration.ofSeconds(30)).until(() -> manager.storedRows() >= 3);
                JsonNode device = manager.call("GET", "/api/v1/devices?search=" + SERIAL, admin, null).get("devices")
                        .get(0);
                assertThat(device.get("id").asText()).isEqualTo(deviceId);
                assertThat(device.get("client_type").asText()).isEqualTo("agent");
                assertThat(device.get("status").asText()).isEqualTo("online");

                // a change: the next heartbeat (5 s) shows it, the agent pulls it and swaps its schedule
                manager.call("PUT", "/api/v1/enrollment/configs/" + ou, admin, served("changed_port", true));
                await().atMost(Duration.ofSeconds(30)).until(() -> probesWithResults(agent, this)
                        .equals(List.of("changed_port")));
                assertThat(status(agent, "/api/agent").get("manager").get("config_name").asText())
                        .isEqualTo("changed_port");

                // a document only the agent can find wrong: {target_server} with no target server anywhere
                manager.call("PUT", "/api/v1/enrollment/configs/" + ou, admin, served("unrunnable", false));
                await().atMost(Duration.ofSeconds(30)).until(() -> !status(agent, "/api/agent").get("manager")
                        .path("last_refusal").isNull());
                assertThat(status(agent, "/api/agent").get("manager").get("last_refusal").asText())
                        .contains("autoperf.tier1.probes[0].target", "names {target_server}, but target_server is not set");
                long before = status(agent, "/api/autoperf/status").get("test_count").asLong();
                await().atMost(Duration.ofSeconds(10)).until(() ->
                        status(agent, "/api/autoperf/status").get("test_count").asLong() > before + 1);
                assertThat(probesWithResults(agent, this)).containsExactly("changed_port");
                assertThat(agent.config().autoperf().tier1().probes().getFirst().name()).isEqualTo("changed_port");
                assertThat(logs.list).anyMatch(e -> e.getFormattedMessage().startsWith(
                        "refused the ou configuration 'unrunnable' from the manager"));
                manager.call("PUT", "/api/v1/enrollment/configs/" + ou, admin, served("changed_port", true));
            }
            assertThat(manager.count("SELECT COUNT(*) FROM results WHERE device_id IS NULL")).isZero();

            // a restart while the manager is down: the kept identity (no secret needed now) and the kept configuration
            manager.stop();
            try (Agent agent = Agent.start(agentConfig(manager.url(), Map.of()))) {
                assertThat(agent.config().autoperf().tier1().probes().getFirst().name()).isEqualTo("changed_port");
                await().atMost(Duration.ofSeconds(20)).until(() -> agent.outbox().status().getFirst().pending() >= 3);
                long stored = manager.storedRows();
                manager.start();
                await().atMost(Duration.ofSeconds(30)).until(() -> manager.storedRows() > stored + 3);
                assertThat(Json.mapper().readTree(Files.readString(identity)).get("device_credential").asText())
                        .isEqualTo(credential);
                await().atMost(Duration.ofSeconds(20)).until(() -> !status(agent, "/api/agent").get("manager")
                        .path("last_config_check").isNull());
            }
            assertThat(manager.call("GET", "/api/v1/devices?search=" + SERIAL, manager.adminToken(), null)
                    .get("devices")).hasSize(1);
            assertThat(manager.count("SELECT COUNT(*) FROM results WHERE device_id IS NULL")).isZero();
        }
        // the credential never reached the log
        assertThat(logs.list).isNotEmpty().noneMatch(e -> e.getFormattedMessage().contains("wpd_"));
    }
}
