package io.waddleperf.testserver.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waddleperf.core.config.ConfigException;
import io.waddleperf.testserver.TestServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiKeyAuthTest {

    private static final String KEY = "k3y-0123456789abcdef";
    private static final String FILE_KEY = "file-key-0123456789";

    @TempDir
    Path dir;

    private ApiKeyAuth auth() throws Exception {
        Path file = Files.writeString(dir.resolve("keys"), "# comment\n\n" + KEY + "\n  " + FILE_KEY + "  \n");
        return ApiKeyAuth.from(TestServerConfig.of(Map.of("api_keys_file", file.toString())));
    }

    @Test
    void accepts_apikey_and_bearer_schemes_with_keys_from_the_key_file() throws Exception {
        ApiKeyAuth auth = auth();
        assertThat(auth.keyCount()).isEqualTo(2);
        auth.check("ApiKey " + KEY);
        auth.check("Bearer " + KEY);
        auth.check("bearer " + FILE_KEY);
        auth.check("APIKEY   " + FILE_KEY + " ");
    }

    @Test
    void names_the_accepted_key_by_a_key_id_that_is_not_the_key() throws Exception {
        ApiKeyAuth auth = auth();
        String id = auth.check("ApiKey " + KEY);
        // printf %s k3y-0123456789abcdef | sha256sum | cut -c1-12
        assertThat(id).isEqualTo(ApiKeyAuth.keyId(KEY)).matches("[0-9a-f]{12}").doesNotContain("0123456789abcdef");
        assertThat(auth.check("Bearer " + FILE_KEY)).isEqualTo(ApiKeyAuth.keyId(FILE_KEY)).isNotEqualTo(id);
        assertThat(ApiKeyAuth.from(TestServerConfig.of(Map.of("auth_disabled", "true"))).check(null)).isNull();
    }

    @Test
    void refuses_missing_malformed_and_wrong_credentials() throws Exception {
        ApiKeyAuth auth = auth();
        assertUnauthorized(auth, null, "missing");
        assertUnauthorized(auth, "", "missing");
        assertUnauthorized(auth, "Basic " + KEY, "ApiKey <key>");
        assertUnauthorized(auth, KEY, "ApiKey <key>");
        assertUnauthorized(auth, "ApiKey " + KEY + "x", "invalid API key");
        assertUnauthorized(auth, "ApiKey " + KEY.substring(1), "invalid API key");
    }

    @Test
    void refuses_every_call_when_no_key_is_configured_and_auth_is_on() {
        ApiKeyAuth auth = ApiKeyAuth.from(TestServerConfig.defaults());
        assertUnauthorized(auth, "ApiKey " + KEY, "no API keys are configured");
    }

    @Test
    void lets_everything_through_only_when_explicitly_disabled() {
        ApiKeyAuth auth = ApiKeyAuth.from(TestServerConfig.of(Map.of("auth_disabled", "true")));
        auth.check(null);
        auth.check("ApiKey whatever");
    }

    @Test
    void refuses_a_key_file_with_a_short_key_naming_the_line_not_the_key() throws Exception {
        Path file = Files.writeString(dir.resolve("bad"), FILE_KEY + "\nshort\n");
        assertThatThrownBy(() -> TestServerConfig.of(Map.of("api_keys_file", file.toString())))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.problems()).singleElement().asString().startsWith("'api_keys[1]' in " + file + ":2: ");
                    assertThat(e.getMessage()).doesNotContain("short\n").doesNotContain(FILE_KEY);
                });
    }

    @Test
    void a_key_not_of_this_server_is_left_to_the_manager_and_an_unreachable_manager_is_503() throws Exception {
        java.util.List<String> asked = new java.util.ArrayList<>();
        ApiKeyAuth.Remote manager = key -> {
            asked.add(key);
            return switch (key) {
                case "wpk_good" -> ApiKeyAuth.Remote.Verdict.VALID;
                case "wpk_down" -> ApiKeyAuth.Remote.Verdict.UNAVAILABLE;
                default -> ApiKeyAuth.Remote.Verdict.INVALID;
            };
        };
        Path file = Files.writeString(dir.resolve("keys"), KEY + "\n");
        ApiKeyAuth auth = ApiKeyAuth.from(TestServerConfig.of(Map.of("api_keys_file", file.toString())), manager);
        assertThat(auth.checksWithManager()).isTrue();
        auth.check("ApiKey " + KEY);
        auth.check("Bearer wpk_good");
        assertUnauthorized(auth, "ApiKey wpk_bad", "invalid API key");
        assertThatThrownBy(() -> auth.check("ApiKey wpk_down")).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(503);
            assertThat(e.retryAfter()).isPositive();
            assertThat(e.getMessage()).contains("manager").doesNotContain("wpk_down");
        });
        assertThat(asked).as("the server's own keys never go to the manager").containsExactly("wpk_good", "wpk_bad",
                "wpk_down");
        // without keys of its own, a server with a manager is not closed
        ApiKeyAuth managerOnly = ApiKeyAuth.from(TestServerConfig.defaults(), manager);
        managerOnly.check("ApiKey wpk_good");
        assertUnauthorized(managerOnly, "ApiKey " + "x".repeat(300), "invalid API key");
    }

    private static void assertUnauthorized(ApiKeyAuth auth, String header, String message) {
        assertThatThrownBy(() -> auth.check(header)).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(401);
            assertThat(e.getMessage()).contains(message).doesNotContain(KEY);
        });
    }
}
