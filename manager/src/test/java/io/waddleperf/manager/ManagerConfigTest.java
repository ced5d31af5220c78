package io.waddleperf.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waddleperf.core.config.ConfigException;
import io.waddleperf.core.config.ConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ManagerConfigTest {

    private static final Path DOC = Path.of("..", "docs", "CONFIGURATION.md");

    @Test
    void defaults_listen_on_5000_with_an_embedded_database_in_data() {
        ManagerConfig c = ManagerConfig.loader().defaults();
        assertThat(c.port()).isEqualTo(5000);
        assertThat(c.jdbcUrl()).startsWith("jdbc:h2:file:").contains("/data/manager;MODE=MariaDB");
        assertThat(c.http().maxBodyBytes()).isEqualTo(16L << 20);
        assertThat(c.auth().sessionTtl()).isEqualTo(Duration.ofHours(12));
    }

    @Test
    void environment_and_settings_set_keys_and_bad_values_name_their_key() {
        ManagerConfig c = ManagerConfig.loader().load(null, Map.of("WADDLEPERF_MANAGER_DB__URL", "jdbc:mariadb://db:3306/wp",
                "WADDLEPERF_MANAGER_DB__PASSWORD", "s3cret"), Map.of("port", "5100"));
        assertThat(c.jdbcUrl()).isEqualTo("jdbc:mariadb://db:3306/wp");
        assertThat(c.db().password().reveal()).isEqualTo("s3cret");
        assertThat(c.port()).isEqualTo(5100);
        assertThat(c.toString()).doesNotContain("s3cret");
        assertThatThrownBy(() -> ManagerConfig.of(Map.of("db.url", "jdbc:postgresql://x/y", "http.max_batch_results", "0")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("db.url").hasMessageContaining("http.max_batch_results");
        assertThatThrownBy(() -> ManagerConfig.loader().load(null, Map.of(), Map.of("db.password", "x")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("db.password");
    }

    @Test
    void speed_test_servers_are_http_base_urls_and_their_origins_go_to_the_page() {
        ManagerConfig c = ManagerConfig.of(Map.of("speedtest.test_servers",
                "https://ts1.example:8443, http://ts2.example/backend/"));
        assertThat(c.speedtest().origins()).containsExactly("https://ts1.example:8443", "http://ts2.example");
        assertThat(ManagerConfig.defaults().speedtest().testServers()).isEmpty();
        assertThatThrownBy(() -> ManagerConfig.of(Map.of("speedtest.test_servers", "http://ok.example, ftp://ts.example")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("speedtest.test_servers[1]")
                .hasMessageContaining("ftp://ts.example");
        assertThatThrownBy(() -> ManagerConfig.of(Map.of("speedtest.test_servers", "http://ts.example/?q=1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("speedtest.test_servers[0]");
        assertThatThrownBy(() -> ManagerConfig.of(Map.of("speedtest.test_servers", "http://a.example, http://a.example")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("listed twice");
    }

    @Test
    void docs_list_every_manager_key_with_its_default_and_environment_variable() throws IOException {
        List<String> rows = section("## Manager keys");
        for (ConfigLoader.Key key : ManagerConfig.loader().keys()) {
            String dflt = key.defaultValue().startsWith("(") ? key.defaultValue() : "`" + key.defaultValue() + "`";
            String expected = "| `" + key.path() + "` | " + dflt + " | `" + key.envVariable() + "` | ";
            assertThat(rows).as("docs/CONFIGURATION.md row of manager key %s", key.path())
                    .anyMatch(row -> row.startsWith(expected) && row.length() > expected.length() + 3);
        }
        assertThat(rows.stream().map(l -> l.substring(3, l.indexOf('`', 3))).toList())
                .containsExactlyElementsOf(ManagerConfig.loader().keys().stream().map(ConfigLoader.Key::path).toList());
    }

    /** The key table rows of one section of docs/CONFIGURATION.md. */
    static List<String> section(String heading) throws IOException {
        List<String> lines = Files.readAllLines(DOC);
        int start = lines.indexOf(heading);
        assertThat(start).as("section %s in %s", heading, DOC).isNotNegative();
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
