package io.waddleperf.testserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waddleperf.core.config.ConfigException;
import io.waddleperf.core.config.ConfigLoader;
import io.waddleperf.core.config.Secret;
import io.waddleperf.speed.SpeedConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestServerConfigTest {

    private static final String KEY = "0123456789abcdef-key";

    @TempDir
    Path dir;

    @Test
    void has_the_documented_defaults() {
        TestServerConfig c = TestServerConfig.defaults();
        assertThat(c.bind()).isEqualTo("0.0.0.0");
        assertThat(c.httpPort()).isEqualTo(8080);
        assertThat(c.httpsEnabled()).isTrue();
        assertThat(c.httpsPort()).isEqualTo(8443);
        assertThat(c.udpEchoPort()).isEqualTo(2000);
        assertThat(c.apiKeys()).isEmpty();
        assertThat(c.authDisabled()).isFalse();
        assertThat(c.authRequired()).isTrue();
        assertThat(c.allowPrivateTargets()).isFalse();
        assertThat(c.dataDir()).isEqualTo(Path.of("data"));
        assertThat(c.shutdownTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.limits()).isEqualTo(TestServerConfig.Limits.defaults());
        assertThat(c.limits().perClientConcurrency()).isEqualTo(4);
        assertThat(c.limits().perKeyConcurrency()).isEqualTo(16);
        assertThat(c.limits().maxTestDuration()).isEqualTo(Duration.ofMinutes(10));
        assertThat(c.dns().enabled()).isFalse();
        assertThat(c.dns().zone()).isEqualTo("waddleperf.test");
        assertThat(c.speed()).isEqualTo(SpeedConfig.defaults());
        assertThat(c.iperf3().port()).isEqualTo(5201);
        assertThat(c.validate()).isEqualTo(TestServerConfig.loader().defaults());
    }

    @Test
    void settings_from_code_go_over_the_defaults_section_by_section() {
        TestServerConfig c = TestServerConfig.of(Map.of("http_port", "9090", "limits.per_client_requests_per_minute",
                "5"));
        assertThat(c.httpPort()).isEqualTo(9090);
        assertThat(c.httpsPort()).isEqualTo(8443);
        assertThat(c.limits()).isEqualTo(LoopbackConfig.limits(4, 5, 10, 32, null));
    }

    @Test
    void is_immutable() {
        TestServerConfig c = TestServerConfig.of(Map.of("api_keys", KEY));
        assertThatThrownBy(() -> c.apiKeys().add(Secret.of("x"))).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void never_prints_api_keys() {
        TestServerConfig c = TestServerConfig.of(Map.of("api_keys", KEY));
        assertThat(c.toString()).doesNotContain(KEY).contains("apiKeys=[" + Secret.MASK + "]");
        assertThat(TestServerConfig.loader().print(c)).doesNotContain(KEY).contains("api_keys = " + Secret.MASK);
    }

    @Test
    void names_the_key_of_each_invalid_setting() {
        assertInvalid("http_port", "http_port", "70000");
        assertInvalid("https_port", "https_port", "-1");
        assertInvalid("https_port", "http_port", "9000", "https_port", "9000");
        assertInvalid("udp_echo_port", "udp_echo_port", "65536");
        assertInvalid("bind", "bind", "a b");
        assertInvalid("api_keys[0]", "api_keys", "short");
        assertInvalid("api_keys[1]", "api_keys", KEY + ",has space in the key");
        assertInvalid("api_keys_file", "api_keys_file", dir.resolve("missing").toString());
        assertInvalid("auth_disabled", "auth_disabled", "true", "api_keys", KEY);
        assertInvalid("tls_key_file", "tls_cert_file", dir.resolve("cert.pem").toString());
        assertInvalid("tls_cert_file", "tls_cert_file", dir.resolve("cert.pem").toString(), "tls_key_file",
                dir.resolve("key.pem").toString());
        assertInvalid("trusted_proxies[0]", "trusted_proxies", "10.0.0.0/99");
        assertInvalid("shutdown_timeout", "shutdown_timeout", "6m");
        assertInvalid("limits.per_client_concurrency", "limits.per_client_concurrency", "0");
        assertInvalid("limits.per_client_requests_per_minute", "limits.per_client_requests_per_minute", "0");
        assertInvalid("limits.per_client_burst", "limits.per_client_burst", "0");
        assertInvalid("limits.per_client_concurrency", "limits.per_client_concurrency", "8",
                "limits.global_concurrency", "4");
        assertInvalid("limits.max_test_duration", "limits.max_test_duration", "0s");
        assertInvalid("limits.per_key_concurrency", "limits.per_key_concurrency", "0");
        assertInvalid("limits.per_key_concurrency", "limits.per_key_concurrency", "100001");
        assertInvalid("limits.probe_max_bytes", "limits.probe_max_bytes", "100");
        assertInvalid("limits.per_client_bytes", "limits.per_client_bytes", "512K");
        assertInvalid("limits.per_key_bytes", "limits.per_key_bytes", "2M", "limits.probe_max_bytes", "4M");
        assertInvalid("limits.bytes_window", "limits.bytes_window", "25h");
        assertInvalid("udp_echo.rate_per_source", "udp_echo.rate_per_source", "-1");
        assertInvalid("udp_echo.burst_per_source", "udp_echo.burst_per_source", "0");
        assertInvalid("udp_echo.max_sources", "udp_echo.max_sources", "0");
    }

    @Test
    void checks_copies_made_in_code_like_a_load() {
        TestServerConfig copy = TestServerConfig.defaults()
                .withLimits(new TestServerConfig.Limits(0, null, null, null, null, null, null, null, null, null));
        assertThatThrownBy(copy::validate).isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                .containsExactly("'limits.per_client_concurrency': must be between 1 and 10000, got 0"));
    }

    @Test
    void keeps_a_malformed_key_out_of_the_error_message() {
        assertThatThrownBy(() -> TestServerConfig.of(Map.of("api_keys", "secret with spaces")))
                .message().doesNotContain("secret");
    }

    @Test
    void accepts_port_zero_and_a_readable_key_file() throws Exception {
        Path keys = Files.writeString(dir.resolve("keys"), KEY + "\n");
        TestServerConfig c = TestServerConfig.of(Map.of("http_port", "0", "https_port", "0", "udp_echo_port", "0",
                "api_keys_file", keys.toString(), "trusted_proxies", "10.0.0.0/8"));
        assertThat(c.apiKeys()).containsExactly(Secret.of(KEY));
    }

    @Test
    void loads_through_the_core_config_loader_from_yaml_and_environment() throws Exception {
        Path yaml = Files.writeString(dir.resolve("testserver.yml"), """
                http_port: 9080
                api_keys: [yaml-key-0123456789abcdef]
                allow_private_targets: true
                shutdown_timeout: 2s
                limits:
                  per_client_burst: 3
                """);
        TestServerConfig c = TestServerConfig.loader()
                .load(yaml, Map.of("WADDLEPERF_TESTSERVER_HTTPS_ENABLED", "false"), Map.of("bind", "127.0.0.1"));
        assertThat(c.httpPort()).isEqualTo(9080);
        assertThat(c.apiKeys()).containsExactly(Secret.of("yaml-key-0123456789abcdef"));
        assertThat(c.allowPrivateTargets()).isTrue();
        assertThat(c.shutdownTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.limits()).isEqualTo(LoopbackConfig.limits(4, 60, 3, 32, null));
        assertThat(c.httpsEnabled()).isFalse();
        assertThat(c.bind()).isEqualTo("127.0.0.1");
        assertThat(TestServerConfig.loader().print(c)).doesNotContain("yaml-key");
    }

    @Test
    void api_keys_come_from_the_environment_or_a_key_file_the_later_source_winning() throws Exception {
        Path keys = Files.writeString(dir.resolve("keys"), "# rotated 2026-01\nfile-key-0123456789\n");
        Path yaml = Files.writeString(dir.resolve("testserver.yml"), "api_keys_file: " + keys + "\n");
        ConfigLoader<TestServerConfig> loader = TestServerConfig.loader();

        assertThat(loader.load(yaml, Map.of(), Map.of()).apiKeys()).containsExactly(Secret.of("file-key-0123456789"));
        assertThat(loader.load(yaml, Map.of("WADDLEPERF_TESTSERVER_API_KEYS", KEY + "," + KEY + "2"), Map.of())
                .apiKeys()).containsExactly(Secret.of(KEY), Secret.of(KEY + "2"));
        assertThat(loader.load(null, Map.of("WADDLEPERF_TESTSERVER_API_KEYS", KEY),
                Map.of("api_keys_file", keys.toString())).apiKeys()).containsExactly(Secret.of("file-key-0123456789"));
    }

    @Test
    void reports_every_loader_problem_by_key_path() throws Exception {
        Path yaml = Files.writeString(dir.resolve("bad.yml"), """
                http_prot: 1
                https_port: 99999
                limits:
                  global_concurrency: 0
                """);
        ConfigLoader<TestServerConfig> loader = TestServerConfig.loader();
        assertThatThrownBy(() -> loader.load(yaml, Map.of(), Map.of()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactlyInAnyOrder(
                        "unknown key 'http_prot' in " + yaml + ":1 (did you mean 'http_port'?)",
                        "'https_port' in " + yaml + ":2: must be between 0 (any free port) and 65535, got 99999",
                        "'limits.global_concurrency' in " + yaml + ":4: must be between 1 and 100000, got 0",
                        "'limits.per_client_concurrency': exceeds global_concurrency 0"));
        assertThatThrownBy(() -> loader.load(null, Map.of(), Map.of("api_keys", KEY)))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(String.join("\n", e.problems()))
                        .contains("api_keys", "secret").doesNotContain(KEY));
    }

    private static void assertInvalid(String key, String... settings) {
        Map<String, String> map = new java.util.HashMap<>();
        for (int i = 0; i < settings.length; i += 2) {
            map.put(settings[i], settings[i + 1]);
        }
        assertThatThrownBy(() -> TestServerConfig.of(map)).isInstanceOfSatisfying(ConfigException.class,
                e -> assertThat(e.problems()).anyMatch(p -> p.startsWith("'" + key + "'")));
    }
}
