package io.waddleperf.core.autoperf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waddleperf.core.config.ConfigException;
import io.waddleperf.core.config.ConfigLoader;
import io.waddleperf.core.config.Problems;
import io.waddleperf.core.config.Validated;
import io.waddleperf.core.result.TestType;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AutoPerfConfigTest {

    private static AutoPerfConfig load(String json) {
        return AutoPerfConfig.loader().loadJson("config_data", json);
    }

    private static List<String> problems(String json) {
        try {
            load(json);
        } catch (ConfigException e) {
            return e.problems();
        }
        throw new AssertionError("expected problems with " + json);
    }

    private static String keyPath(String problem) {
        return ConfigException.keyPath(problem).orElse(null);
    }

    @Test
    void an_empty_document_is_the_original_autoperf_defaults() {
        AutoPerfConfig c = load("{}");
        assertThat(c).isEqualTo(AutoPerfConfig.defaults());
        Autoperf a = c.autoperf();
        assertThat(a.interval()).isEqualTo(Duration.ofSeconds(300));
        assertThat(a.tier1().thresholds().pingLatency()).isEqualTo(Duration.ofMillis(100));
        assertThat(a.tier1().thresholds().packetLoss()).isEqualTo(5.0);
        assertThat(a.tier1().thresholds().httpResponse()).isEqualTo(Duration.ofSeconds(2));
        assertThat(a.tier1().thresholds().dnsTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(a.tier2().thresholds().bandwidth()).isEqualTo(10_000_000L);
        assertThat(a.tier2().thresholds().jitter()).isEqualTo(Duration.ofMillis(50));
        assertThat(a.tier2().thresholds().hopCount()).isEqualTo(20);
        assertThat(a.tier2().thresholds().sslExpiry()).isEqualTo(Duration.ofDays(7));
        assertThat(a.tier1().probes()).extracting(Probe::name).containsExactly("ping", "http", "dns", "tcp");
    }

    @Test
    void a_document_changes_only_the_keys_it_sets_and_its_probes_parse_into_specs() {
        AutoPerfConfig c = load("""
                {"target_server": "ts.example.net",
                 "autoperf": {"interval": 120,
                   "tier1": {"thresholds": {"ping_latency": "150ms", "dns_timeout": null},
                             "probes": [{"target": "icmp://{target_server}", "options": {"count": "5"}},
                                        {"name": "web", "target": "https://ts.example.net/", "options": {"method": "head"}}]},
                   "tier3": {"require_confirmation": true, "enabled": false}}}""");
        assertThat(c.autoperf().interval()).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.targetServer()).isEqualTo("ts.example.net");
        assertThat(c.autoperf().tier1().thresholds().pingLatency()).isEqualTo(Duration.ofMillis(150));
        assertThat(c.autoperf().tier1().thresholds().dnsTimeout()).as("null switches a threshold off").isNull();
        assertThat(c.autoperf().tier1().thresholds().packetLoss()).isEqualTo(5.0);
        assertThat(c.autoperf().tier3().requireConfirmation()).isTrue();
        assertThat(c.autoperf().tier3().enabled()).isFalse();
        assertThat(c.autoperf().tier2()).isEqualTo(Autoperf.defaults().tier2());
        List<List<ProbeDefinition>> defs = c.probeDefinitions(() -> Optional.of("127.0.0.1"));
        assertThat(defs.getFirst()).extracting(ProbeDefinition::name, ProbeDefinition::testType)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("icmp", TestType.ICMP),
                        org.assertj.core.groups.Tuple.tuple("web", TestType.HTTP));
        assertThat(defs.getFirst().getFirst().spec().target()).contains("ts.example.net");
    }

    @Test
    void every_problem_names_its_key_path() {
        List<String> p = problems("""
                {"autoperf": {"interval": "25h",
                  "tier1": {"thresholds": {"ping_latncy": "1ms", "packet_loss": 101},
                   "probes": [{"target": "icmpp://x"}, {"options": {"count": "3"}},
                              {"target": "https://x/", "options": {"methd": "get"}},
                              {"name": "t", "target": "tcp://x:80", "options": {"count": "0"}}]},
                  "tier2": {"timeout": "7h"}}, "colour": "blue"}""");
        assertThat(p.stream().map(AutoPerfConfigTest::keyPath).toList()).containsExactlyInAnyOrder(
                "autoperf.interval", "autoperf.tier1.thresholds.ping_latncy", "autoperf.tier1.thresholds.packet_loss",
                "autoperf.tier1.probes[0].target", "autoperf.tier1.probes[1].target",
                "autoperf.tier1.probes[2].options.methd", "autoperf.tier1.probes[3].options.count",
                "autoperf.tier2.timeout", "colour");
        assertThat(p).anyMatch(s -> s.contains("unknown key 'autoperf.tier1.thresholds.ping_latncy'")
                && s.contains("did you mean 'ping_latency'"));
        assertThat(p).anyMatch(s -> s.startsWith("'autoperf.tier1.probes[0].target' in config_data")
                && s.contains("unknown scheme 'icmpp'"));
        // a value that does not even bind is named too (the targets are checked once every key has bound)
        assertThat(problems("{\"autoperf\": {\"tier2\": {\"timeout\": \"abc\"}}}")).extracting(AutoPerfConfigTest::keyPath)
                .containsExactly("autoperf.tier2.timeout");
    }

    /** The agent's use: its configuration holds the same two keys and checks them as runnable. */
    record AgentLike(String targetServer, Autoperf autoperf) implements Validated {
        @Override
        public void validate(Problems problems) {
            new AutoPerfConfig(targetServer, autoperf).validateRunnable(problems, () -> Optional.of("127.0.0.1"));
        }
    }

    @Test
    void the_document_check_stands_in_for_the_target_server_the_agent_check_does_not() {
        AutoPerfConfig c = load("{}");
        assertThat(AutoPerfConfig.loader().check(c)).as("the default tiers name {target_server}: fine for a document")
                .isEqualTo(c);
        ConfigLoader<AgentLike> agent = ConfigLoader.of(AgentLike.class, "X");
        assertThatThrownBy(() -> agent.check(new AgentLike(null, c.autoperf())))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).hasSize(14)
                        .allMatch(s -> s.contains("names {target_server}, but target_server is not set")));
        assertThat(agent.check(new AgentLike("192.0.2.7", c.autoperf()))).isNotNull();
        assertThat(c.withTargetServer("192.0.2.7").probeDefinitions(Optional::empty).getFirst())
                .as("no DNS probe of a target server that is an address").extracting(ProbeDefinition::name)
                .containsExactly("ping", "http", "tcp");
    }

    @Test
    void the_interval_is_between_100ms_and_a_day() {
        assertThat(problems("{\"autoperf\": {\"interval\": \"99ms\"}}")).singleElement().asString()
                .startsWith("'autoperf.interval' in config_data:1: must be between 100ms and 24h");
        assertThat(load("{\"autoperf\": {\"interval\": \"24h\"}}").autoperf().interval()).isEqualTo(Duration.ofDays(1));
    }

    @Test
    void a_document_that_is_not_a_json_object_is_refused_as_a_whole() {
        assertThat(problems("[1, 2]")).singleElement().asString().contains("expected keys at the top of config_data");
        assertThat(problems("{\"target_server\": \"a\"} {}")).singleElement().asString()
                .contains("more than one JSON value");
        assertThat(problems("{\"autoperf\": ")).singleElement().asString().startsWith("cannot parse config_data");
        assertThat(keyPath(problems("[1]").getFirst())).isNull();
        assertThat(problems("{\"target_server\": \"a\", \"target_server\": \"b\"}")).singleElement().asString()
                .startsWith("duplicate key 'target_server' in config_data:1");
    }

    @Test
    void explicit_nulls_for_required_values_name_the_key() {
        assertThat(problems("{\"autoperf\": {\"interval\": null, \"tier2\": {\"timeout\": null}}}"))
                .extracting(AutoPerfConfigTest::keyPath)
                .containsExactlyInAnyOrder("autoperf.interval", "autoperf.tier2.timeout");
        assertThatThrownBy(() -> load("{\"autoperf\": {\"enabled\": null}}")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("'autoperf.enabled'");
    }
}
