package io.waddleperf.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code waddleperf test} run in a JVM of its own reads no annotation: the top command's and {@code test}'s models
 * are built in code, so the JDK generates no annotation proxy class (these cannot be archived and were a large part
 * of a cold run, docs/BENCHMARKS.md section 2), and picocli's own help-option mixin class, which it would read
 * through its annotations, is never loaded. Help and the other subcommands still use annotations and may load them.
 */
class TestCommandColdPathIT {

    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    @TempDir
    Path work;

    @Test
    void a_tcp_test_loads_no_annotation_proxy_and_no_picocli_mixin_class() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Path log = work.resolve("classes.txt");
            Path out = work.resolve("out.txt");
            Process p = new ProcessBuilder(JAVA, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                    "-Xlog:class+load=info:file=" + log, "-cp", System.getProperty("java.class.path"),
                    WaddlePerf.class.getName(), "test", "tcp://127.0.0.1:" + server.getLocalPort(), "--count", "1")
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("test command finished").isTrue();
            assertThat(p.exitValue()).as(Files.readString(out)).isZero();
            assertThat(Files.readString(out)).contains("1 established");
            List<String> loaded = Files.readAllLines(log);
            assertThat(loaded).as("the run was logged").anyMatch(l -> l.contains(" io.waddleperf.app.TestCommand "));
            assertThat(loaded).noneMatch(l -> l.contains("__dynamic_proxy__") || l.matches(".*\\$Proxy\\d+ .*"))
                    .noneMatch(l -> l.contains("picocli.CommandLine$AutoHelpMixin"));
        }
    }
}
