package io.waddleperf.testserver.speed;

import io.waddleperf.core.result.Json;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.Source;
import io.waddleperf.core.spec.ProbeOptions;
import io.waddleperf.core.spec.TargetParser;
import io.waddleperf.probes.ProbeContext;
import io.waddleperf.probes.ProbeRunner;
import io.waddleperf.testkit.lab.LabJvm;
import io.waddleperf.testkit.lab.LabNode;
import io.waddleperf.testserver.TestServer;
import io.waddleperf.testserver.LoopbackConfig;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The speed lab tests' child JVMs ({@link LabJvm}): the test server, or one probe, inside a lab namespace — Jetty's
 * virtual threads and the probes' stream threads cannot be pinned to a namespace inside the test's JVM.
 */
final class SpeedLabChild {

    private static final String PORT_LINE = "LAB_JVM_PORT ";
    private static final String RESULT_LINE = "LAB_JVM_RESULT ";

    private SpeedLabChild() {
    }

    /** The test server's HTTP port, bound to {@code bind} in {@code node}; closing it stops the child. */
    record Server(Process process, int httpPort) implements AutoCloseable {
        @Override
        public void close() throws InterruptedException {
            LabJvm.stop(process, 10);
        }
    }

    /** Starts the test server (HTTP on port 0, no HTTPS, no auth, default speed limits) in {@code node}. */
    static Server startServer(LabNode node, Path dir) throws Exception {
        Path log = dir.resolve("server.log");
        Process p = LabJvm.start(node, log, SpeedLabChild.class, "server", node.addressV4().getHostAddress(),
                dir.resolve("server-data").toString());
        return new Server(p, Integer.parseInt(LabJvm.awaitLine(p, PORT_LINE, 60, log)));
    }

    /** Runs one probe from {@code node} and returns its result (the child prints it as JSON). */
    static ProbeResult probe(LabNode node, Path dir, String target) throws Exception {
        Path log = Files.createTempFile(dir, "probe-", ".log");
        Process p = LabJvm.start(node, log, SpeedLabChild.class, "probe", target);
        p.getOutputStream().close();
        try {
            return Json.readResult(LabJvm.awaitLine(p, RESULT_LINE, 120, log));
        } finally {
            LabJvm.stop(p, 10);
        }
    }

    /** The child's entry point: {@code server <bind> <data dir>} or {@code probe <target>}. */
    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "server" -> {
                try (TestServer server = TestServer.start(LoopbackConfig.of(Path.of(args[2]),
                        "bind", args[1], "auth_disabled", "true"))) {
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
