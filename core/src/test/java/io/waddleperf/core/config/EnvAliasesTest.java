package io.waddleperf.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unprefixed variables an earlier program documented ({@code AUTOPERF_INTERVAL}) read as key paths. */
class EnvAliasesTest {

    record Section(Duration interval, boolean enabled) {
        static Section defaults() {
            return new Section(Duration.ofMinutes(5), true);
        }
    }

    record Root(String target, Section section) {
        static Root defaults() {
            return new Root(null, Section.defaults());
        }
    }

    static final ConfigLoader<Root> LOADER = ConfigLoader.of(Root.class, "APP")
            .withEnvAliases(Map.of("OLD_INTERVAL", "section.interval", "TARGET", "target"));

    @TempDir
    Path dir;

    @Test
    void an_alias_sets_its_key_over_the_file_and_under_flags() throws IOException {
        Path f = dir.resolve("c.yml");
        Files.writeString(f, "section: {interval: 1m}\ntarget: a\n");

        Root r = LOADER.load(f, Map.of("OLD_INTERVAL", "30", "TARGET", "b", "UNRELATED", "x"), Map.of());
        Root flagged = LOADER.load(f, Map.of("TARGET", "b"), Map.of("target", "c"));

        assertThat(r.section().interval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(r.target()).isEqualTo("b");
        assertThat(flagged.target()).isEqualTo("c");
        assertThat(LOADER.envAliases()).containsEntry("OLD_INTERVAL", "section.interval");
    }

    @Test
    void a_bad_value_names_the_alias_and_both_spellings_at_once_are_refused() {
        assertThatThrownBy(() -> LOADER.load(null, Map.of("OLD_INTERVAL", "soon"), Map.of()))
                .hasMessageStartingWith("invalid configuration: 'section.interval' from environment variable OLD_INTERVAL: ");
        assertThatThrownBy(() -> LOADER.load(null, Map.of("OLD_INTERVAL", "1", "APP_SECTION__INTERVAL", "2"), Map.of()))
                .hasMessage("invalid configuration: 'section.interval' is set twice: from environment variable "
                        + "APP_SECTION__INTERVAL and from environment variable OLD_INTERVAL");
    }

    @Test
    void an_alias_must_name_a_key() {
        assertThatThrownBy(() -> ConfigLoader.of(Root.class, "APP").withEnvAliases(Map.of("X", "section.nope")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("section.nope");
    }
}
