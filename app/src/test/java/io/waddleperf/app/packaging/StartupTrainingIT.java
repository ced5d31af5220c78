package io.waddleperf.app.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's start-up training run from the runnable jar, as the launcher runs it: the test server in a process of
 * its own, so that neither its classes nor (for the text cache) the JSON writer end up in the AOT cache that every
 * one-shot command loads at start.
 */
class StartupTrainingIT {

    private static final Path JAR = DeploymentManifestsTest.repositoryRoot().resolve("app/target/waddleperf.jar");
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    @TempDir
    Path work;

    record Run(int exit, String out, List<String> classes) {
    }

    private Run train(String output) throws Exception {
        Path log = work.resolve("classes-" + output + ".txt");
        Path out = work.resolve("out-" + output + ".txt");
        Process p = new ProcessBuilder(JAVA, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Xlog:class+load=info:file=" + log, "-jar", JAR.toString(), "demo", "--probes-only",
                "--training-output", output)
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("training run finished").isTrue();
        List<String> classes = Files.readAllLines(log).stream()
                .map(l -> l.replaceFirst("^\\[[^]]*\\]\\[[^]]*\\]\\[[^]]*\\]\\s*", ""))
                .map(l -> l.split(" ")[0]).toList();
        return new Run(p.exitValue(), Files.readString(out), classes);
    }

    @Test
    void text_training_runs_the_probes_against_a_server_in_another_process_and_loads_neither_it_nor_the_json_writer()
            throws Exception {
        Run r = train("text");
        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(r.out()).containsPattern("test server in process \\d+ listening on 127\\.0\\.0\\.1: http \\d+");
        assertThat(r.out().lines().filter(l -> l.matches("\\s+(tcp|udp|http|dns)\\s+.*")).toList())
                .hasSize(4).allSatisfy(row -> assertThat(row).contains(" ok "));
        // the tls probe's OpenSSL path, trained against a listener that hangs up (where the system has OpenSSL 3)
        assertThat(r.classes()).contains("io.waddleperf.app.TestCommand", "io.waddleperf.probes.Probers",
                        "io.waddleperf.probes.tls.OpenSslClient")
                .noneMatch(c -> c.startsWith("io.waddleperf.testserver."))
                .noneMatch(c -> c.startsWith("org.eclipse.jetty.server."))
                .doesNotContain("com.fasterxml.jackson.databind.ObjectWriter");
    }

    @Test
    void json_training_loads_the_json_writer_and_still_not_the_server() throws Exception {
        Run r = train("json");
        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(r.classes()).contains("com.fasterxml.jackson.databind.ObjectWriter")
                .noneMatch(c -> c.startsWith("io.waddleperf.testserver."));
    }

    @Test
    void the_training_server_says_its_ports_serves_and_ends_when_its_input_ends() throws Exception {
        Process p = new ProcessBuilder(JAVA, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", JAR.toString(),
                "demo", "--training-server").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
            assertThat(line).matches("ports \\d+ \\d+ \\d+");
            int http = Integer.parseInt(line.split(" ")[1]);
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", http), 10_000);
                s.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                String status = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))
                        .readLine();
                assertThat(status).startsWith("HTTP/1.1 200");
            }
            p.getOutputStream().close();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("ended after its input ended").isTrue();
            assertThat(p.exitValue()).isZero();
        } finally {
            p.destroyForcibly();
        }
    }
}
