package io.waddleperf.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loader serving a record shaped like the agent's (escalation tiers as a list of records with probes and
 * thresholds, sinks, durations, an enrolment secret): the proof that the next program needs one record and its
 * checks, not a new mechanism.
 */
class AgentShapedConfigTest {

    record AgentConfig(String managerUrl, Secret enrolmentToken, Duration interval, List<Tier> tiers,
                       Map<String, Sink> sinks, Outbox outbox) implements Validated {

        static AgentConfig defaults() {
            return new AgentConfig("https://manager.invalid", null, Duration.ofMinutes(5),
                    List.of(new Tier("basic", List.of(new Probe(ProbeType.PING, "8.8.8.8", Duration.ofSeconds(2))),
                            new Threshold(Duration.ofMillis(100), 1.0))),
                    Map.of(), Outbox.defaults());
        }

        @Override
        public void validate(Problems problems) {
            problems.require(!interval.isNegative() && !interval.isZero(), "interval", "must be positive");
            problems.require(!tiers.isEmpty(), "tiers", "needs at least one tier");
        }
    }

    enum ProbeType { PING, HTTP, IPERF3 }

    /** No defaults(): every key of a tier is required. */
    record Tier(String name, List<Probe> probes, Threshold escalateWhen) implements Validated {
        @Override
        public void validate(Problems problems) {
            problems.require(!probes.isEmpty(), "probes", "needs at least one probe");
        }
    }

    record Probe(ProbeType type, String target, Duration timeout) {
    }

    record Threshold(Duration latencyAbove, double lossPercentAbove) implements Validated {
        @Override
        public void validate(Problems problems) {
            problems.require(lossPercentAbove >= 0 && lossPercentAbove <= 100, "loss_percent_above",
                    "must be 0-100, got " + lossPercentAbove);
        }
    }

    record Sink(URI url, Duration timeout, Secret password) {
        static Sink defaults() {
            return new Sink(null, Duration.ofSeconds(10), null);
        }
    }

    record Outbox(Path dir, @Bytes long maxBytes) {
        static Outbox defaults() {
            return new Outbox(Path.of("spool"), 64L << 20);
        }
    }

    static final ConfigLoader<AgentConfig> LOADER = ConfigLoader.of(AgentConfig.class, "WADDLEPERF_AGENT");

    @TempDir
    Path dir;

    Path file(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    @Test
    void loads_tiers_probes_thresholds_and_sinks_from_yaml() throws IOException {
        Path yaml = file("agent.yml", """
                manager_url: https://manager.example
                interval: 1m
                tiers:
                  - name: quick
                    probes:
                      - {type: ping, target: 192.0.2.1, timeout: 1s}
                    escalate_when: {latency_above: 80ms, loss_percent_above: 2}
                  - name: deep
                    probes:
                      - {type: http, target: https://example.net/, timeout: 5s}
                      - {type: iperf3, target: 192.0.2.2, timeout: 30s}
                    escalate_when: {latency_above: 1s, loss_percent_above: 50}
                sinks:
                  prometheus: {url: 'http://127.0.0.1:9091/'}
                outbox: {max_bytes: 8M}
                """);

        AgentConfig c = LOADER.load(yaml, Map.of(), Map.of());

        assertThat(c.tiers()).extracting(Tier::name).containsExactly("quick", "deep");
        assertThat(c.tiers().get(1).probes()).extracting(Probe::type).containsExactly(ProbeType.HTTP, ProbeType.IPERF3);
        assertThat(c.tiers().get(0).escalateWhen()).isEqualTo(new Threshold(Duration.ofMillis(80), 2));
        assertThat(c.sinks().get("prometheus")).isEqualTo(
                new Sink(URI.create("http://127.0.0.1:9091/"), Duration.ofSeconds(10), null));
        assertThat(c.outbox()).isEqualTo(new Outbox(Path.of("spool"), 8L << 20));
        assertThat(c.interval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(LOADER.print(c)).contains("tiers[1].probes[0].type = http\n",
                "tiers[0].escalate_when.latency_above = 80ms\n", "sinks.prometheus.url = http://127.0.0.1:9091/\n",
                "outbox.max_bytes = 8388608\n", "enrolment_token = (none)\n");
    }

    @Test
    void environment_overrides_the_file_and_flags_override_the_environment() throws IOException {
        Path yaml = file("agent.yml", "interval: 1m\nsinks: {main: {url: 'http://a/'}}\n");

        AgentConfig c = LOADER.load(yaml, Map.of(
                "WADDLEPERF_AGENT_INTERVAL", "30s",
                "WADDLEPERF_AGENT_SINKS__MAIN__TIMEOUT", "3s",
                "WADDLEPERF_AGENT_OUTBOX_DIR", "/var/spool/wp"), Map.of("interval", "10s"));

        assertThat(c.interval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.sinks().get("main")).isEqualTo(new Sink(URI.create("http://a/"), Duration.ofSeconds(3), null));
        assertThat(c.outbox().dir()).isEqualTo(Path.of("/var/spool/wp"));
    }

    @Test
    void secrets_come_from_the_environment_or_a_file_never_from_a_flag() throws IOException {
        Path token = file("token", "s3cret-enrolment\n");
        Path password = file("password", "sink-pass\n");

        AgentConfig fromFile = LOADER.load(null, Map.of("WADDLEPERF_AGENT_ENROLMENT_TOKEN_FILE", token.toString()),
                Map.of("sinks.main.url", "http://a/", "sinks.main.password_file", password.toString()));
        AgentConfig fromEnv = LOADER.load(null, Map.of("WADDLEPERF_AGENT_ENROLMENT_TOKEN", "from-env"), Map.of());

        assertThat(fromFile.enrolmentToken().reveal()).isEqualTo("s3cret-enrolment");
        assertThat(fromFile.sinks().get("main").password().reveal()).isEqualTo("sink-pass");
        assertThat(fromEnv.enrolmentToken().reveal()).isEqualTo("from-env");
        assertThat(LOADER.print(fromFile)).contains("enrolment_token = " + Secret.MASK)
                .contains("sinks.main.password = " + Secret.MASK).doesNotContain("s3cret", "sink-pass");
        assertThatThrownBy(() -> LOADER.load(null, Map.of(), Map.of("enrolment_token", "on-the-command-line")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'enrolment_token' from flag 'enrolment_token'")
                .hasMessageNotContaining("on-the-command-line");
    }

    /** A record's own checks run once its components are bound, so the checks of sibling sections all report. */
    @Test
    void reports_every_problem_at_once_with_key_path_file_and_line() throws IOException {
        Path yaml = file("agent.yml", """
                interval: 1m
                tiers:
                  - name: quick
                    probes:
                      - {type: smoke_signal, target: x, timeout: 1s}
                    escalate_when: {latency_above: 80ms, loss_percent_above: 200}
                  - name: deep
                    probes: []
                    escalate_when: {latency_above: 1s, loss_percent_above: 5, los_percent: 5}
                  - name: third
                    probes: [{type: ping, target: x}]
                    escalate_when: {latency_above: 1s, loss_percnt_above: 5}
                sinks:
                  main: {url: 'http://a/', timout: 3s}
                """);

        assertThatThrownBy(() -> LOADER.load(yaml, Map.of(), Map.of()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactlyInAnyOrder(
                        "'tiers[0].probes[0].type' in " + yaml + ":5: expected one of ping, http, iperf3, got "
                                + "'smoke_signal'",
                        "'tiers[0].escalate_when.loss_percent_above' in " + yaml + ":6: must be 0-100, got 200.0",
                        "'tiers[1].probes' in " + yaml + ":8: needs at least one probe",
                        "unknown key 'tiers[1].escalate_when.los_percent' in " + yaml + ":9",
                        "missing key 'tiers[2].probes[0].timeout' (a duration (250us, 5ms, 1.5s, 2m, 1h; a bare "
                                + "number means seconds))",
                        "unknown key 'tiers[2].escalate_when.loss_percnt_above' in " + yaml + ":12 (did you mean "
                                + "'loss_percent_above'?)",
                        "missing key 'tiers[2].escalate_when.loss_percent_above' (a number)",
                        "unknown key 'sinks.main.timout' in " + yaml + ":14 (did you mean 'timeout'?)"));
        assertThatThrownBy(() -> LOADER.load(null, Map.of("WADDLEPERF_AGENT_INTERVAL", "0s"), Map.of()))
                .hasMessage("invalid configuration: 'interval' from environment variable WADDLEPERF_AGENT_INTERVAL: "
                        + "must be positive");
    }

    @Test
    void rejects_unknown_keys_from_every_source_with_their_path() throws IOException {
        Path yaml = file("agent.yml", "outbox:\n  max_byte: 1M\n");

        assertThatThrownBy(() -> LOADER.load(yaml, Map.of("WADDLEPERF_AGENT_OUTBOX__DIRR", "/x"),
                Map.of("tiers_x", "1")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactlyInAnyOrder(
                        "unknown key 'outbox.max_byte' in " + yaml + ":2 (did you mean 'max_bytes'?)",
                        "unknown key 'outbox.dirr' from environment variable WADDLEPERF_AGENT_OUTBOX__DIRR "
                                + "(did you mean 'outbox.dir'?)",
                        "unknown key 'tiers_x' from flag 'tiers_x' (did you mean 'tiers'?)"));
    }

    @Test
    void lists_every_key_with_its_default_and_environment_variable() {
        assertThat(LOADER.keys()).contains(
                new ConfigLoader.Key("interval", "5m", "WADDLEPERF_AGENT_INTERVAL", false),
                new ConfigLoader.Key("enrolment_token", "(none)", "WADDLEPERF_AGENT_ENROLMENT_TOKEN", true),
                new ConfigLoader.Key("enrolment_token_file", "(none)", "WADDLEPERF_AGENT_ENROLMENT_TOKEN_FILE", false),
                new ConfigLoader.Key("tiers", "1 entries (YAML only)", "WADDLEPERF_AGENT_TIERS", false),
                new ConfigLoader.Key("outbox.max_bytes", "67108864", "WADDLEPERF_AGENT_OUTBOX__MAX_BYTES", false));
    }
}
