package io.waddleperf.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.agent.AgentConfig;
import io.waddleperf.core.autoperf.AutoPerfConfig;
import io.waddleperf.core.config.ConfigException;
import io.waddleperf.core.config.ConfigLoader;
import io.waddleperf.manager.ManagerConfig;
import io.waddleperf.testserver.TestServerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A key left empty in YAML ({@code max_duration:} with nothing after it) reaches the configuration records as null:
 * where that is allowed it clears the key, where it is not, loading must fail with problems naming the key — never
 * with a NullPointerException from a record's own checks (fuzzing found exactly that in the loader's sample record).
 * Every key and every section of every program's configuration is tried empty, one at a time.
 */
class EmptyConfigValuesTest {

    @TempDir
    Path dir;

    static Stream<ConfigLoader<? extends Record>> loaders() {
        return Stream.of(ConfigLoader.of(TestServerConfig.class, "T"), ConfigLoader.of(ManagerConfig.class, "M"),
                ConfigLoader.of(AgentConfig.class, "A"), ConfigLoader.of(AutoPerfConfig.class, "P"));
    }

    @ParameterizedTest
    @MethodSource("loaders")
    void every_key_and_section_left_empty_loads_or_is_refused_naming_it(ConfigLoader<? extends Record> loader)
            throws IOException {
        Set<String> paths = new LinkedHashSet<>();
        for (String key : loader.keyPaths()) {
            if (key.contains("[")) {
                continue; // list items are written as YAML lists only; their nulls are refused by the loader itself
            }
            String[] parts = key.split("\\.");
            for (int i = 1; i <= parts.length; i++) {
                paths.add(String.join(".", java.util.Arrays.copyOf(parts, i)));
            }
        }
        assertThat(paths).hasSizeGreaterThan(5);
        List<String> crashes = new ArrayList<>();
        for (String path : paths) {
            String[] parts = path.split("\\.");
            StringBuilder yaml = new StringBuilder();
            for (int i = 0; i < parts.length; i++) {
                yaml.append("  ".repeat(i)).append(parts[i]).append(':').append(i == parts.length - 1 ? " ~" : "")
                        .append('\n');
            }
            Path file = dir.resolve("c.yml");
            Files.writeString(file, yaml);
            try {
                loader.load(file, Map.of(), Map.of());
            } catch (ConfigException e) {
                if (e.problems().isEmpty() || e.problems().stream().noneMatch(p -> p.contains("'"))) {
                    crashes.add(path + ": refused without naming a key: " + e.problems());
                }
            } catch (RuntimeException e) {
                crashes.add(path + ": " + e);
            }
        }
        assertThat(crashes).isEmpty();
    }
}
