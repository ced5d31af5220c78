package io.waddleperf.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Environment variable naming: prefix, {@code __} between levels, single {@code _} where only one path fits. */
class EnvMapperTest {

    record Tier(boolean enabled, int intervalSeconds) {
        static Tier defaults() {
            return new Tier(false, 300);
        }
    }

    record Agent(Tier tier1, Tier tier2, String managerUrl, Map<String, String> labels, Map<String, Tier> extra) {
        static Agent defaults() {
            return new Agent(Tier.defaults(), Tier.defaults(), "", Map.of(), Map.of());
        }
    }

    record Inner(int bC, int c) {
        static Inner defaults() {
            return new Inner(0, 0);
        }
    }

    record Ambiguous(Inner a, Inner aB) {
        static Ambiguous defaults() {
            return new Ambiguous(Inner.defaults(), Inner.defaults());
        }
    }

    static final ConfigLoader<Agent> AGENT = ConfigLoader.of(Agent.class, "AUTOPERF");

    @Test
    void single_underscores_nest_when_only_one_key_path_fits() {
        Agent agent = AGENT.load(null, Map.of("AUTOPERF_TIER1_ENABLED", "true", "AUTOPERF_MANAGER_URL", "http://m/",
                "AUTOPERF_TIER2_INTERVAL_SECONDS", "60"), Map.of());
        assertThat(agent.tier1().enabled()).isTrue();
        assertThat(agent.tier2().intervalSeconds()).isEqualTo(60);
        assertThat(agent.managerUrl()).isEqualTo("http://m/");
    }

    @Test
    void double_underscores_mark_nesting_explicitly() {
        Agent agent = AGENT.load(null, Map.of("AUTOPERF_TIER1__INTERVAL_SECONDS", "10"), Map.of());
        assertThat(agent.tier1().intervalSeconds()).isEqualTo(10);
        assertThat(AGENT.envName("tier1.interval_seconds")).isEqualTo("AUTOPERF_TIER1__INTERVAL_SECONDS");
    }

    @Test
    void a_double_underscore_inside_a_key_does_not_match() {
        assertThatThrownBy(() -> AGENT.load(null, Map.of("AUTOPERF_MANAGER__URL", "x"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown key 'manager.url' from environment variable AUTOPERF_MANAGER__URL")
                .hasMessageContaining("(did you mean 'manager_url'?)");
    }

    @Test
    void map_keys_take_the_remaining_words_in_lower_case() {
        Agent agent = AGENT.load(null, Map.of("AUTOPERF_LABELS__SITE_NAME", "berlin", "AUTOPERF_LABELS_RACK", "r1",
                "AUTOPERF_EXTRA__NIGHT_TIER__ENABLED", "true", "AUTOPERF_EXTRA_DAY_ENABLED", "true"), Map.of());
        assertThat(agent.labels()).isEqualTo(Map.of("site_name", "berlin", "rack", "r1"));
        assertThat(agent.extra()).containsOnlyKeys("night_tier", "day");
        assertThat(agent.extra().get("night_tier")).isEqualTo(new Tier(true, 300));
    }

    @Test
    void an_ambiguous_name_is_an_error_that_shows_how_to_disambiguate() {
        ConfigLoader<Ambiguous> loader = ConfigLoader.of(Ambiguous.class, "X");
        assertThatThrownBy(() -> loader.load(null, Map.of("X_A_B_C", "1"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("environment variable X_A_B_C is ambiguous: it could mean 'a.b_c' or 'a_b.c';"
                        + " separate nesting levels with '__', e.g. X_A__B_C");
        assertThat(loader.load(null, Map.of("X_A__B_C", "1"), Map.of()).a().bC()).isEqualTo(1);
        assertThat(loader.load(null, Map.of("X_A_B__C", "2"), Map.of()).aB().c()).isEqualTo(2);
    }

    @Test
    void malformed_names_are_unknown_keys() {
        assertThatThrownBy(() -> AGENT.load(null, Map.of("AUTOPERF_TIER1___ENABLED", "true", "AUTOPERF_", "x"),
                Map.of()))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).hasSize(2));
    }

    @Test
    void a_section_cannot_be_set_as_one_variable() {
        assertThatThrownBy(() -> AGENT.load(null, Map.of("AUTOPERF_TIER1", "on"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("'tier1' from environment variable AUTOPERF_TIER1: expected a mapping of keys");
    }

    @Test
    void variables_the_program_reads_itself_can_be_ignored() {
        assertThatThrownBy(() -> AGENT.load(null, Map.of("AUTOPERF_CONFIG", "/etc/a.yml"), Map.of()))
                .isInstanceOf(ConfigException.class);
        assertThat(AGENT.ignoringEnv("AUTOPERF_CONFIG").load(null, Map.of("AUTOPERF_CONFIG", "/etc/a.yml"), Map.of()))
                .isEqualTo(Agent.defaults());
    }
}
