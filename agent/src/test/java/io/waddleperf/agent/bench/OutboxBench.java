package io.waddleperf.agent.bench;

import io.waddleperf.agent.AgentConfig.WhenFull;
import io.waddleperf.agent.ManagerPeer;
import io.waddleperf.agent.outbox.Outbox;
import io.waddleperf.agent.outbox.Spool;
import io.waddleperf.agent.sink.ManagerSink;
import io.waddleperf.core.config.Secret;
import io.waddleperf.core.result.Json;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.Source;
import io.waddleperf.core.result.TestType;
import io.waddleperf.core.result.UuidV7;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The outbox's rates against a local manager (embedded H2), with the manager's own ingest rate measured in the same
 * run as the baseline (bench/agent-footprint.sh runs it):
 * <ol>
 * <li>spool write: results appended to the spool, each forced to disk before the next (as the agent writes them);</li>
 * <li>delivery: those results drained from the spool by the manager sink, batches of {@code batch};</li>
 * <li>baseline: the same number of new results POSTed straight to {@code /api/v1/results} in batches of
 * {@code batch} by one client, one batch after another, as the sink does.</li>
 * </ol>
 * Usage: {@code OutboxBench <results> <batch> <work dir>}; prints one line of figures per measurement.
 */
public final class OutboxBench {

    private OutboxBench() {
    }

    static ProbeResult result(int i) {
        return ProbeResult.builder().id(UuidV7.next()).testType(TestType.UDP).target("udp://127.0.0.1:2000")
                .targetHost("127.0.0.1").targetPort(2000).startedAt(Instant.now().truncatedTo(ChronoUnit.MICROS))
                .durationMs(41.5).success(true).latencyMs(0.21 + i % 7 / 100.0).jitterMs(0.02).packetsSent(10L)
                .packetsReceived(10L).packetLossPercent(0.0).tier(1).source(Source.AGENT).build();
    }

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        int batch = Integer.parseInt(args[1]);
        Path work = Path.of(args[2]);
        try (ManagerPeer manager = new ManagerPeer(work.resolve("manager"))) {
            manager.start();
            String key = manager.apiKey();
            // warm-up of the manager's ingest path (JIT, connection pool), not counted
            post(manager.url(), key, batch, batch);

            Path dir = work.resolve("outbox");
            Files.createDirectories(dir);
            Spool spool = Spool.open(dir, 1L << 30, 16L << 20, WhenFull.DROP_NEWEST, List.of("manager"));
            ManagerSink sink = new ManagerSink(manager.url(), Secret.of(key), batch, Duration.ofSeconds(60));
            try (Outbox outbox = new Outbox(spool, dir, List.of(sink), Duration.ofMillis(50), Duration.ofSeconds(1))) {
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    if (!outbox.accept(result(i))) {
                        throw new IllegalStateException("the spool refused result " + i);
                    }
                }
                double write = seconds(t0);
                long t1 = System.nanoTime();
                outbox.start();
                while (outbox.status().getFirst().pending() > 0) {
                    Thread.sleep(5);
                }
                double deliver = seconds(t1);
                System.out.printf("spool_write results=%d seconds=%.3f rate=%.0f/s%n", n, write, n / write);
                System.out.printf("outbox_delivery results=%d batch=%d seconds=%.3f rate=%.0f/s%n", n, batch, deliver,
                        n / deliver);
            }
            double direct = post(manager.url(), key, n, batch);
            System.out.printf("manager_ingest_direct results=%d batch=%d seconds=%.3f rate=%.0f/s%n", n, batch, direct,
                    n / direct);
            if (manager.storedRows() != 2L * n + batch) {
                throw new IllegalStateException("the manager holds " + manager.storedRows() + " rows, expected "
                        + (2L * n + batch));
            }
        }
    }

    /** {@code n} new results in batches of {@code batch}, one request after another; the seconds the sending took. */
    private static double post(URI url, String key, int n, int batch) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < n; i += batch) {
            StringBuilder b = new StringBuilder("[");
            for (int j = i; j < Math.min(n, i + batch); j++) {
                b.append(j == i ? "" : ",").append(Json.write(result(j)));
            }
            bodies.add(b.append(']').toString());
        }
        long t0 = System.nanoTime();
        for (String body : bodies) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(url.resolve("/api/v1/results"))
                    .header("Content-Type", "application/json").header("Authorization", "ApiKey " + key)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                throw new IllegalStateException("the manager answered " + r.statusCode() + ": " + r.body());
            }
        }
        return seconds(t0);
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
