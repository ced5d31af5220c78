package io.waddleperf.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Strictness: every unknown key, wrong type and failed check is reported with its key path and source. */
class BinderTest {

    static final ConfigLoader<SampleConfig> LOADER = ConfigLoaderTest.LOADER;

    @TempDir
    Path dir;

    List<String> problems(String yaml, Map<String, String> env, Map<String, String> flags) throws IOException {
        Path file = null;
        if (yaml != null) {
            file = dir.resolve("x.yml");
            Files.writeString(file, yaml);
        }
        Path f = file;
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> LOADER.load(f, env, flags));
        assertThat(e).as("expected a ConfigException").isNotNull();
        assertThat(e.getMessage()).contains(e.problems().getFirst());
        return e.problems();
    }

    @Test
    void unknown_yaml_keys_are_named_by_full_path_file_and_line_with_a_suggestion() throws IOException {
        List<String> problems = problems("""
                http_port: 1
                limits:
                  max_concurent_tests: 2
                colour: blue
                """, Map.of(), Map.of());
        assertThat(problems).containsExactly(
                "unknown key 'colour' in " + dir.resolve("x.yml") + ":4",
                "unknown key 'limits.max_concurent_tests' in " + dir.resolve("x.yml")
                        + ":3 (did you mean 'max_concurrent_tests'?)");
    }

    @Test
    void unknown_keys_inside_list_items_and_map_values_are_named_too() throws IOException {
        List<String> problems = problems("""
                peers:
                  - name: a
                    url: http://a/
                    urll: http://b/
                sinks:
                  main:
                    timout: 1s
                """, Map.of(), Map.of());
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("unknown key 'peers[0].urll'")
                .endsWith("(did you mean 'url'?)"));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("unknown key 'sinks.main.timout'")
                .endsWith("(did you mean 'timeout'?)"));
    }

    @Test
    void unknown_environment_variables_with_the_prefix_are_errors_and_others_are_ignored() throws IOException {
        List<String> problems = problems(null, Map.of(
                "WADDLEPERF_SAMPLE_HTTP_PROT", "1",
                "WADDLEPERF_SAMPLE_LIMITS__NOPE", "1",
                "PATH", "/usr/bin",
                "WADDLEPERF_OTHER_HTTP_PORT", "x"), Map.of());
        assertThat(problems).containsExactly(
                "unknown key 'http_prot' from environment variable WADDLEPERF_SAMPLE_HTTP_PROT"
                        + " (did you mean 'http_port'?)",
                "unknown key 'limits.nope' from environment variable WADDLEPERF_SAMPLE_LIMITS__NOPE");
    }

    @Test
    void unknown_flags_are_named_by_path() throws IOException {
        List<String> problems = problems(null, Map.of(), Map.of("tls.enable", "true", "a..b", "1"));
        assertThat(problems).containsExactly(
                "flag 'a..b' is not a key path (snake_case keys separated by '.')",
                "unknown key 'tls.enable' from flag 'tls.enable' (did you mean 'enabled'?)");
    }

    @Test
    void wrong_types_name_the_path_the_source_and_the_expected_type() throws IOException {
        List<String> problems = problems("""
                http_port: eighty
                allow_private_targets: yes
                mode: sctp
                tls: on
                cors_origins: a,b
                extra_ports: [1, x]
                """, Map.of("WADDLEPERF_SAMPLE_IDLE_TIMEOUT", "-5s"),
                Map.of("max_body_bytes", "64Kb", "overhead_factor", "NaN",
                        "limits.max_concurrent_tests", "99999999999"));
        String file = dir.resolve("x.yml").toString();
        assertThat(problems).containsExactlyInAnyOrder(
                "'http_port' in " + file + ":1: expected an integer from -2147483648 to 2147483647, got 'eighty'",
                "'allow_private_targets' in " + file + ":2: expected true or false, got 'yes'",
                "'mode' in " + file + ":3: expected one of tcp, udp, udp_raw, got 'sctp'",
                "'tls' in " + file + ":4: expected a mapping of keys, got 'on'",
                "'cors_origins' in " + file + ":5: expected a list, got 'a,b'",
                "'extra_ports[1]' in " + file + ":6: expected an integer from -2147483648 to 2147483647, got 'x'",
                "'idle_timeout' from environment variable WADDLEPERF_SAMPLE_IDLE_TIMEOUT: invalid duration '-5s':"
                        + " negative values are not allowed; expected a non-negative number followed by ns, us (or"
                        + " \u00b5s), ms, s, m, h or d (24h), parts combined from largest to smallest unit (250us, 5ms,"
                        + " 1.5s, 2m, 1h30m, 7d); a bare number means seconds (10, 0.5)",
                "'max_body_bytes' from flag 'max_body_bytes': invalid size '64Kb': 'b' means bits, sizes take B;"
                        + " expected a non-negative number of bytes with an optional binary multiplier K, M, G, T, P"
                        + " or E (1024^n, any case) optionally followed by B or iB (64, 64B, 64K, 64KB, 64KiB, 1.5M)",
                "'overhead_factor' from flag 'overhead_factor': expected a number, got 'NaN'",
                "'limits.max_concurrent_tests' from flag 'limits.max_concurrent_tests': expected an integer from"
                        + " -2147483648 to 2147483647, got '99999999999'");
    }

    @Test
    void validation_problems_of_every_record_are_collected_with_their_source() throws IOException {
        List<String> problems = problems("""
                http_port: 0
                tls:
                  enabled: true
                """, Map.of("WADDLEPERF_SAMPLE_LIMITS__MAX_CONCURRENT_TESTS", "0"),
                Map.of("limits.max_duration", "2h", "overhead_factor", "0.5"));
        String file = dir.resolve("x.yml").toString();
        assertThat(problems).containsExactlyInAnyOrder(
                "'tls.cert_file': is required when tls is enabled",
                "'limits.max_concurrent_tests' from environment variable"
                        + " WADDLEPERF_SAMPLE_LIMITS__MAX_CONCURRENT_TESTS: must be at least 1, got 0",
                "'limits.max_duration' from flag 'limits.max_duration': must be at most 1h",
                "'http_port' in " + file + ":1: must be between 1 and 65535, got 0",
                "'overhead_factor' from flag 'overhead_factor': must be at least 1, got 0.5");
    }

    @Test
    void an_exception_from_a_compact_constructor_is_a_problem() throws IOException {
        assertThat(problems("bind_address: ' '\n", Map.of(), Map.of()))
                .containsExactly("configuration: bind_address must not be blank");
    }

    @Test
    void problems_from_all_sources_are_reported_together() throws IOException {
        List<String> problems = problems("htp_port: 1\n", Map.of("WADDLEPERF_SAMPLE_HTTP_PORT", "x"),
                Map.of("mode", "sctp"));
        assertThat(problems).hasSize(3);
    }

    @Test
    void a_secret_is_refused_as_a_flag_but_read_from_yaml_and_env() throws IOException {
        assertThat(problems(null, Map.of(), Map.of("api_key", "hunter2")))
                .singleElement().asString()
                .startsWith("'api_key' from flag 'api_key': a secret cannot be given as a flag")
                .doesNotContain("hunter2");

        Path file = dir.resolve("s.yml");
        Files.writeString(file, "tls:\n  key_password: from-file\n");
        SampleConfig config = LOADER.load(file, Map.of("WADDLEPERF_SAMPLE_API_KEY", "from-env"), Map.of());
        assertThat(config.apiKey().reveal()).isEqualTo("from-env");
        assertThat(config.tls().keyPassword().reveal()).isEqualTo("from-file");
    }

    @Test
    void a_list_of_records_cannot_be_written_in_env_or_flags() throws IOException {
        assertThat(problems(null, Map.of("WADDLEPERF_SAMPLE_PEERS", "a,b"), Map.of())).containsExactly(
                "'peers' from environment variable WADDLEPERF_SAMPLE_PEERS: a list of mappings can only be written"
                        + " in the YAML file");
    }

    @Test
    void nulls_are_refused_for_primitives_and_inside_lists_and_maps() throws IOException {
        assertThat(problems("http_port: ~\ncors_origins: [a, ~]\nweights: {x: ~}\n", Map.of(), Map.of()))
                .containsExactlyInAnyOrder(
                        "'http_port' in " + dir.resolve("x.yml") + ":1: expected an integer from -2147483648 to"
                                + " 2147483647, got null",
                        "'cors_origins[1]' in " + dir.resolve("x.yml") + ":2: null is not allowed in a list",
                        "'weights.x' in " + dir.resolve("x.yml") + ":3: null is not allowed as a map value");
    }

    @Test
    void a_value_set_twice_or_as_both_value_and_section_is_a_problem() throws IOException {
        assertThat(problems(null, Map.of("WADDLEPERF_SAMPLE_LIMITS_MAX_DURATION", "1s",
                "WADDLEPERF_SAMPLE_LIMITS__MAX_DURATION", "2s"), Map.of())).containsExactly(
                "'limits.max_duration' is set twice: from environment variable WADDLEPERF_SAMPLE_LIMITS_MAX_DURATION"
                        + " and from environment variable WADDLEPERF_SAMPLE_LIMITS__MAX_DURATION");
        assertThat(problems(null, Map.of(), Map.of("tls", "x", "tls.enabled", "true"))).containsExactly(
                "'tls' is set as a value from flag 'tls' and has keys below it from flag 'tls.enabled'",
                "'tls' from flag 'tls': expected a mapping of keys, got 'x'");
    }
}
