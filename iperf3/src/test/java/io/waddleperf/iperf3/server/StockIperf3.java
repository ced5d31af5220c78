package io.waddleperf.iperf3.server;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.waddleperf.iperf3.JsonFrames;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Runs Debian's stock {@code iperf3} binary as the test peer (never used by production code). */
final class StockIperf3 {

    static final Path BINARY = Path.of("/usr/bin/iperf3");

    /** One finished run. */
    record Run(int exitCode, String stdout, String stderr) {

        JsonNode json() {
            try {
                return JsonFrames.mapper().readTree(stdout);
            } catch (IOException e) {
                throw new AssertionError("iperf3 printed no JSON: " + stdout + stderr, e);
            }
        }

        String output() {
            return stdout + stderr;
        }
    }

    private StockIperf3() {
    }

    /** Skips the test (or fails it under CI=true) when the binary is missing. */
    static void assumeInstalled() {
        boolean present = Files.isExecutable(BINARY);
        if (!present && "true".equals(System.getenv("CI"))) {
            fail("iperf3 is not installed at " + BINARY + " (apt-get install iperf3) and CI=true");
        }
        Assumptions.assumeTrue(present, "iperf3 not installed at " + BINARY + "; apt-get install iperf3 to run");
    }

    static Process start(int port, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(BINARY.toString(), "-c", "127.0.0.1", "-p", String.valueOf(port)));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).start();
    }

    /** Runs a client to completion (at most {@code timeoutSeconds}). */
    static Run client(int port, int timeoutSeconds, String... args) throws IOException, InterruptedException {
        Process p = start(port, args);
        // Drain both pipes concurrently so a chatty client never blocks on a full pipe.
        StringBuilder stdout = new StringBuilder();
        StringBuilder stderr = new StringBuilder();
        Thread a = Thread.ofVirtual().start(() -> stdout.append(read(p.getInputStream())));
        Thread b = Thread.ofVirtual().start(() -> stderr.append(read(p.getErrorStream())));
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("iperf3 " + String.join(" ", args) + " did not finish within " + timeoutSeconds + " s");
        }
        a.join();
        b.join();
        return new Run(p.exitValue(), stdout.toString(), stderr.toString());
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
