package io.waddleperf.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.waddleperf.core.result.Json;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.manager.ManagerServer;
import io.waddleperf.testkit.RequiresCommand;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code waddleperf manager} and {@code manager create-admin} as an operator uses them, and the sequence
 * docs/MANAGER.md walks through — start, create an admin, log in with curl, upload a result, read it back — with the
 * real HTTP server and the real curl.
 */
class ManagerCommandIT {

    private static final String PASSWORD = "a long admin password";

    record Run(int exit, String out, String err) {
    }

    static Run createAdmin(Map<String, String> env, String stdin, String... args) {
        CreateAdminCommand cmd = new CreateAdminCommand();
        new CommandLine(cmd).parseArgs(args);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = cmd.run(env, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), null,
                new PrintWriter(out), new PrintWriter(err));
        return new Run(exit, out.toString(), err.toString());
    }

    static ManagerServer startManager(String... args) {
        ManagerCommand cmd = new ManagerCommand();
        new CommandLine(cmd).parseArgs(args);
        return cmd.start(Map.of());
    }

    @Test
    void create_admin_takes_the_password_from_stdin_or_the_environment_and_refuses_bad_input(@TempDir Path dir) {
        String dataDir = dir.toString();
        Run fromStdin = createAdmin(Map.of(), PASSWORD + "\n", "--username", "admin", "--data-dir", dataDir);
        assertThat(fromStdin.exit()).as(fromStdin.err()).isZero();
        assertThat(fromStdin.out()).contains("created global_admin 'admin'");
        assertThat(dir.resolve("manager.mv.db")).exists();

        Run fromEnv = createAdmin(Map.of(CreateAdminCommand.PASSWORD_ENV, PASSWORD), "", "--username", "second", "--data-dir", dataDir);
        assertThat(fromEnv.exit()).as(fromEnv.err()).isZero();

        Run taken = createAdmin(Map.of(), PASSWORD + "\n", "--username", "admin", "--data-dir", dataDir);
        assertThat(taken.exit()).isEqualTo(2);
        assertThat(taken.err()).contains("'admin' is taken");
        Run shortPassword = createAdmin(Map.of(), "short\n", "--username", "third", "--data-dir", dataDir);
        assertThat(shortPassword.exit()).isEqualTo(2);
        assertThat(shortPassword.err()).contains("password must be");
        Run none = createAdmin(Map.of(), "", "--username", "fourth", "--data-dir", dataDir);
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.err()).contains("no password");
        Run badKey = createAdmin(Map.of("WADDLEPERF_MANAGER_PROT", "1"), PASSWORD + "\n", "--username", "fifth", "--data-dir", dataDir);
        assertThat(badKey.exit()).isEqualTo(2);
        assertThat(badKey.err()).contains("WADDLEPERF_MANAGER_PROT");
    }

    @Test
    void an_unreachable_database_exits_3_naming_it(@TempDir Path dir) {
        Run r = createAdmin(Map.of(), PASSWORD + "\n", "--username", "admin", "--db", "jdbc:mariadb://127.0.0.1:1/none",
                "--set", "db.connect_timeout=1s");
        assertThat(r.exit()).as(r.err()).isEqualTo(3);
        assertThat(r.err()).contains("cannot connect to the database at jdbc:mariadb://127.0.0.1:1/none");
    }

    @Test
    void a_port_in_use_exits_2_naming_the_port(@TempDir Path dir) throws Exception {
        try (java.net.ServerSocket busy = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            StringWriter err = new StringWriter();
            CommandLine cl = WaddlePerf.commandLine("manager");
            cl.setErr(new PrintWriter(err));
            int exit = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(60), () ->
                    cl.execute("manager", "--bind", "127.0.0.1", "--port", Integer.toString(busy.getLocalPort()),
                            "--data-dir", dir.toString()));
            assertThat(exit).as(err.toString()).isEqualTo(2);
            assertThat(err.toString()).contains("cannot listen", Integer.toString(busy.getLocalPort()));
        }
    }

    @Test
    void the_subcommand_is_in_the_tree_with_its_create_admin_child() {
        CommandLine cl = WaddlePerf.commandLine("manager");
        assertThat(cl.getSubcommands().get("manager").getSubcommands()).containsKey("create-admin");
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out));
        assertThat(cl.execute("manager", "--help")).isZero();
        assertThat(out.toString()).contains("--port", "--bind", "--db", "--data-dir", "--config", "create-admin");
    }

    @Test
    @RequiresCommand("curl")
    void the_documented_quick_start_works_with_curl(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        assertThat(createAdmin(Map.of(), PASSWORD + "\n", "--username", "admin", "--data-dir", data.toString()).exit()).isZero();
        try (ManagerServer m = startManager("--bind", "127.0.0.1", "--port", "0", "--data-dir", data.toString())) {
            String base = "http://127.0.0.1:" + m.port();
            JsonNode login = json(curl("-s", "-H", "Content-Type: application/json",
                    "-d", "{\"username\":\"admin\",\"password\":\"" + PASSWORD + "\"}", base + "/api/v1/auth/login"));
            String token = login.get("token").asText();
            assertThat(token).startsWith("wps_");

            // a result as `waddleperf test --json` prints it
            Path result = dir.resolve("result.json");
            Files.writeString(result, """
                    {"id":"01936f3e-7a10-7c3e-9d2a-3b9c0a1e5f00","test_type":"tcp","target":"tcp://192.0.2.10:443",
                     "target_host":"192.0.2.10","target_ip":"192.0.2.10","target_port":443,
                     "started_at":"2026-01-15T09:30:00.000123Z","duration_ms":48.2,"success":true,"source":"cli",
                     "latency_ms":11.9,"min_latency_ms":11.2,"max_latency_ms":13.1,"packets_sent":4,"packets_received":4,
                     "packet_loss_percent":0.0}
                    """);
            JsonNode stored = json(curl("-s", "-H", "Authorization: Bearer " + token, "-H", "Content-Type: application/json",
                    "--data-binary", "@" + result, base + "/api/v1/results"));
            assertThat(stored.get("status").asText()).isEqualTo("stored");
            JsonNode again = json(curl("-s", "-H", "Authorization: Bearer " + token, "-H", "Content-Type: application/json",
                    "--data-binary", "@" + result, base + "/api/v1/results"));
            assertThat(again.get("status").asText()).isEqualTo("duplicate");

            JsonNode back = json(curl("-s", "-H", "Authorization: Bearer " + token,
                    base + "/api/v1/results/01936f3e-7a10-7c3e-9d2a-3b9c0a1e5f00"));
            ProbeResult expected = Json.readResult(Files.readString(result));
            assertThat(Json.readResult(back.toString())).isEqualTo(expected);
            JsonNode recent = json(curl("-s", "-H", "Authorization: Bearer " + token, base + "/api/v1/results?limit=10"));
            assertThat(recent).hasSize(1);
            JsonNode summary = json(curl("-s", "-H", "Authorization: Bearer " + token,
                    base + "/api/v1/statistics/summary?from=2026-01-15T00:00:00Z&to=2026-01-16T00:00:00Z"));
            assertThat(summary.get("groups").get(0).get("count").asInt()).isEqualTo(1);
            assertThat(curl("-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "-H", "Authorization: Bearer " + token,
                    base + "/api/v1/auth/logout")).isEqualTo("204");
        }
    }

    @Test
    @RequiresCommand("curl")
    void https_port_serves_https_with_a_self_signed_certificate_curl_trusts_when_told(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        assertThat(createAdmin(Map.of(), PASSWORD + "\n", "--username", "admin", "--data-dir", data.toString()).exit()).isZero();
        try (ManagerServer m = startManager("--bind", "127.0.0.1", "--port", "0", "--https-port", "0", "--data-dir",
                data.toString())) {
            Path cert = data.resolve("tls").resolve(io.waddleperf.tls.SelfSignedCertificate.CERT_FILE);
            assertThat(cert).isRegularFile();
            assertThat(data.resolve("secret.key")).isRegularFile();
            String https = "https://localhost:" + m.httpsPort().orElseThrow();
            String headers = curl("-s", "-D", "-", "-o", "/dev/null", "--cacert", cert.toString(), "-H", "Content-Type: application/json",
                    "-d", "{\"username\":\"admin\",\"password\":\"" + PASSWORD + "\"}", https + "/api/v1/auth/web-login");
            assertThat(headers).startsWith("HTTP/1.1 200").containsIgnoringCase("strict-transport-security: max-age=31536000")
                    .containsPattern("(?i)set-cookie: wp_session=wps_[^\\r]*HttpOnly; SameSite=Strict; Secure");
            String plain = curl("-s", "-D", "-", "-o", "/dev/null", "http://127.0.0.1:" + m.port() + "/health");
            assertThat(plain).startsWith("HTTP/1.1 200").doesNotContainIgnoringCase("strict-transport-security");
        }
    }

    private static JsonNode json(String text) throws IOException {
        return Json.mapper().readTree(text);
    }

    private static String curl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("curl", "--max-time", "20"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("curl %s: %s", cmd, new String(p.getErrorStream().readAllBytes())).isZero();
        return out;
    }
}
