package io.waddleperf.testserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.core.config.ConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** docs/CONFIGURATION.md documents every test server key with the default and environment variable the code has. */
class ConfigurationDocTest {

    private static final Path DOC = Path.of("..", "docs", "CONFIGURATION.md");

    @Test
    void documents_every_key_with_its_default_and_environment_variable() throws IOException {
        List<String> rows = Files.readAllLines(DOC).stream().filter(l -> l.startsWith("| `")).toList();
        for (ConfigLoader.Key key : TestServerConfig.loader().keys()) {
            String dflt = key.defaultValue().startsWith("(") ? key.defaultValue() : "`" + key.defaultValue() + "`";
            String expected = "| `" + key.path() + "` | " + dflt + " | `" + key.envVariable() + "` | ";
            assertThat(rows).as("docs/CONFIGURATION.md row of key %s", key.path())
                    .anyMatch(row -> row.startsWith(expected) && row.length() > expected.length() + 3);
        }
    }

    @Test
    void documents_no_key_the_code_does_not_have() throws IOException {
        List<String> keys = TestServerConfig.loader().keys().stream().map(ConfigLoader.Key::path).toList();
        List<String> documented = Files.readAllLines(DOC).stream().filter(l -> l.startsWith("| `"))
                .map(l -> l.substring(3, l.indexOf('`', 3))).toList();
        assertThat(keys).containsExactlyElementsOf(documented);
    }
}
