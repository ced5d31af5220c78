package io.waddleperf.agent;

import io.waddleperf.core.autoperf.Tier;
import io.waddleperf.core.autoperf.Thresholds;
import io.waddleperf.core.autoperf.ProbeKind;
import io.waddleperf.core.autoperf.ProbeDefinition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waddleperf.core.config.ConfigException;
import io.waddleperf.core.result.TestType;
import io.waddleperf.core.spec.IcmpSpec;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentConfigTest {

    @TempDir
    Path dir;

    private Path file(String text) throws IOException {
        Path f = dir.resolve("autoperf.yml");
        Files.writeString(f, text);
        return f;
    }

    private static AgentConfig load(Path file, Map<String, String> env) {
        return AgentConfig.loader().load(file, env, Map.of());
    }

    @Test
    void defaults_are_the_original_autoperf_tiers_and_thresholds() {
        AgentConfig c = AgentConfig.of(Map.of("target_server", "testserver.example"));

        assertThat(c.autoperf().interval()).isEqualTo(Duration.ofSeconds(300));
        assertThat(c.autoperf().jitterPercent()).isEqualTo(15);
        Thresholds t1 = c.autoperf().tier1().thresholds();
        assertThat(t1.pingLatency()).isEqualTo(Duration.ofMillis(100));
        assertThat(t1.packetLoss()).isEqualTo(5.0);
        assertThat(t1.httpResponse()).isEqualTo(Duration.ofMillis(2000));
        assertThat(t1.dnsTimeout()).isEqualTo(Duration.ofMillis(1000));
        Thresholds t2 = c.autoperf().tier2().thresholds();
        assertThat(t2.bandwidth()).isEqualTo(10_000_000L);
        assertThat(t2.jitter()).isEqualTo(Duration.ofMillis(50));
        assertThat(t2.hopCount()).isEqualTo(20);
        assertThat(t2.sslExpiry()).isEqualTo(Duration.ofDays(7));

        List<List<ProbeDefinition>> defs = c.probeDefinitions();
        assertThat(defs.get(0)).extracting(ProbeDefinition::name).containsExactly("ping", "http", "dns", "tcp");
        assertThat(defs.get(0).get(2).spec().target()).endsWith("/testserver.example");
        assertThat(defs.get(1)).extracting(ProbeDefinition::name).containsExactly("ping_extended", "mtr",
                "iperf3_quick", "port_http", "port_https", "tls_certificate", "http_trace");
        assertThat(((IcmpSpec) defs.get(1).get(0).spec()).count()).isEqualTo(50);
        assertThat(defs.get(1).get(2).kind()).isEqualTo(ProbeKind.THROUGHPUT);
        assertThat(defs.get(2)).extracting(ProbeDefinition::name).containsExactly("iperf3_bidir", "mtr_extended", "mtu");
        assertThat(defs.get(2)).extracting(d -> d.spec().testType())
                .containsExactly(TestType.IPERF3, TestType.MTR, TestType.MTU);
        assertThat(defs.get(2).get(0).timeout()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void a_target_server_given_as_an_address_has_no_name_to_resolve() {
        AgentConfig c = AgentConfig.of(Map.of("target_server", "127.0.0.1"));

        assertThat(c.probeDefinitions().get(0)).extracting(ProbeDefinition::name).containsExactly("ping", "http", "tcp");
        assertThat(AgentConfig.of(Map.of("target_server", "::1")).probeDefinitions().get(0).get(0).spec().target())
                .isEqualTo("icmp://[::1]");
    }

    @Test
    void reads_tiers_probes_options_and_thresholds_from_the_file() throws IOException {
        Path f = file("""
                target_server: 127.0.0.1
                autoperf:
                  interval: 30s
                  tier1:
                    probes:
                      - {name: echo, target: "udp://{target_server}:2000", options: {count: 5, interval: 20ms}, timeout: 5s}
                      - {name: app, command: [/usr/local/bin/check, --fast], test_type: http, timeout: 2s}
                    thresholds:
                      ping_latency: 80ms
                      packet_loss: null
                      custom:
                        - {name: app_latency, field: latency_ms, probes: [app], above: 500}
                  tier2:
                    enabled: false
                  tier3:
                    require_confirmation: true
                manager:
                  url: http://127.0.0.1:5000
                sinks:
                  file: {enabled: true, max_bytes: 1M, keep: 2}
                """);

        AgentConfig c = load(f, Map.of("MANAGER_API_KEY", "wpk_test"));

        Tier t1 = c.autoperf().tier1();
        assertThat(t1.thresholds().pingLatency()).isEqualTo(Duration.ofMillis(80));
        assertThat(t1.thresholds().packetLoss()).isNull();
        assertThat(t1.thresholds().httpResponse()).as("an unset threshold keeps its default").isEqualTo(Duration.ofSeconds(2));
        assertThat(t1.thresholds().custom()).singleElement()
                .satisfies(ct -> assertThat(ct.above()).isEqualTo(500.0));
        ProbeDefinition echo = c.probeDefinitions().get(0).get(0);
        assertThat(echo.spec().target()).isEqualTo("udp://127.0.0.1:2000");
        assertThat(echo.timeout()).isEqualTo(Duration.ofSeconds(5));
        ProbeDefinition app = c.probeDefinitions().get(0).get(1);
        assertThat(app.custom()).isTrue();
        assertThat(app.command()).containsExactly("/usr/local/bin/check", "--fast");
        assertThat(app.kind()).isEqualTo(ProbeKind.LATENCY);
        assertThat(c.autoperf().tier2().enabled()).isFalse();
        assertThat(c.autoperf().tier3().requireConfirmation()).isTrue();
        assertThat(c.manager().url()).isEqualTo(URI.create("http://127.0.0.1:5000"));
        assertThat(c.manager().apiKey().reveal()).isEqualTo("wpk_test");
        assertThat(c.sinks().file().maxBytes()).isEqualTo(1L << 20);
        assertThat(AgentConfig.loader().print(c)).contains("manager.api_key = ****").doesNotContain("wpk_test");
    }

    @Test
    void the_original_environment_variables_override_the_file() throws IOException {
        Path f = file("target_server: a.example\nautoperf: {interval: 60s}\n");

        AgentConfig c = load(f, Map.of(
                "AUTOPERF_ENABLED", "true",
                "AUTOPERF_INTERVAL", "120",
                "AUTOPERF_TIER1_ENABLED", "true",
                "AUTOPERF_TIER2_ENABLED", "false",
                "AUTOPERF_TIER3_ENABLED", "false",
                "TARGET_SERVER", "b.example",
                "MANAGER_URL", "https://manager.example",
                "MANAGER_API_KEY", "wpk_abc",
                "PATH", "/usr/bin"));

        assertThat(c.autoperf().interval()).isEqualTo(Duration.ofSeconds(120));
        assertThat(c.targetServer()).isEqualTo("b.example");
        assertThat(c.autoperf().tier2().enabled()).isFalse();
        assertThat(c.autoperf().tier3().enabled()).isFalse();
        assertThat(c.manager().url()).isEqualTo(URI.create("https://manager.example"));
        assertThat(load(null, Map.of("WADDLEPERF_AGENT_AUTOPERF__INTERVAL", "10s", "TARGET_SERVER", "x"))
                .autoperf().interval()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void an_original_variable_and_a_prefixed_one_for_the_same_key_is_an_error() {
        assertThatThrownBy(() -> load(null, Map.of("AUTOPERF_INTERVAL", "10", "WADDLEPERF_AGENT_AUTOPERF__INTERVAL",
                "20", "TARGET_SERVER", "x")))
                .hasMessageContaining("'autoperf.interval' is set twice: from environment variable "
                        + "WADDLEPERF_AGENT_AUTOPERF__INTERVAL and from environment variable AUTOPERF_INTERVAL");
    }

    @Test
    void every_problem_names_its_key_path_and_where_it_was_written() throws IOException {
        Path f = file("""
                target_server: 127.0.0.1
                autoperf:
                  intervall: 30s
                  tier1:
                    probes:
                      - {target: "icmp://{target_server}"}
                      - {target: "smoke://{target_server}"}
                      - {name: x, target: "tcp://{target_server}:80"}
                      - {name: Bad-Name, target: "tcp://{target_server}:81"}
                      - {options: {count: 1}}
                    thresholds:
                      ping_latency: 100
                      packet_loss: 150
                  tier2:
                    thresholds: {bandwith: 5M}
                manager:
                  url: ftp://example
                """);

        assertThatThrownBy(() -> load(f, Map.of("AUTOPERF_INTERVAL", "soon")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactlyInAnyOrder(
                        "unknown key 'autoperf.intervall' in " + f + ":3 (did you mean 'interval'?)",
                        "'autoperf.interval' from environment variable AUTOPERF_INTERVAL: invalid duration 'soon'; "
                                + "expected a non-negative number followed by ns, us (or \u00b5s), ms, s, m, h or d "
                                + "(24h), parts combined from largest to smallest unit (250us, 5ms, 1.5s, 2m, 1h30m, 7d); a bare number "
                                + "means seconds (10, 0.5)",
                        "'autoperf.tier1.probes[3].name' in " + f + ":9: 'Bad-Name' must be snake_case: a lower-case "
                                + "letter, then letters, digits or '_' (at most 63)",
                        "'autoperf.tier1.probes[4].target': a probe needs a target URI (or a command, "
                                + "for a custom probe)",
                        "'autoperf.tier1.thresholds.ping_latency' in " + f + ":12: must be above 0 and at most 1m, "
                                + "got 1m40s (a bare number means seconds: write 100ms for 100 milliseconds)",
                        "'autoperf.tier1.thresholds.packet_loss' in " + f + ":13: must be a percentage from 0 to "
                                + "below 100, got 150.0",
                        "unknown key 'autoperf.tier2.thresholds.bandwith' in " + f + ":15 (did you mean 'bandwidth'?)",
                        "'manager.url' in " + f + ":17: must be an http:// or https:// URL with a host, got "
                                + "'ftp://example'"));
    }

    @Test
    void a_probe_target_or_option_the_probe_refuses_is_named_by_its_key_path() throws IOException {
        Path f = file("""
                target_server: 127.0.0.1
                autoperf:
                  tier1:
                    probes:
                      - {target: "icmp://{target_server}", options: {count: many}}
                      - {target: "smoke://{target_server}"}
                      - {name: x, target: "tcp://{target_server}:80", options: {colour: red}}
                """);

        assertThatThrownBy(() -> load(f, Map.of()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).satisfiesExactlyInAnyOrder(
                        p -> assertThat(p).startsWith("'autoperf.tier1.probes[0].options.count' in " + f + ":5")
                                .contains("must be a whole number, got 'many'"),
                        p -> assertThat(p).startsWith("'autoperf.tier1.probes[1].target' in " + f + ":6")
                                .contains("unknown scheme 'smoke'"),
                        p -> assertThat(p).startsWith("'autoperf.tier1.probes[2].options.colour'").contains("colour")));
    }

    @Test
    void default_tiers_need_a_target_server() {
        assertThatThrownBy(() -> AgentConfig.loader().defaults())
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .contains("'autoperf.tier1.probes[0].target': 'icmp://{target_server}' names {target_server}, "
                                + "but target_server is not set (TARGET_SERVER or target_server in the file)"));
        assertThat(AgentConfig.of(Map.of("autoperf.enabled", "false")).autoperf().enabled()).isFalse();
    }

    @Test
    void an_enabled_autoperf_needs_an_enabled_tier_and_unique_probe_names() {
        assertThatThrownBy(() -> AgentConfig.of(Map.of("target_server", "x", "autoperf.tier1.enabled", "false",
                "autoperf.tier2.enabled", "false", "autoperf.tier3.enabled", "false")))
                .hasMessageContaining("'autoperf.enabled': AutoPerf is enabled but every tier is disabled");
    }

    @Test
    void documents_no_secret_in_its_printout_and_lists_every_key() {
        assertThat(AgentConfig.loader().keys()).extracting(k -> k.path()).contains("target_server",
                "autoperf.interval", "autoperf.tier1.probes", "autoperf.tier2.thresholds.bandwidth",
                "manager.api_key", "manager.api_key_file", "outbox.max_bytes", "sinks.file.path", "status.port");
        assertThat(AgentConfig.loader().envAliases()).containsEntry("TARGET_SERVER", "target_server")
                .containsEntry("AUTOPERF_TIER3_ENABLED", "autoperf.tier3.enabled");
    }

    @Test
    void a_manager_needs_an_enrolment_secret_or_an_api_key_until_the_agent_has_enrolled() throws IOException {
        Map<String, String> env = Map.of("TARGET_SERVER", "127.0.0.1", "MANAGER_URL", "http://127.0.0.1:5000",
                "WADDLEPERF_AGENT_DATA_DIR", dir.toString());
        assertThatThrownBy(() -> load(null, env)).isInstanceOfSatisfying(ConfigException.class,
                e -> assertThat(e.problems()).containsExactly("'manager.enrollment_secret': delivery to the manager "
                        + "needs an enrolment secret (ENROLLMENT_SECRET or manager.enrollment_secret_file) until this "
                        + "agent has enrolled (" + dir.resolve("manager-device.json") + " keeps the credential), or an "
                        + "API key (MANAGER_API_KEY or manager.api_key_file)"));

        Map<String, String> withSecret = new java.util.HashMap<>(env);
        withSecret.put("ENROLLMENT_SECRET", "wpe_secret");
        AgentConfig c = load(null, withSecret);
        assertThat(c.enrolls()).isTrue();
        assertThat(c.manager().enrollmentSecret().reveal()).isEqualTo("wpe_secret");
        assertThat(AgentConfig.loader().print(c)).contains("manager.enrollment_secret = ****")
                .doesNotContain("wpe_secret");

        // the secret from a file, as ENROLLMENT_SECRET_FILE names it
        Path secretFile = dir.resolve("secret");
        Files.writeString(secretFile, "wpe_from_file\n");
        Map<String, String> fromFile = new java.util.HashMap<>(env);
        fromFile.put("ENROLLMENT_SECRET_FILE", secretFile.toString());
        assertThat(load(null, fromFile).manager().enrollmentSecret().reveal()).isEqualTo("wpe_from_file");

        // once enrolled, the kept credential is enough
        Files.writeString(dir.resolve("manager-device.json"), "{}");
        assertThat(load(null, env).enrolls()).isTrue();

        withSecret.put("MANAGER_API_KEY", "wpk_key");
        assertThatThrownBy(() -> load(null, withSecret)).hasMessageContaining("'manager.api_key' from environment variable MANAGER_API_KEY: give an API key "
                + "(deliver as a user) or an enrolment secret (enrol as a device), not both");
        Map<String, String> keyOnly = new java.util.HashMap<>(env);
        keyOnly.put("MANAGER_API_KEY", "wpk_key");
        assertThat(load(null, keyOnly).enrolls()).isFalse();
    }

    @Test
    void a_device_serial_must_be_printable() {
        assertThatThrownBy(() -> AgentConfig.of(Map.of("target_server", "x", "manager.device_serial", "a b")))
                .hasMessageContaining("'manager.device_serial': must be 1 to 255 printable ASCII characters");
    }
}
