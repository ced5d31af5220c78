package io.waddleperf.testserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.core.config.ConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * docs/CONFIGURATION.md documents every test server key with the default and environment variable the code has, in
 * its "Test server keys" section (other programs' keys have sections of their own).
 */
class ConfigurationDocTest {

    private static final Path DOC = Path.of("..", "docs", "CONFIGURATION.md");

    @Test
    void documents_every_key_with_its_default_and_environment_variable() throws IOException {
        List<String> rows = rows();
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
        List<String> documented = rows().stream().map(l -> l.substring(3, l.indexOf('`', 3))).toList();
        assertThat(keys).containsExactlyElementsOf(documented);
    }

    /** The key rows of the "Test server keys" section. */
    private static List<String> rows() throws IOException {
        List<String> lines = Files.readAllLines(DOC);
        int start = lines.indexOf("## Test server keys");
        assertThat(start).as("'## Test server keys' in %s", DOC).isNotNegative();
        List<String> rows = new java.util.ArrayList<>();
        for (String l : lines.subList(start + 1, lines.size())) {
            if (l.startsWith("## ")) {
                break;
            }
            if (l.startsWith("| `")) {
                rows.add(l);
            }
        }
        return rows;
    }
}
