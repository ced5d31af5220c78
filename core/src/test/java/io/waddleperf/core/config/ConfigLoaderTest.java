package io.waddleperf.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    static final ConfigLoader<SampleConfig> LOADER = ConfigLoader.of(SampleConfig.class, "WADDLEPERF_SAMPLE");

    @TempDir
    Path dir;

    Path yaml(String text) throws IOException {
        Path file = dir.resolve("config.yml");
        Files.writeString(file, text);
        return file;
    }

    @Test
    void without_sources_gives_the_records_defaults() {
        assertThat(LOADER.defaults()).isEqualTo(SampleConfig.defaults());
        assertThat(LOADER.load(null, Map.of(), Map.of())).isEqualTo(SampleConfig.defaults());
    }

    @Test
    void an_empty_or_comment_only_file_gives_the_defaults() throws IOException {
        assertThat(LOADER.load(yaml(""), Map.of(), Map.of())).isEqualTo(SampleConfig.defaults());
        assertThat(LOADER.load(yaml("# nothing set\n---\n"), Map.of(), Map.of())).isEqualTo(SampleConfig.defaults());
    }

    @Test
    void later_sources_win_defaults_then_yaml_then_env_then_flags() throws IOException {
        Path file = yaml("""
                http_port: 1001
                bind_address: 10.0.0.1
                idle_timeout: 5s
                mode: udp
                """);
        Map<String, String> env = Map.of(
                "WADDLEPERF_SAMPLE_HTTP_PORT", "1002",
                "WADDLEPERF_SAMPLE_IDLE_TIMEOUT", "6s");
        Map<String, String> flags = Map.of("http_port", "1003");

        SampleConfig config = LOADER.load(file, env, flags);

        assertThat(config.httpPort()).isEqualTo(1003);
        assertThat(config.idleTimeout()).isEqualTo(Duration.ofSeconds(6));
        assertThat(config.bindAddress()).isEqualTo("10.0.0.1");
        assertThat(config.mode()).isEqualTo(SampleConfig.Mode.UDP);
        assertThat(config.maxBodyBytes()).isEqualTo(SampleConfig.defaults().maxBodyBytes());
    }

    @Test
    void nested_records_merge_key_by_key_over_their_defaults() throws IOException {
        Path file = yaml("""
                tls:
                  enabled: true
                  cert_file: /etc/waddleperf/cert.pem
                limits:
                  max_concurrent_tests: 4
                """);
        SampleConfig config = LOADER.load(file, Map.of("WADDLEPERF_SAMPLE_LIMITS__MAX_DURATION", "90s"),
                Map.of("limits.max_upload_bytes", "10M"));

        assertThat(config.tls()).isEqualTo(new SampleConfig.Tls(true, Path.of("/etc/waddleperf/cert.pem"), null));
        assertThat(config.limits()).isEqualTo(new SampleConfig.Limits(4, Duration.ofSeconds(90), 10L * 1024 * 1024));
    }

    @Test
    void durations_sizes_and_rates_use_the_unit_syntax_in_every_source() throws IOException {
        Path file = yaml("""
                idle_timeout: 1.5
                max_body_bytes: 64K
                max_rate_bits_per_second: 100M
                limits:
                  max_duration: 2m
                """);
        SampleConfig fromYaml = LOADER.load(file, Map.of(), Map.of());
        assertThat(fromYaml.idleTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(fromYaml.maxBodyBytes()).isEqualTo(65536);
        assertThat(fromYaml.maxRateBitsPerSecond()).isEqualTo(100_000_000L);
        assertThat(fromYaml.limits().maxDuration()).isEqualTo(Duration.ofMinutes(2));

        SampleConfig fromEnv = LOADER.load(null, Map.of(
                "WADDLEPERF_SAMPLE_IDLE_TIMEOUT", "250ms",
                "WADDLEPERF_SAMPLE_MAX_BODY_BYTES", "1.5MiB",
                "WADDLEPERF_SAMPLE_MAX_RATE_BITS_PER_SECOND", "1.5Gbps"), Map.of());
        assertThat(fromEnv.idleTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(fromEnv.maxBodyBytes()).isEqualTo(1572864);
        assertThat(fromEnv.maxRateBitsPerSecond()).isEqualTo(1_500_000_000L);

        SampleConfig fromFlags = LOADER.load(null, Map.of(), Map.of(
                "idle_timeout", "1h30m", "max_body_bytes", "128", "max_rate_bits_per_second", "64K"));
        assertThat(fromFlags.idleTimeout()).isEqualTo(Duration.ofMinutes(90));
        assertThat(fromFlags.maxBodyBytes()).isEqualTo(128);
        assertThat(fromFlags.maxRateBitsPerSecond()).isEqualTo(64_000);
    }

    @Test
    void lists_come_from_yaml_lists_or_comma_separated_env_and_flags() throws IOException {
        Path file = yaml("""
                cors_origins:
                  - https://a.example
                  - https://b.example
                extra_ports: [5201, 5202]
                """);
        SampleConfig fromYaml = LOADER.load(file, Map.of(), Map.of());
        assertThat(fromYaml.corsOrigins()).containsExactly("https://a.example", "https://b.example");
        assertThat(fromYaml.extraPorts()).containsExactly(5201, 5202);

        SampleConfig fromEnv = LOADER.load(file,
                Map.of("WADDLEPERF_SAMPLE_CORS_ORIGINS", "https://c.example, https://d.example"),
                Map.of("extra_ports", "7,8,9"));
        assertThat(fromEnv.corsOrigins()).containsExactly("https://c.example", "https://d.example");
        assertThat(fromEnv.extraPorts()).containsExactly(7, 8, 9);

        assertThat(LOADER.load(file, Map.of(), Map.of("cors_origins", "")).corsOrigins()).isEmpty();
    }

    @Test
    void lists_of_records_are_read_from_yaml_with_every_key_required() throws IOException {
        Path file = yaml("""
                peers:
                  - name: east
                    url: http://10.0.0.1:8080/
                  - name: west
                    url: http://10.0.0.2:8080/
                """);
        assertThat(LOADER.load(file, Map.of(), Map.of()).peers()).containsExactly(
                new SampleConfig.Peer("east", URI.create("http://10.0.0.1:8080/")),
                new SampleConfig.Peer("west", URI.create("http://10.0.0.2:8080/")));

        assertThatThrownBy(() -> LOADER.load(yaml("peers:\n  - name: east\n"), Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("missing key 'peers[0].url' (a URI)");
    }

    @Test
    void map_entries_merge_with_default_entries_and_new_entries_start_from_the_value_defaults() throws IOException {
        Path file = yaml("""
                weights:
                  b: 2
                sinks:
                  main:
                    timeout: 1s
                  backup:
                    url: http://10.0.0.9/
                """);
        SampleConfig config = LOADER.load(file, Map.of("WADDLEPERF_SAMPLE_WEIGHTS__C", "3"),
                Map.of("sinks.backup.timeout", "2s"));

        assertThat(config.weights()).isEqualTo(Map.of("a", 1, "b", 2, "c", 3));
        assertThat(config.sinks()).isEqualTo(Map.of(
                "main", new SampleConfig.Sink(URI.create("http://127.0.0.1:5000/"), Duration.ofSeconds(1)),
                "backup", new SampleConfig.Sink(URI.create("http://10.0.0.9/"), Duration.ofSeconds(2))));
    }

    @Test
    void yaml_null_clears_a_nullable_component() throws IOException {
        Path file = yaml("overhead_factor: 1.04\n");
        assertThat(LOADER.load(file, Map.of(), Map.of()).overheadFactor()).isEqualTo(1.04);
        assertThat(LOADER.load(yaml("overhead_factor: ~\ntls: null\n"), Map.of(), Map.of()))
                .satisfies(c -> assertThat(c.overheadFactor()).isNull())
                .satisfies(c -> assertThat(c.tls()).isNull());
    }

    @Test
    void quoted_yaml_scalars_and_any_case_enums_are_accepted() throws IOException {
        SampleConfig config = LOADER.load(yaml("http_port: \"9000\"\nmode: UDP_RAW\nallow_private_targets: 'true'\n"),
                Map.of("WADDLEPERF_SAMPLE_MODE", "Udp_Raw"), Map.of());
        assertThat(config.httpPort()).isEqualTo(9000);
        assertThat(config.mode()).isEqualTo(SampleConfig.Mode.UDP_RAW);
        assertThat(config.allowPrivateTargets()).isTrue();
    }

    @Test
    void the_result_is_immutable() throws IOException {
        SampleConfig config = LOADER.load(yaml("cors_origins: [a]\nweights: {x: 1}\n"), Map.of(), Map.of());
        assertThatThrownBy(() -> config.corsOrigins().add("b")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> config.weights().put("y", 2)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void a_missing_file_is_an_error_naming_it() {
        Path missing = dir.resolve("nope.yml");
        assertThatThrownBy(() -> LOADER.load(missing, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("config file not found: " + missing);
    }

    @Test
    void reloading_is_loading_again() throws IOException {
        Path file = yaml("http_port: 1001\n");
        SampleConfig first = LOADER.load(file, Map.of(), Map.of());
        Files.writeString(file, "http_port: 1002\n");
        assertThat(LOADER.load(file, Map.of(), Map.of()).httpPort()).isEqualTo(1002);
        Files.writeString(file, "http_port: nope\n");
        assertThatThrownBy(() -> LOADER.load(file, Map.of(), Map.of())).isInstanceOf(ConfigException.class);
        assertThat(first.httpPort()).isEqualTo(1001);
    }

    @Test
    void names_keys_and_env_variables_for_help_and_docs() {
        assertThat(LOADER.envName("tls.cert_file")).isEqualTo("WADDLEPERF_SAMPLE_TLS__CERT_FILE");
        assertThat(LOADER.keyPaths()).contains("http_port", "tls", "tls.cert_file", "limits.max_duration", "sinks")
                .doesNotContain("sinks.main");
    }

    record Unsupported(Object anything) {
    }

    record WrongUnit(@Bytes int size) {
    }

    record RawList(@SuppressWarnings("rawtypes") List items) {
    }

    @Test
    void refuses_record_types_it_cannot_fill_when_made() {
        assertThatThrownBy(() -> ConfigLoader.of(Unsupported.class, "X"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'anything'");
        assertThatThrownBy(() -> ConfigLoader.of(WrongUnit.class, "X"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("@Bytes");
        assertThatThrownBy(() -> ConfigLoader.of(RawList.class, "X"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("raw List");
        assertThatThrownBy(() -> ConfigLoader.of(SampleConfig.class, "lower"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prefix");
    }

    @Test
    void a_record_without_defaults_requires_every_key() {
        record Required(int port, String name) {
        }
        ConfigLoader<Required> loader = ConfigLoader.of(Required.class, "REQ");
        assertThat(loader.load(null, Map.of("REQ_PORT", "1", "REQ_NAME", "x"), Map.of()))
                .isEqualTo(new Required(1, "x"));
        assertThatThrownBy(loader::defaults).isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactly(
                        "missing key 'port' (an integer from -2147483648 to 2147483647)",
                        "missing key 'name' (a string)"));
    }
}
