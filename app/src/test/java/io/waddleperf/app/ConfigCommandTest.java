package io.waddleperf.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.core.config.Secret;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ConfigCommandTest {

    record Output(int exit, String out, String err) {
    }

    static Output run(Map<String, String> env, String... args) {
        ConfigCommand cmd = new ConfigCommand();
        new CommandLine(cmd).parseArgs(args);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = cmd.run(env, new PrintWriter(out), new PrintWriter(err));
        return new Output(exit, out.toString(), err.toString());
    }

    @Test
    void prints_the_effective_testserver_configuration_with_secrets_masked(@TempDir Path dir) throws Exception {
        Path yml = Files.writeString(dir.resolve("ts.yml"), "http_port: 9000\nlimits: {per_client_burst: 3}\n");
        Output o = run(Map.of("WADDLEPERF_TESTSERVER_API_KEYS", "env-key-0123456789abcdef"), "testserver",
                "--config", yml.toString(), "--set", "bind=127.0.0.1");
        assertThat(o.exit()).isZero();
        assertThat(o.out()).contains("http_port = 9000\n", "bind = 127.0.0.1\n", "limits.per_client_burst = 3\n",
                "api_keys = " + Secret.MASK + "\n", "iperf3.port = 5201\n", "shutdown_timeout = 10s\n")
                .doesNotContain("env-key");
    }

    @Test
    void lists_every_key_with_default_and_environment_variable() {
        Output o = run(Map.of(), "testserver", "--keys");
        assertThat(o.exit()).isZero();
        assertThat(o.out()).containsPattern("(?m)^http_port +8080 +WADDLEPERF_TESTSERVER_HTTP_PORT$")
                .containsPattern("(?m)^api_keys_file +\\(none\\) +WADDLEPERF_TESTSERVER_API_KEYS_FILE$")
                .containsPattern("(?m)^limits.per_client_burst +10 +WADDLEPERF_TESTSERVER_LIMITS__PER_CLIENT_BURST$")
                .containsPattern("(?m)^api_keys .*never a flag");
    }

    @Test
    void an_invalid_configuration_exits_2_listing_every_problem() {
        Output o = run(Map.of("WADDLEPERF_TESTSERVER_HTTP_PORT", "70000"), "testserver", "--set", "limits.bogus=1");
        assertThat(o.exit()).isEqualTo(2);
        assertThat(o.err()).contains("'http_port' from environment variable WADDLEPERF_TESTSERVER_HTTP_PORT",
                "unknown key 'limits.bogus' from flag 'limits.bogus'");
    }

    @Test
    void names_the_known_programs_for_an_unknown_one() {
        Output o = run(Map.of(), "toaster");
        assertThat(o.exit()).isEqualTo(2);
        assertThat(o.err()).contains("unknown program 'toaster'; known: agent, manager, testserver");
        TestCommandIT.Run help = TestCommandIT.run("config", "--help");
        assertThat(help.out()).contains("PROGRAM", "testserver", "--keys");
    }
}
