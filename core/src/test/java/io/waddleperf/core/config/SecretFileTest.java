package io.waddleperf.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code x_file} form of secret keys, and settings given in code. */
class SecretFileTest {

    record Keys(List<Secret> apiKeys, Secret password, int port) implements Validated {

        static Keys defaults() {
            return new Keys(List.of(), null, 1);
        }

        @Override
        public void validate(Problems problems) {
            for (int i = 0; i < apiKeys.size(); i++) {
                problems.require(apiKeys.get(i).reveal().length() >= 8, "api_keys[" + i + "]", "is too short");
            }
            problems.require(port > 0, "port", "must be positive");
        }
    }

    static final ConfigLoader<Keys> LOADER = ConfigLoader.of(Keys.class, "WP_TEST");

    @TempDir
    Path dir;

    @Test
    void reads_a_list_of_secrets_one_per_line_and_names_file_and_line_in_problems() throws IOException {
        Path keys = Files.writeString(dir.resolve("keys"), "# comment\n\nfirst-key-long\n  short  \n");

        assertThatThrownBy(() -> LOADER.load(null, Map.of(), Map.of("api_keys_file", keys.toString())))
                .hasMessage("invalid configuration: 'api_keys[1]' in " + keys + ":4: is too short");
        Files.writeString(keys, "first-key-long\nsecond-key-long\n");
        assertThat(LOADER.load(null, Map.of(), Map.of("api_keys_file", keys.toString())).apiKeys())
                .containsExactly(Secret.of("first-key-long"), Secret.of("second-key-long"));
    }

    @Test
    void the_later_source_wins_between_a_key_and_its_file_form() throws IOException {
        Path password = Files.writeString(dir.resolve("password"), "from-file\n");
        Path yaml = Files.writeString(dir.resolve("c.yml"), "password: from-yaml\n");

        assertThat(LOADER.load(yaml, Map.of("WP_TEST_PASSWORD_FILE", password.toString()), Map.of()).password())
                .isEqualTo(Secret.of("from-file"));
        assertThat(LOADER.load(yaml, Map.of(), Map.of()).password()).isEqualTo(Secret.of("from-yaml"));
        Path both = Files.writeString(dir.resolve("both.yml"), "password: x\npassword_file: " + password + "\n");
        assertThatThrownBy(() -> LOADER.load(both, Map.of(), Map.of()))
                .hasMessage("invalid configuration: 'password_file' in " + both + ":2: 'password' is also set in "
                        + both + ":1; set one of them");
    }

    @Test
    void an_unreadable_secret_file_is_a_problem_naming_the_key() {
        assertThatThrownBy(() -> LOADER.load(null, Map.of("WP_TEST_PASSWORD_FILE", "/nonexistent/pw"), Map.of()))
                .hasMessage("invalid configuration: 'password_file' from environment variable WP_TEST_PASSWORD_FILE: "
                        + "cannot read /nonexistent/pw (NoSuchFileException)");
    }

    @Test
    void settings_from_code_may_hold_secrets_and_are_checked_like_a_load() {
        assertThat(LOADER.load(Map.of("api_keys", "abcdefgh, ijklmnop")).apiKeys()).hasSize(2);
        assertThatThrownBy(() -> LOADER.load(Map.of("port", "0")))
                .hasMessage("invalid configuration: 'port' from setting 'port': must be positive");
        assertThatThrownBy(() -> LOADER.check(new Keys(List.of(Secret.of("x")), null, 1)))
                .hasMessage("invalid configuration: 'api_keys[0]': is too short");
    }

    @Test
    void prints_flat_key_value_lines_with_secrets_masked() {
        Keys keys = LOADER.load(Map.of("api_keys", "abcdefgh, ijklmnop", "password", "hunter22"));
        assertThat(LOADER.print(keys)).isEqualTo("api_keys = ****, ****\npassword = ****\nport = 1\n");
    }
}
