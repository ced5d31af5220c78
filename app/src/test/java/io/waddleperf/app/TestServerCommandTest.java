package io.waddleperf.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waddleperf.core.config.ConfigException;
import io.waddleperf.core.config.Secret;
import io.waddleperf.testserver.TestServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class TestServerCommandTest {

    static TestServerCommand parse(String... args) {
        TestServerCommand cmd = new TestServerCommand();
        new CommandLine(cmd).parseArgs(args);
        return cmd;
    }

    @Test
    void flags_map_to_configuration_keys_and_win_over_file_and_environment(@TempDir Path dir) throws Exception {
        Path yml = dir.resolve("ts.yml");
        Files.writeString(yml, "http_port: 9000\nudp_echo_port: 2100\nbind: 127.0.0.1\n");
        Path keys = Files.writeString(dir.resolve("keys"), "0123456789abcdef0123\n");
        TestServerCommand cmd = parse("--config", yml.toString(), "--http-port", "9001", "--no-https",
                "--allow-private-targets", "--api-key-file", keys.toString(), "--dns-port", "0",
                "--set", "limits.per_client_concurrency=2", "--iperf3-port", "5301", "--iperf3-max-tests", "3");
        TestServerConfig c = cmd.loadConfig(Map.of("WADDLEPERF_TESTSERVER_UDP_ECHO_PORT", "2200"));
        assertThat(c.httpPort()).isEqualTo(9001);
        assertThat(c.udpEchoPort()).isEqualTo(2200);
        assertThat(c.bind()).isEqualTo("127.0.0.1");
        assertThat(c.httpsEnabled()).isFalse();
        assertThat(c.allowPrivateTargets()).isTrue();
        assertThat(c.apiKeys()).containsExactly(Secret.of("0123456789abcdef0123"));
        assertThat(c.dns().enabled()).isTrue();
        assertThat(c.limits().perClientConcurrency()).isEqualTo(2);
        assertThat(c.iperf3().enabled()).isTrue();
        assertThat(c.iperf3().port()).isEqualTo(5301);
        assertThat(c.iperf3().maxTests()).isEqualTo(3);
        assertThat(parse("--no-iperf3").loadConfig(Map.of()).iperf3().enabled()).isFalse();
        assertThat(c.toString()).doesNotContain("0123456789abcdef0123");
    }

    @Test
    void without_flags_the_file_and_environment_stand(@TempDir Path dir) throws Exception {
        Path yml = Files.writeString(dir.resolve("ts.yml"), "https_enabled: false\nallow_private_targets: true\n");
        TestServerConfig c = parse("--config", yml.toString()).loadConfig(Map.of(
                "WADDLEPERF_TESTSERVER_API_KEYS", "env-key-0123456789abcdef", "WADDLEPERF_TESTSERVER_HTTP_PORT", "9100"));
        assertThat(c).isEqualTo(TestServerConfig.of(Map.of("https_enabled", "false", "allow_private_targets", "true",
                "api_keys", "env-key-0123456789abcdef", "http_port", "9100")));
    }

    @Test
    void unknown_keys_short_keys_and_secrets_as_flags_are_errors_naming_them(@TempDir Path dir) throws Exception {
        Path yml = dir.resolve("ts.yml");
        Files.writeString(yml, "htp_port: 9000\n");
        assertThatThrownBy(() -> parse("--config", yml.toString()).loadConfig(Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("htp_port");
        Path keys = Files.writeString(dir.resolve("keys"), "short\n");
        assertThatThrownBy(() -> parse("--api-key-file", keys.toString()).loadConfig(Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'api_keys[0]' in " + keys + ":1");
        assertThatThrownBy(() -> parse().loadConfig(Map.of("WADDLEPERF_TESTSERVER_API_KEYS", "short")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("api_keys[0]");
        assertThatThrownBy(() -> parse("--set", "limits.bogus=1").loadConfig(Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("limits.bogus");
        assertThatThrownBy(() -> parse("--set", "api_keys=0123456789abcdef0123").loadConfig(Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("secret cannot be given as a flag")
                .hasMessageNotContaining("0123456789abcdef0123");
    }

    @Test
    void has_no_flag_for_a_secret() {
        TestCommandIT.Run r = TestCommandIT.run("testserver", "--api-key", "0123456789abcdef0123");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--api-key");
    }

    @Test
    void bad_configuration_exits_2_with_the_problem_named() {
        TestCommandIT.Run r = TestCommandIT.run("testserver", "--http-port", "70000", "--no-https");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("http_port");
    }

    @Test
    void has_help() {
        TestCommandIT.Run r = TestCommandIT.run("testserver", "--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("--api-key-file", "--allow-private-targets", "--udp-echo-port", "--data-dir",
                "--config", "--bind");
    }
}
