package io.waddleperf.iperf3.server;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.waddleperf.iperf3.JsonFrames;
import io.waddleperf.testkit.Requirements;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

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

    /** Whether the binary is there (for checks a test makes only when it is). */
    static boolean installed() {
        return Files.isExecutable(BINARY);
    }

    /** Skips the test (or fails it under CI=true) when the binary is missing. */
    static void assumeInstalled() {
        assumeBinary(BINARY, "iperf3");
    }

    /** Skips the test (or fails it under CI=true) when {@code binary} from Debian package {@code pkg} is missing. */
    static void assumeBinary(Path binary, String pkg) {
        Requirements.require(Files.isExecutable(binary), binary + " is not installed (apt-get install " + pkg + ")");
    }

    static Process start(int port, String... args) throws IOException {
        return start(Map.of(), port, args);
    }

    /** Starts a client with extra environment variables (e.g. {@code IPERF3_PASSWORD}). */
    static Process start(Map<String, String> env, int port, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(BINARY.toString(), "-c", "127.0.0.1", "-p", String.valueOf(port)));
        cmd.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(cmd);
        builder.environment().putAll(env);
        return builder.start();
    }

    /** Runs a client to completion (at most {@code timeoutSeconds}). */
    static Run client(int port, int timeoutSeconds, String... args) throws IOException, InterruptedException {
        return client(Map.of(), port, timeoutSeconds, args);
    }

    /** Runs a client with extra environment variables to completion (at most {@code timeoutSeconds}). */
    static Run client(Map<String, String> env, int port, int timeoutSeconds, String... args)
            throws IOException, InterruptedException {
        Process p = start(env, port, args);
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
