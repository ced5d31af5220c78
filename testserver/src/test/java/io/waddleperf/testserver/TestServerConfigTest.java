package io.waddleperf.testserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waddleperf.core.config.ConfigException;
import io.waddleperf.core.config.ConfigLoader;
import io.waddleperf.core.config.Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;
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
        assertThat(c.shutdownTimeout()).isEqualTo(java.time.Duration.ofSeconds(10));
        assertThat(c.limits()).isEqualTo(new TestServerConfig.Limits(4, 60, 10, 32, null));
        assertThat(c.limits().maxTestDuration()).isEqualTo(java.time.Duration.ofMinutes(10));
        c.validate();
    }

    @Test
    void fills_defaults_for_missing_values_as_a_loader_leaves_them() {
        TestServerConfig c = new TestServerConfig(null, 9090, null, null, null, null, null, null, null, null, null, null,
                null, null, new TestServerConfig.Limits(null, 5, null, null, null), null, null, null);
        assertThat(c.httpPort()).isEqualTo(9090);
        assertThat(c.httpsPort()).isEqualTo(8443);
        assertThat(c.limits().perClientRequestsPerMinute()).isEqualTo(5);
        assertThat(c.dns().enabled()).isFalse();
        assertThat(c.dns().zone()).isEqualTo("waddleperf.test");
        assertThat(c.speed()).isEqualTo(io.waddleperf.testserver.speed.SpeedConfig.defaults());
        assertThat(c.iperf3().port()).isEqualTo(5201);
        assertThat(c.limits().perClientConcurrency()).isEqualTo(4);
    }

    @Test
    void is_immutable() {
        TestServerConfig c = TestServerConfig.builder().apiKey(KEY).build();
        assertThatThrownBy(() -> c.apiKeys().add(Secret.of("x"))).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void never_prints_api_keys() {
        TestServerConfig c = TestServerConfig.builder().apiKey(KEY).build();
        assertThat(c.toString()).doesNotContain(KEY).contains("api_keys=1 key(s)");
    }

    @Test
    void names_the_key_of_each_invalid_setting() {
        assertInvalid(b -> b.httpPort(70000), "http_port");
        assertInvalid(b -> b.httpsPort(-1), "https_port");
        assertInvalid(b -> b.httpPort(9000).httpsPort(9000), "https_port");
        assertInvalid(b -> b.udpEchoPort(65536), "udp_echo_port");
        assertInvalid(b -> b.bind("a b"), "bind");
        assertInvalid(b -> b.apiKey("short"), "api_keys[0]");
        assertInvalid(b -> b.apiKey(KEY).apiKey("has space in the key"), "api_keys[1]");
        assertInvalid(b -> b.apiKeyFile(dir.resolve("missing")), "api_key_file");
        assertInvalid(b -> b.authDisabled(true).apiKey(KEY), "auth_disabled");
        assertInvalid(b -> b.tls(dir.resolve("cert.pem"), null), "tls_key_file");
        assertInvalid(b -> b.tls(dir.resolve("cert.pem"), dir.resolve("key.pem")), "tls_cert_file");
        assertInvalid(b -> b.trustedProxy("10.0.0.0/99"), "trusted_proxies[0]");
        assertInvalid(b -> b.shutdownTimeout(java.time.Duration.ofMinutes(6)), "shutdown_timeout");
        assertInvalid(b -> b.limits(new TestServerConfig.Limits(0, null, null, null, null)), "limits.per_client_concurrency");
        assertInvalid(b -> b.limits(new TestServerConfig.Limits(null, 0, null, null, null)), "limits.per_client_requests_per_minute");
        assertInvalid(b -> b.limits(new TestServerConfig.Limits(null, null, 0, null, null)), "limits.per_client_burst");
        assertInvalid(b -> b.limits(new TestServerConfig.Limits(8, null, null, 4, null)), "limits.per_client_concurrency");
        assertInvalid(b -> b.limits(new TestServerConfig.Limits(null, null, null, null, java.time.Duration.ZERO)),
                "limits.max_test_duration");
    }

    @Test
    void keeps_a_malformed_key_out_of_the_error_message() {
        assertThatThrownBy(() -> TestServerConfig.builder().apiKey("secret with spaces").build().validate())
                .message().doesNotContain("secret");
    }

    @Test
    void accepts_port_zero_and_a_readable_key_file() throws Exception {
        Path keys = Files.writeString(dir.resolve("keys"), KEY + "\n");
        TestServerConfig.builder().httpPort(0).httpsPort(0).udpEchoPort(0).apiKeyFile(keys).trustedProxy("10.0.0.0/8")
                .build().validate();
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
        TestServerConfig c = ConfigLoader.of(TestServerConfig.class, "WADDLEPERF_TESTSERVER")
                .load(yaml, Map.of("WADDLEPERF_TESTSERVER_HTTPS_ENABLED", "false"), Map.of("bind", "127.0.0.1"));
        assertThat(c.httpPort()).isEqualTo(9080);
        assertThat(c.apiKeys()).containsExactly(Secret.of("yaml-key-0123456789abcdef"));
        assertThat(c.allowPrivateTargets()).isTrue();
        assertThat(c.shutdownTimeout()).isEqualTo(java.time.Duration.ofSeconds(2));
        assertThat(c.limits()).isEqualTo(new TestServerConfig.Limits(4, 60, 3, 32, null));
        assertThat(c.httpsEnabled()).isFalse();
        assertThat(c.bind()).isEqualTo("127.0.0.1");
        assertThat(ConfigLoader.describe(c)).doesNotContain("yaml-key");
        assertThat(ConfigLoader.of(TestServerConfig.class, "WADDLEPERF_TESTSERVER").defaults()).isEqualTo(TestServerConfig.defaults());
    }

    @Test
    void reports_every_loader_problem_by_key_path() throws Exception {
        Path yaml = Files.writeString(dir.resolve("bad.yml"), """
                http_prot: 1
                https_port: 99999
                limits:
                  global_concurrency: 0
                """);
        ConfigLoader<TestServerConfig> loader = ConfigLoader.of(TestServerConfig.class, "WADDLEPERF_TESTSERVER");
        assertThatThrownBy(() -> loader.load(yaml, Map.of(), Map.of()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(String.join("\n", e.problems()))
                        .contains("http_prot", "https_port", "limits.global_concurrency"));
        assertThatThrownBy(() -> loader.load(null, Map.of(), Map.of("api_keys", KEY)))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(String.join("\n", e.problems()))
                        .contains("api_keys", "secret").doesNotContain(KEY));
    }

    private static void assertInvalid(UnaryOperator<TestServerConfig.Builder> change, String key) {
        TestServerConfig c = change.apply(TestServerConfig.builder()).build();
        assertThatThrownBy(c::validate).isInstanceOfSatisfying(ConfigException.class,
                e -> assertThat(e.problems()).anyMatch(p -> p.startsWith(key + ": ")));
    }
}
