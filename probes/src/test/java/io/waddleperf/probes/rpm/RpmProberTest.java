package io.waddleperf.probes.rpm;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.Source;
import io.waddleperf.core.spec.ProbeOptions;
import io.waddleperf.core.spec.TargetParser;
import io.waddleperf.probes.ProbeContext;
import io.waddleperf.probes.ProbeRunner;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The rpm probe against a small responsiveness server of the JDK's whose probe answers are slow while a load
 * stream runs, slower than the last intervals the result is made of: a loaded machine, where a probe (a TLS
 * handshake above all) can take longer than those intervals, behaves the same.
 */
class RpmProberTest {

    private static final int LOADED_DELAY_MS = 600;

    private HttpServer server;
    private final AtomicInteger loadStreams = new AtomicInteger();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        server.createContext("/.well-known/nq", ex -> reply(ex, ("{\"version\":1,\"urls\":{\"small_download_url\":\""
                + base + "/small\",\"large_download_url\":\"" + base + "/large\",\"upload_url\":\"" + base
                + "/upload\"}}").getBytes(StandardCharsets.US_ASCII)));
        server.createContext("/small", ex -> {
            if (loadStreams.get() > 0) {
                sleep(LOADED_DELAY_MS);
            }
            reply(ex, new byte[] {'x'});
        });
        server.createContext("/large", ex -> {
            loadStreams.incrementAndGet();
            try (OutputStream out = ex.getResponseBody()) {
                ex.sendResponseHeaders(200, 1L << 40);
                byte[] chunk = new byte[16 * 1024];
                while (true) {
                    out.write(chunk);
                    sleep(1); // a modest load: the test is about timing of the probes, not about the goodput
                }
            } catch (IOException e) {
                // the probe closed its load connection at the end
            } finally {
                loadStreams.decrementAndGet();
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void probes_still_in_flight_when_the_load_ends_are_waited_for_and_counted() {
        // 100 ms intervals, results from the last four (400 ms), every probe under load takes 600 ms: without the
        // wait at the end every probe of the result's intervals was still in flight ("no probe completed under load")
        String target = "rpm://127.0.0.1:" + server.getAddress().getPort()
                + "?interval_ms=100&max_duration_ms=1000&probe_interval_ms=20&max_connections=1";
        ProbeResult r = ProbeRunner.run(TargetParser.parse(target, ProbeOptions.DEFAULTS), ProbeContext.of(Source.CLI));

        assertThat(r.success()).as(r.error()).isTrue();
        assertThat(r.loadedLatencyMs()).isGreaterThanOrEqualTo(LOADED_DELAY_MS);
        // idle latency is the unloaded /small: the load had not started yet
        assertThat(r.latencyMs()).isLessThan(LOADED_DELAY_MS);
        assertThat(r.rawResults().get("intervals")).isEqualTo(10);
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (loadStreams.get() > 0 && System.nanoTime() < deadline) {
            sleep(10);
        }
        assertThat(loadStreams.get()).as("load streams left open").isZero();
    }

    private static void reply(HttpExchange ex, byte[] body) throws IOException {
        try (OutputStream out = ex.getResponseBody()) {
            ex.sendResponseHeaders(200, body.length);
            out.write(body);
        }
    }

    private static void sleep(int ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
