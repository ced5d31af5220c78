package io.waddleperf.app.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.testkit.RequiresCommand;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What `./mvnw package` and packaging/deb/build.sh produce, used the way an administrator would: the release folder's
 * launcher runs the jar; the .deb holds its files in Debian's places (dpkg-deb --info/--contents), and once unpacked
 * into a throwaway root (never into this machine's system) its /usr/bin/waddleperf runs and its test server starts
 * from the packaged example configuration and answers /health; the systemd units pass systemd-analyze verify and its
 * offline security review.
 *
 * <p>Runs after the package phase (the app module's surefire execution "packaging-tests"): it needs the runnable jar.
 */
@RequiresCommand(value = "dpkg-deb", apt = "dpkg")
class PackagingIT {

    private static final Path ROOT = DeploymentManifestsTest.repositoryRoot();
    private static final Path TARGET = ROOT.resolve("app/target");
    private static final Path JAR = TARGET.resolve("waddleperf.jar");
    private static final String VERSION = System.getProperty("waddleperf.version", "");
    private static final String JAVA_HOME = System.getProperty("java.home");
    private static final List<String> PROGRAMS = List.of("testserver", "manager", "agent");

    record Run(int exit, String out) {
    }

    @TempDir
    static Path work;

    private static Path deb;
    private static Path root;

    @BeforeAll
    static void buildAndUnpackTheDeb() throws Exception {
        assertThat(VERSION).as("the build passes waddleperf.version").isNotEmpty();
        assertThat(JAR).as("the runnable jar: run ./mvnw -pl app -am package first").isRegularFile();
        Run built = run(work, Map.of(), "sh", ROOT.resolve("packaging/deb/build.sh").toString(), VERSION,
                JAR.toString(), work.resolve("out").toString());
        assertThat(built.exit()).as(built.out()).isZero();
        deb = Path.of(built.out().strip().lines().reduce((a, b) -> b).orElseThrow());
        assertThat(deb).isRegularFile().hasFileName("waddleperf_" + VERSION.replace('-', '~') + "_all.deb");
        root = work.resolve("root");
        Run x = run(work, Map.of(), "dpkg-deb", "-x", deb.toString(), root.toString());
        assertThat(x.exit()).as(x.out()).isZero();
    }

    @Test
    void the_deb_describes_itself_and_holds_its_files_in_the_debian_places() throws Exception {
        Run info = run(work, Map.of(), "dpkg-deb", "--info", deb.toString());
        assertThat(info.exit()).as(info.out()).isZero();
        assertThat(info.out()).contains("Package: waddleperf", "Version: " + VERSION.replace('-', '~'),
                "Architecture: all", " postinst", " conffiles");

        Run contents = run(work, Map.of(), "dpkg-deb", "--contents", deb.toString());
        assertThat(contents.exit()).as(contents.out()).isZero();
        List<String> expected = new ArrayList<>(List.of("./usr/share/waddleperf/waddleperf.jar", "./usr/bin/waddleperf",
                "./usr/lib/sysusers.d/waddleperf.conf", "./usr/lib/tmpfiles.d/waddleperf.conf",
                "./usr/share/doc/waddleperf/README.md", "./usr/share/doc/waddleperf/docs/CONFIGURATION.md"));
        for (String p : PROGRAMS) {
            expected.add("./lib/systemd/system/waddleperf-" + p + ".service");
            expected.add("./etc/waddleperf/" + p + ".yml");
        }
        for (String path : expected) {
            assertThat(contents.out()).as("package contents").containsPattern("root/root .* " + Pattern.quote(path) + "\n");
        }
        assertThat(contents.out()).containsPattern("-rwxr-xr-x root/root .* \\./usr/bin/waddleperf\n");

        Path control = work.resolve("control");
        Run e = run(work, Map.of(), "dpkg-deb", "-e", deb.toString(), control.toString());
        assertThat(e.exit()).as(e.out()).isZero();
        assertThat(Files.readAllLines(control.resolve("conffiles")))
                .containsExactlyInAnyOrder("/etc/waddleperf/testserver.yml", "/etc/waddleperf/manager.yml",
                        "/etc/waddleperf/agent.yml");
        for (String script : List.of("postinst", "prerm", "postrm")) {
            assertThat(Files.getPosixFilePermissions(control.resolve(script))).contains(PosixFilePermission.OWNER_EXECUTE);
            Run syntax = run(work, Map.of(), "sh", "-n", control.resolve(script).toString());
            assertThat(syntax.exit()).as(script + ": " + syntax.out()).isZero();
        }
        // The user the units run as is made by postinst, the same way as the sysusers.d entry describes it.
        assertThat(Files.readString(control.resolve("postinst"))).contains("systemd-sysusers", "adduser --system");
        assertThat(Files.readString(root.resolve("usr/lib/sysusers.d/waddleperf.conf"))).contains("u waddleperf ");
    }

    @Test
    void the_unpacked_launcher_finds_the_jdk_and_the_packaged_test_server_starts_and_answers_health() throws Exception {
        Path launcher = root.resolve("usr/bin/waddleperf");
        Map<String, String> env = Map.of("JAVA_HOME", JAVA_HOME, "PATH", "/usr/bin:/bin");
        Run version = run(work, env, launcher.toString(), "--version");
        assertThat(version.exit()).as(version.out()).isZero();
        assertThat(version.out()).startsWith("waddleperf " + VERSION);

        // Every packaged example configuration is valid for its program.
        for (String p : PROGRAMS) {
            Run config = run(work, env, launcher.toString(), "config", p, "--config",
                    root.resolve("etc/waddleperf/" + p + ".yml").toString());
            assertThat(config.exit()).as(p + ": " + config.out()).isZero();
        }

        int http = freeTcpPort();
        Path data = Files.createDirectories(work.resolve("ts-data"));
        ProcessBuilder pb = new ProcessBuilder(launcher.toString(), "testserver", "--config",
                root.resolve("etc/waddleperf/testserver.yml").toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("testserver.log").toFile());
        pb.environment().putAll(env);
        pb.environment().putAll(Map.of("WADDLEPERF_TESTSERVER_BIND", "127.0.0.1",
                "WADDLEPERF_TESTSERVER_HTTP_PORT", Integer.toString(http),
                "WADDLEPERF_TESTSERVER_HTTPS_ENABLED", "false",
                "WADDLEPERF_TESTSERVER_UDP_ECHO_PORT", Integer.toString(freeUdpPort()),
                "WADDLEPERF_TESTSERVER_IPERF3__PORT", Integer.toString(freeTcpPort()),
                "WADDLEPERF_TESTSERVER_DATA_DIR", data.toString()));
        Process p = pb.start();
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + "/health"))
                    .timeout(Duration.ofSeconds(5)).build();
            Instant deadline = Instant.now().plusSeconds(60);
            HttpResponse<String> answer = null;
            while (answer == null && Instant.now().isBefore(deadline) && p.isAlive()) {
                try {
                    answer = client.send(health, HttpResponse.BodyHandlers.ofString());
                } catch (IOException notYet) {
                    Thread.sleep(200);
                }
            }
            assertThat(answer).as("test server log:\n" + Files.readString(work.resolve("testserver.log"))).isNotNull();
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.body()).contains("healthy");
        } finally {
            p.destroy(); // SIGTERM: the graceful stop the systemd unit relies on
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("stops within 30 s of SIGTERM").isTrue();
        }
        assertThat(p.exitValue()).as(Files.readString(work.resolve("testserver.log"))).isIn(0, 143);
    }

    @Test
    @RequiresCommand(value = "systemd-analyze", apt = "systemd")
    void the_units_pass_systemd_verification_and_its_security_review() throws Exception {
        Path units = Files.createDirectories(work.resolve("units"));
        for (String p : PROGRAMS) {
            String unit = Files.readString(root.resolve("lib/systemd/system/waddleperf-" + p + ".service"));
            assertThat(unit).contains("User=waddleperf", "NoNewPrivileges=yes", "ProtectSystem=strict",
                    "ProtectHome=yes", "PrivateTmp=yes", "StateDirectory=waddleperf/" + p,
                    "ExecStart=/usr/bin/waddleperf " + p + " --config /etc/waddleperf/" + p + ".yml");
            // Raw sockets (ICMP, traceroute, MTU) only where probes run; the manager gets no capability at all.
            if (p.equals("manager")) {
                assertThat(unit).doesNotContain("AmbientCapabilities").containsPattern("(?m)^CapabilityBoundingSet=$");
            } else {
                assertThat(unit).containsPattern("(?m)^AmbientCapabilities=CAP_NET_RAW$")
                        .containsPattern("(?m)^CapabilityBoundingSet=CAP_NET_RAW$");
            }
            // verify checks that ExecStart's program exists: point it at the unpacked launcher.
            Files.writeString(units.resolve("waddleperf-" + p + ".service"),
                    unit.replace("/usr/bin/waddleperf", root.resolve("usr/bin/waddleperf").toString()));
        }
        List<String> verify = new ArrayList<>(List.of("systemd-analyze", "verify"));
        PROGRAMS.forEach(p -> verify.add(units.resolve("waddleperf-" + p + ".service").toString()));
        Run v = run(work, Map.of(), verify.toArray(String[]::new));
        assertThat(v.exit()).as(v.out()).isZero();
        // Unknown keys and bad values are only warnings (exit 0): none may name our units.
        assertThat(v.out().lines().filter(l -> l.contains("waddleperf-"))).as(v.out()).isEmpty();

        Pattern level = Pattern.compile("Overall exposure level for \\S+: (\\d+\\.\\d+)");
        for (String p : PROGRAMS) {
            Run s = run(work, Map.of(), "systemd-analyze", "security", "--offline=yes",
                    units.resolve("waddleperf-" + p + ".service").toString());
            Matcher m = level.matcher(s.out());
            assertThat(m.find()).as(s.out()).isTrue();
            // systemd rates 0-10, "OK" below 3: ours are hardened, not merely tolerable.
            assertThat(Double.parseDouble(m.group(1))).as(p + " exposure\n" + s.out()).isLessThan(3.0);
        }
    }

    @Test
    void package_makes_the_release_folder_and_tarball_whose_launcher_runs() throws Exception {
        Path release = TARGET.resolve("waddleperf-" + VERSION);
        for (String f : List.of("bin/waddleperf", "lib/waddleperf.jar", "systemd/waddleperf-testserver.service",
                "systemd/waddleperf-manager.service", "systemd/waddleperf-agent.service",
                "systemd/waddleperf-sysusers.conf", "systemd/waddleperf-tmpfiles.conf", "examples/testserver.yml",
                "examples/manager.yml", "examples/agent.yml", "deploy/compose.yaml", "deploy/kubernetes/manager.yaml",
                "docs/CONFIGURATION.md", "README.md")) {
            assertThat(release.resolve(f)).as(f).isRegularFile();
        }
        assertThat(Files.mismatch(release.resolve("lib/waddleperf.jar"), JAR)).isEqualTo(-1L);
        Run version = run(work, Map.of("JAVA_HOME", JAVA_HOME, "PATH", "/usr/bin:/bin"),
                release.resolve("bin/waddleperf").toString(), "--version");
        assertThat(version.exit()).as(version.out()).isZero();
        assertThat(version.out()).startsWith("waddleperf " + VERSION);

        Run list = run(work, Map.of(), "tar", "tzf", TARGET.resolve("waddleperf-" + VERSION + ".tar.gz").toString());
        assertThat(list.exit()).as(list.out()).isZero();
        assertThat(list.out().lines()).contains("waddleperf-" + VERSION + "/bin/waddleperf",
                "waddleperf-" + VERSION + "/lib/waddleperf.jar", "waddleperf-" + VERSION + "/deploy/compose.yaml");
    }

    private static Run run(Path dir, Map<String, String> env, String... command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        if (!env.isEmpty()) {
            pb.environment().clear();
            pb.environment().putAll(env);
        }
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    private static int freeTcpPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0)) {
            return s.getLocalPort();
        }
    }
}
