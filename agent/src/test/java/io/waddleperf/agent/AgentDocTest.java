package io.waddleperf.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.core.config.ConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * docs/AGENT.md documents every configuration key with the default and environment variable the code has, and every
 * original AutoPerf variable the agent reads. A tier key's row is written once for {@code tierN}, its default cell
 * holding the three tiers' defaults in order.
 */
class AgentDocTest {

    private static final Path DOC = Path.of("..", "docs", "AGENT.md");

    private static String cell(String dflt) {
        return dflt.startsWith("(") || dflt.endsWith("(YAML only)") ? dflt : "`" + dflt + "`";
    }

    /** Code keys grouped as the doc writes them: tierN rows with their three defaults. */
    private static Map<String, List<ConfigLoader.Key>> expected() {
        Map<String, List<ConfigLoader.Key>> rows = new LinkedHashMap<>();
        for (ConfigLoader.Key k : AgentConfig.loader().keys()) {
            rows.computeIfAbsent(k.path().replaceFirst("\\.tier[123]\\.", ".tierN."), p -> new ArrayList<>()).add(k);
        }
        return rows;
    }

    @Test
    void documents_every_key_with_its_defaults_and_environment_variable() throws IOException {
        List<String> rows = rows();
        expected().forEach((path, keys) -> {
            String defaults = String.join(" / ", keys.stream().map(k -> cell(k.defaultValue())).toList());
            String env = keys.getFirst().envVariable().replaceFirst("__TIER[123]__", "__TIERN__");
            String start = "| `" + path + "` | " + defaults + " | `" + env + "` | ";
            assertThat(rows).as("docs/AGENT.md row of %s", path)
                    .anyMatch(row -> row.startsWith(start) && row.length() > start.length() + 3);
        });
    }

    @Test
    void documents_no_key_the_code_does_not_have() throws IOException {
        List<String> documented = rows().stream().map(l -> l.substring(3, l.indexOf('`', 3))).toList();
        assertThat(documented).containsExactlyElementsOf(expected().keySet());
    }

    @Test
    void lists_every_original_variable() throws IOException {
        String doc = Files.readString(DOC);
        for (String variable : AgentConfig.loader().envAliases().keySet()) {
            assertThat(doc).as("docs/AGENT.md mentions %s", variable).contains("`" + variable + "`");
        }
    }

    private static List<String> rows() throws IOException {
        List<String> lines = Files.readAllLines(DOC);
        int start = lines.indexOf("## Configuration keys");
        assertThat(start).as("'## Configuration keys' in %s", DOC).isNotNegative();
        List<String> rows = new ArrayList<>();
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
