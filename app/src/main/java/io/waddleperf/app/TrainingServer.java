package io.waddleperf.app;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The test server of the launcher's start-up training run, in a JVM of its own ({@code demo --training-server}).
 *
 * <p>The JDK's AOT cache holds every class its training run loaded, and a JVM started with the cache loads all of
 * them at start, whether the command needs them or not. A test server in the training JVM (Jetty, the responders,
 * their configuration) would be loaded by every later {@code waddleperf test}; with the server in another process
 * the cache holds what the probes and the {@code test} command load. Measured: a cache without the server's classes
 * starts {@code test tcp://} with about three quarters of the CPU time (docs/BENCHMARKS.md, section 2).
 *
 * <p>The child prints one line, {@code ports <http> <udp echo> <dns>}, and serves until its standard input ends: when
 * the training run closes it, or when the training run dies, so a child is never left behind.
 */
final class TrainingServer implements AutoCloseable {

    static final String PORTS_PREFIX = "ports ";

    private final Process process;
    private final int httpPort;
    private final int udpPort;
    private final int dnsPort;

    private TrainingServer(Process process, int httpPort, int udpPort, int dnsPort) {
        this.process = process;
        this.httpPort = httpPort;
        this.udpPort = udpPort;
        this.dnsPort = dnsPort;
    }

    /**
     * Starts the child with the same Java and jar as this process; empty when this process does not run from a jar
     * (tests, an IDE) or the child did not say its ports within {@code wait}, so the caller can fall back to a server
     * in its own JVM.
     */
    static Optional<TrainingServer> start(Duration wait) {
        Optional<String> java = ProcessHandle.current().info().command();
        Optional<Path> jar = runningJar();
        if (java.isEmpty() || jar.isEmpty()) {
            return Optional.empty();
        }
        Process p;
        try {
            p = new ProcessBuilder(List.of(java.get(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar",
                    jar.get().toString(), "demo", "--training-server"))
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
        } catch (IOException e) {
            return Optional.empty();
        }
        BufferedReader lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> {
            try {
                return lines.readLine();
            } catch (IOException e) {
                return null;
            }
        }, r -> Thread.ofPlatform().daemon().name("training-server-ports").start(r));
        try {
            Optional<int[]> ports = parsePorts(first.get(wait.toMillis(), TimeUnit.MILLISECONDS));
            if (ports.isPresent()) {
                int[] q = ports.get();
                return Optional.of(new TrainingServer(p, q[0], q[1], q[2]));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // no ports in time: fall through, stop the child, let the caller serve in process
        }
        p.destroyForcibly();
        return Optional.empty();
    }

    /** {@code ports <http> <udp> <dns>}, as the child prints it; empty for anything else (or end of output). */
    static Optional<int[]> parsePorts(String line) {
        if (line == null || !line.startsWith(PORTS_PREFIX)) {
            return Optional.empty();
        }
        String[] parts = line.substring(PORTS_PREFIX.length()).trim().split(" ");
        if (parts.length != 3) {
            return Optional.empty();
        }
        int[] ports = new int[3];
        for (int i = 0; i < 3; i++) {
            try {
                ports[i] = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
            if (ports[i] < 1 || ports[i] > 65535) {
                return Optional.empty();
            }
        }
        return Optional.of(ports);
    }

    private static Optional<Path> runningJar() {
        try {
            var source = DemoCommand.class.getProtectionDomain().getCodeSource();
            if (source == null) {
                return Optional.empty();
            }
            Path p = Path.of(source.getLocation().toURI());
            return p.getFileName() != null && p.getFileName().toString().endsWith(".jar") ? Optional.of(p) : Optional.empty();
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    long pid() {
        return process.pid();
    }

    int httpPort() {
        return httpPort;
    }

    int udpPort() {
        return udpPort;
    }

    int dnsPort() {
        return dnsPort;
    }

    /** Ends the child by closing its standard input; it stops its server and exits, or is killed after 10 s. */
    @Override
    public void close() {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
