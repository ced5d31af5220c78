package io.waddleperf.manager.bench;

import io.waddleperf.manager.Harness;
import io.waddleperf.manager.store.TestDatabases;
import io.waddleperf.testkit.GaleraCluster;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Ingest rate of the manager on a three-node Galera cluster against a single MariaDB, in one run
 * (bench/manager-galera.sh, docs/BENCHMARKS.md): N uploaders POST batches of B results to {@code /api/v1/results} for
 * S seconds after a warm-up, each waiting for the answer (sent after commit, which on Galera includes certification
 * by the cluster). First against the machine's MariaDB at 127.0.0.1:3306 (a fresh database), then against a manager
 * whose {@code sequential} URL writes through node 1 of a cluster started for the run on loopback. Prints both rates
 * and the ratio cluster / single.
 *
 * <p>usage: GaleraIngestBench [seconds=20] [uploaders=8] [batch=500]
 */
public final class GaleraIngestBench {

    private GaleraIngestBench() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int uploaders = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 500;
        Map<String, String> settings = Map.of("db.pool_size", Integer.toString(uploaders + 2));
        double single;
        try (Harness m = Harness.start(TestDatabases.Kind.MARIADB, settings, java.time.InstantSource.system())) {
            single = rate(m, seconds, uploaders, batch);
        }
        Path parent = Files.createTempDirectory("wp-galera-bench-");
        double cluster;
        try (GaleraCluster c = GaleraCluster.start(parent, 3)) {
            c.createDatabase("bench");
            try (Harness m = Harness.startOn(c.sequentialUrl("bench"), GaleraCluster.USER, GaleraCluster.PASSWORD,
                    settings, true)) {
                cluster = rate(m, seconds, uploaders, batch);
            }
        } finally {
            Files.deleteIfExists(parent);
        }
        System.out.printf("%d uploaders x batches of %d for %d s: single MariaDB %.0f results/s, 3-node Galera %.0f "
                + "results/s, ratio %.2f%n", uploaders, batch, seconds, single, cluster, cluster / single);
    }

    private static double rate(Harness m, int seconds, int uploaders, int batch) throws Exception {
        String token = m.adminLogin();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        IngestBench.Step step = () -> {
            HttpRequest req = HttpRequest.newBuilder(m.uri("/api/v1/results")).header("Authorization", token)
                    .header("Content-Type", "application/json").timeout(Duration.ofSeconds(60))
                    .POST(HttpRequest.BodyPublishers.ofString(IngestBench.body(batch, (int) System.nanoTime()))).build();
            HttpResponse<String> r = client.send(req, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 201) {
                throw new IllegalStateException("upload answered " + r.statusCode() + ": " + r.body());
            }
            return true;
        };
        IngestBench.run(seconds / 4 + 1, uploaders, step, new LongAdder(), batch); // warm-up, not counted
        LongAdder acked = new LongAdder();
        long t0 = System.nanoTime();
        IngestBench.run(seconds, uploaders, step, acked, batch);
        return acked.sum() / ((System.nanoTime() - t0) / 1e9);
    }
}
