package io.waddleperf.iperf3.client;

import static org.junit.jupiter.api.Assertions.fail;

import io.waddleperf.testkit.Requirements;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Debian's stock {@code iperf3 -s} on 127.0.0.1 and a free port, as the peer of our client (a test peer only). */
final class StockServer implements AutoCloseable {

    static final Path BINARY = Path.of("/usr/bin/iperf3");

    private final Process process;
    private final int port;

    private StockServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Skips the test (or fails it under CI=true) when the binary is missing. */
    static void assumeInstalled() {
        Requirements.require(Files.isExecutable(BINARY), BINARY + " is not installed (apt-get install iperf3)");
    }

    /** Starts {@code iperf3 -s} and returns once it says it is listening. */
    static StockServer start() throws IOException, InterruptedException {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Process p = new ProcessBuilder(BINARY.toString(), "-s", "-B", "127.0.0.1", "-p", String.valueOf(port),
                "--forceflush").redirectErrorStream(true).start();
        CountDownLatch listening = new CountDownLatch(1);
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.contains("Server listening")) {
                        listening.countDown();
                    }
                }
            } catch (IOException e) {
                listening.countDown();
            }
        });
        if (!listening.await(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("iperf3 -s did not start listening on " + port);
        }
        return new StockServer(p, port);
    }

    int port() {
        return port;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
