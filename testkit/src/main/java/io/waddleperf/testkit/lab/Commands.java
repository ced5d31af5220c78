package io.waddleperf.testkit.lab;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs the system tools the lab is built with ({@code ip}, {@code tc}, {@code nft}, {@code sysctl}). */
final class Commands {

    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private Commands() {
    }

    /** Runs a command, feeding it {@code stdin} (may be null), and returns its exit code and output. */
    static ExecResult exec(List<String> command, String stdin, Duration timeout) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        if (stdin == null) {
            builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        }
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new LabException("cannot start " + String.join(" ", command) + ": " + e.getMessage(), e);
        }
        // Read the output concurrently so a chatty command can never block on a full pipe.
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()),
                Thread.ofVirtual()::start);
        try {
            if (stdin != null) {
                try (OutputStream in = process.getOutputStream()) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                return new ExecResult(command, -1, output.get(5, TimeUnit.SECONDS) + "\n(killed after " + timeout + ")");
            }
            return new ExecResult(command, process.exitValue(), output.get(5, TimeUnit.SECONDS));
        } catch (IOException | ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            throw new LabException("running " + String.join(" ", command) + ": " + e, e);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new LabException("interrupted while running " + String.join(" ", command), e);
        }
    }

    /** Runs a command that must succeed; a non-zero exit becomes a {@link LabException} carrying its output. */
    static String check(List<String> command, String stdin) {
        ExecResult result = exec(command, stdin, DEFAULT_TIMEOUT);
        if (!result.succeeded()) {
            throw new LabException("lab command failed: " + result
                    + (stdin == null ? "" : "\n--- input ---\n" + stdin));
        }
        return result.output();
    }

    static String check(String... command) {
        return check(List.of(command), null);
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(output unreadable: " + e.getMessage() + ")";
        }
    }
}
