package io.waddleperf.testserver.speed;

import io.waddleperf.core.result.Json;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.Source;
import io.waddleperf.core.spec.ProbeOptions;
import io.waddleperf.core.spec.TargetParser;
import io.waddleperf.probes.ProbeContext;
import io.waddleperf.probes.ProbeRunner;
import io.waddleperf.testkit.lab.LabNode;
import io.waddleperf.testserver.TestServer;
import io.waddleperf.testserver.TestServerConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM running inside one lab namespace ({@code ip netns exec}): the test server or one probe.
 *
 * <p>Why not {@link LabNode#run} in the test's JVM: a namespace belongs to a thread, and both the test server (Jetty on
 * virtual threads) and the probes (the runner's and the streams' virtual threads, the JDK HTTP client's selector)
 * open sockets on threads that are not the one that joined the namespace — virtual threads run on shared carrier
 * threads, which live in whatever namespace the thread that created them was in. A child process started in the
 * namespace has every thread there, and cannot leave a carrier thread of the test JVM behind in a lab.
 */
final class LabJvm {

    private static final String PORT_LINE = "LAB_JVM_PORT ";
    private static final String RESULT_LINE = "LAB_JVM_RESULT ";

    private LabJvm() {
    }

    /** The test server's HTTP port, bound to {@code bind} in {@code node}; closing it stops the child. */
    record Server(Process process, int httpPort) implements AutoCloseable {
        @Override
        public void close() throws InterruptedException {
            closeOutput(process);
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }

        private static void closeOutput(Process p) {
            try {
                p.getOutputStream().close();
            } catch (IOException ignored) {
                // the child is being killed anyway
            }
        }
    }

    /** Starts the test server (HTTP on port 0, no HTTPS, no auth, default speed limits) in {@code node}. */
    static Server startServer(LabNode node, Path dir) throws Exception {
        Process p = start(node, dir.resolve("server.log"), "server", node.addressV4().getHostAddress(),
                dir.resolve("server-data").toString());
        String line = readLine(p, PORT_LINE, 60, dir.resolve("server.log"));
        return new Server(p, Integer.parseInt(line));
    }

    /** Runs one probe from {@code node} and returns its result (the child prints it as JSON). */
    static ProbeResult probe(LabNode node, Path dir, String target) throws Exception {
        Path log = Files.createTempFile(dir, "probe-", ".log");
        Process p = start(node, log, "probe", target);
        Server.closeOutput(p);
        try {
            String json = readLine(p, RESULT_LINE, 120, log);
            return Json.readResult(json);
        } finally {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
            }
        }
    }

    private static Process start(LabNode node, Path stderr, String... args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
        // surefire may start this JVM from a manifest-only jar; that jar works as a class path for the child too
        String classPath = System.getProperty("java.class.path");
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", node.namespace(), java,
                "--enable-native-access=ALL-UNNAMED", "-Xmx256m", "-cp", classPath, LabJvm.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectError(stderr.toFile()).start();
    }

    /** Reads the child's standard output until the line starting with {@code prefix}, and returns the rest of it. */
    private static String readLine(Process p, String prefix, int timeoutSeconds, Path log) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> found = CompletableFuture.supplyAsync(() -> {
            try {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith(prefix)) {
                        return line.substring(prefix.length());
                    }
                }
                return null;
            } catch (IOException e) {
                return null;
            }
        }, task -> Thread.ofPlatform().daemon().start(task));
        String line;
        try {
            line = found.get(timeoutSeconds, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            p.destroyForcibly();
            line = null;
        }
        if (line == null) {
            p.destroyForcibly().waitFor();
            throw new IllegalStateException("lab child JVM gave no '" + prefix.strip() + "' line (exit "
                    + p.exitValue() + "); its log " + log + ":\n" + Files.readString(log));
        }
        return line;
    }

    /** The child's entry point: {@code server <bind> <data dir>} or {@code probe <target>}. */
    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "server" -> {
                try (TestServer server = TestServer.start(TestServerConfig.builder().bind(args[1]).httpPort(0)
                        .httpsEnabled(false).udpEchoPort(0).dataDir(Path.of(args[2])).authDisabled(true)
                        .speed(SpeedConfig.defaults()).build())) {
                    System.out.println(PORT_LINE + server.httpPort());
                    System.out.flush();
                    // runs until the parent closes our standard input
                    while (System.in.read() >= 0) {
                        continue;
                    }
                }
            }
            case "probe" -> {
                ProbeResult r = ProbeRunner.run(TargetParser.parse(args[1], ProbeOptions.DEFAULTS),
                        ProbeContext.of(Source.CLI));
                System.out.println(RESULT_LINE + Json.write(r));
                System.out.flush();
            }
            default -> throw new IllegalArgumentException("usage: server <bind> <data dir> | probe <target>");
        }
        System.exit(0);
    }
}
