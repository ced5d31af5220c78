package io.waddleperf.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Jazzer fuzz test of the YAML config file path of {@link ConfigLoader}, on a record shaped like a real program's
 * ({@link SampleConfig}: nested records, lists, maps, units, enums, secrets with their {@code _file} form). Its
 * contract: any file content either loads into a config equal to a second load of the same file, or fails with a
 * {@link ConfigException} whose every problem is a non-blank line; nothing else escapes. Seeds:
 * {@code src/test/resources/io/waddleperf/core/config/ConfigLoaderFuzzTestInputs/<method>/}; real fuzzing with
 * {@code scripts/fuzz} (docs/RELIABILITY.md).
 */
class ConfigLoaderFuzzTest {

    private static final ConfigLoader<SampleConfig> LOADER = ConfigLoader.of(SampleConfig.class, "WADDLEPERF_SAMPLE");
    private static final Path FILE;

    static {
        try {
            FILE = Files.createTempFile("waddleperf-config-fuzz", ".yml");
            FILE.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "30s")
    void yaml_file_loads_or_fails_with_every_problem_listed(byte[] input) throws IOException {
        Files.write(FILE, input);
        SampleConfig config;
        try {
            config = LOADER.load(FILE, Map.of(), Map.of());
        } catch (ConfigException e) {
            assertThat(e.problems()).isNotEmpty().allSatisfy(p -> assertThat(p).isNotBlank().doesNotContain("\n  - "));
            return;
        }
        assertThat(config).isEqualTo(LOADER.load(FILE, Map.of(), Map.of()));
        assertThat(LOADER.print(config)).contains("http_port = " + config.httpPort());
    }
}
