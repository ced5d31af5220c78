package io.waddleperf.testkit.lab;

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
import java.util.concurrent.TimeoutException;

/**
 * A child JVM running inside one lab namespace ({@code ip netns exec}) with the test's class path: a test server, or
 * one probe, whose main class reports back on standard output with a marked line.
 *
 * <p>Why not {@link LabNode#run} in the test's JVM: a namespace belongs to a thread, and servers and probes that open
 * sockets on other threads (virtual threads, whose carriers live in the host's namespace; HTTP clients' selector
 * threads) would leave the lab. A child process started in the namespace has every thread there. {@code ip netns exec}
 * also bind-mounts the files of {@code /etc/netns/<name>/} over {@code /etc} (ip-netns(8)), so a child can have its
 * own {@code resolv.conf}.
 */
public final class LabJvm {

    private LabJvm() {
    }

    /**
     * Starts {@code mainClass} with {@code args} in {@code node}, its standard error in {@code stderr}; closing its
     * standard input is the conventional "stop" for long-running children.
     */
    public static Process start(LabNode node, Path stderr, Class<?> mainClass, String... args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
        // surefire may start this JVM from a manifest-only jar; that jar works as a class path for the child too
        String classPath = System.getProperty("java.class.path");
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", node.namespace(), java,
                "--enable-native-access=ALL-UNNAMED", "-Xmx256m", "-cp", classPath, mainClass.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectError(stderr.toFile()).start();
    }

    /**
     * Reads the child's standard output until the line starting with {@code prefix} and returns the rest of it; when
     * none comes within {@code timeoutSeconds} the child is killed and the failure quotes its log.
     */
    public static String awaitLine(Process p, String prefix, int timeoutSeconds, Path log) throws Exception {
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
        } catch (TimeoutException e) {
            line = null;
        }
        if (line == null) {
            p.destroyForcibly().waitFor();
            throw new IllegalStateException("lab child JVM gave no '" + prefix.strip() + "' line (exit "
                    + p.exitValue() + "); its log " + log + ":\n" + Files.readString(log));
        }
        return line;
    }

    /** Closes the child's standard input and waits up to {@code seconds} for it to end, then kills it. */
    public static void stop(Process p, int seconds) throws InterruptedException {
        try {
            p.getOutputStream().close();
        } catch (IOException ignored) {
            // the child is being killed anyway
        }
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
        }
    }
}
