package io.waddleperf.manager.bench;

import io.waddleperf.core.result.Device;
import io.waddleperf.core.result.Json;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.Source;
import io.waddleperf.core.result.TestType;
import io.waddleperf.core.result.UuidV7;
import io.waddleperf.manager.Harness;
import io.waddleperf.manager.stats.RollupTier;
import io.waddleperf.manager.store.ResultRepository;
import io.waddleperf.manager.store.RollupRepository;
import io.waddleperf.manager.store.TestDatabases;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Dashboard and statistics request latency over a large store (bench/manager-queries.sh, docs/BENCHMARKS.md): loads
 * N results (default 1 000 000: 200 devices x 5 targets x 2 types, spread over the last 8 days; each batch one
 * device's upload of 1000 results of about 8 hours) through the manager's own store path (results and rollups in one transaction per batch of 1000), then times over HTTP, one
 * request at a time after a warm-up: the 7-day per-target summary with percentiles from the rollups, the same summary
 * computed from the raw rows ({@code exact=true}, the baseline), the recent results, the 7-day per-device list, and
 * a 7-day chart. Prints p50 and p95 of each and the ratio of the raw summary's p95 to the rollup summary's.
 *
 * <p>usage: QueryBench h2|mariadb [results=1000000] [requests=50]
 */
public final class QueryBench {

    private static final int DEVICES = 200;
    private static final int TARGETS = 5;
    private static final int BATCH = 1000;
    private static final int LOADERS = 4;

    private QueryBench() {
    }

    public static void main(String[] args) throws Exception {
        TestDatabases.Kind kind = TestDatabases.Kind.valueOf(args[0].toUpperCase(Locale.ROOT));
        int total = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        int requests = args.length > 2 ? Integer.parseInt(args[2]) : 50;
        Map<String, String> settings = new HashMap<>(Map.of("db.pool_size", Integer.toString(LOADERS + 2)));
        Path h2 = null;
        if (kind == TestDatabases.Kind.H2) {
            // the embedded database as the manager runs it: a file, not memory
            h2 = Files.createTempDirectory("wp-bench-h2-");
            settings.put("db.url", "jdbc:h2:file:" + h2.resolve("manager") + ";" + io.waddleperf.manager.store.Database.H2_OPTIONS);
        }
        try (Harness m = Harness.start(kind, settings, InstantSource.system())) {
            Instant now = Instant.now();
            long t0 = System.nanoTime();
            load(new ResultRepository(m.db()), total, now);
            double loadSeconds = (System.nanoTime() - t0) / 1e9;
            RollupRepository rollups = new RollupRepository(m.db());
            // the manager's folder folds while loading; what it has not reached yet is folded here, so the timed
            // requests read folded rows as a manager does once it caught up
            long f0 = System.nanoTime();
            long folded = rollups.foldAll();
            System.out.printf("%s: %d rollup deltas were left after loading, folded in %.1f s%n", kind, folded,
                    (System.nanoTime() - f0) / 1e9);
            System.out.printf("%s: loaded %d results in %.0f s (%.0f/s); rollup rows: %d minute, %d hour, %d day%n", kind,
                    total, loadSeconds, total / loadSeconds, rollups.count(RollupTier.MINUTE), rollups.count(RollupTier.HOUR),
                    rollups.count(RollupTier.DAY));
            String token = m.adminLogin();
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String week = "from=" + now.minus(Duration.ofDays(7)) + "&to=" + now;
            Map<String, String> queries = new java.util.LinkedHashMap<>();
            queries.put("summary 7 d per target, rollups", "/api/v1/statistics/summary?" + week);
            queries.put("summary 7 d per target, raw rows", "/api/v1/statistics/summary?exact=true&" + week);
            queries.put("recent results (50)", "/api/v1/statistics/recent?limit=50");
            queries.put("device list 7 d (per-device summary)", "/api/v1/statistics/summary?group_by=device&" + week);
            queries.put("chart 7 d per test type (auto interval)", "/api/v1/statistics/timeseries?group_by=test_type&" + week);
            // what the web UI asks for a week (at most 48 points), and daily points
            queries.put("chart 7 d per test type (6 h)", "/api/v1/statistics/timeseries?interval=6h&group_by=test_type&" + week);
            queries.put("chart 7 d per test type (1 d)", "/api/v1/statistics/timeseries?interval=1d&group_by=test_type&" + week);
            explain(m, kind, now);
            Map<String, double[]> results = new java.util.LinkedHashMap<>();
            for (Map.Entry<String, String> q : queries.entrySet()) {
                // the raw-row summary reads every row of the week; fewer rounds keep the run short
                int n = q.getKey().contains("raw") ? Math.max(5, requests / 5) : requests;
                for (int i = 0; i < Math.max(2, n / 5); i++) {
                    get(client, m, token, q.getValue());
                }
                double[] ms = new double[n];
                for (int i = 0; i < n; i++) {
                    long s = System.nanoTime();
                    get(client, m, token, q.getValue());
                    ms[i] = (System.nanoTime() - s) / 1e6;
                }
                Arrays.sort(ms);
                double p50 = io.waddleperf.core.stats.Percentiles.of(ms, 50);
                double p95 = io.waddleperf.core.stats.Percentiles.of(ms, 95);
                results.put(q.getKey(), new double[] {p50, p95});
                System.out.printf("%s: %-42s n=%3d p50 %8.1f ms  p95 %8.1f ms%n", kind, q.getKey(), n, p50, p95);
            }
            double ratio = results.get("summary 7 d per target, raw rows")[1] / results.get("summary 7 d per target, rollups")[1];
            System.out.printf("%s: 7-day summary p95, raw rows / rollups = %.1f%n", kind, ratio);
        } finally {
            if (h2 != null) {
                try (var files = Files.walk(h2)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    /** Prints how each database reads the chart's and summary's rollup rows of the week (a range on the key). */
    private static void explain(Harness m, TestDatabases.Kind kind, Instant now) {
        for (RollupTier tier : RollupTier.values()) {
            String sql = "EXPLAIN SELECT r.bucket_start, r.target, r.test_type, r.result_count, r.latency_histogram FROM "
                    + tier.table() + " r WHERE 1 = 1 AND r.bucket_start >= :from AND r.bucket_start < :to";
            List<String> plan = m.db().read(h -> h.createQuery(sql).bind("from", now.minus(Duration.ofDays(6)))
                    .bind("to", now).map((rs, ctx) -> {
                        StringBuilder b = new StringBuilder();
                        for (int c = 1; c <= rs.getMetaData().getColumnCount(); c++) {
                            b.append(c > 1 ? " | " : "").append(rs.getString(c));
                        }
                        return b.toString().replaceAll("\\s+", " ");
                    }).list());
            System.out.printf("%s: plan of a %s scan: %s%n", kind, tier.table(), String.join(" / ", plan));
        }
    }

    private static void get(HttpClient client, Harness m, String token, String path) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(m.uri(path)).header("Authorization", token)
                .timeout(Duration.ofMinutes(5)).GET().build();
        HttpResponse<String> r = client.send(req, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + r.body());
        }
    }

    /** Stores {@code total} results of the last 8 days, in batches of 1000 on {@link #LOADERS} threads. */
    static void load(ResultRepository store, int total, Instant now) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(LOADERS);
        AtomicLong next = new AtomicLong();
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int w = 0; w < LOADERS; w++) {
                int seed = w;
                fs.add(pool.submit(() -> {
                    Random rnd = new Random(seed);
                    long from;
                    int round = 0;
                    while ((from = next.getAndAdd(BATCH)) < total) {
                        int n = (int) Math.min(BATCH, total - from);
                        // one device's upload, as an agent sends them; each loader has devices of its own, as agents do
                        int device = (round++ * LOADERS + seed) % DEVICES;
                        // ... covering about 8 hours: 10 series every ~5 minutes
                        Instant end = now.minusMillis((long) (rnd.nextDouble() * Duration.ofHours(184).toMillis()));
                        List<ResultRepository.Incoming> batch = new ArrayList<>(n);
                        for (int i = 0; i < n; i++) {
                            batch.add(incoming(rnd, end, device));
                        }
                        store.store(batch, null, null, now);
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static ResultRepository.Incoming incoming(Random rnd, Instant end, int device) {
        boolean ok = rnd.nextInt(50) != 0;
        TestType type = rnd.nextBoolean() ? TestType.TCP : TestType.ICMP;
        ProbeResult r = ProbeResult.builder().id(UuidV7.next()).testType(type)
                .target((type == TestType.TCP ? "tcp://" : "icmp://") + "192.0.2." + (1 + rnd.nextInt(TARGETS)) + (type == TestType.TCP ? ":443" : ""))
                .startedAt(end.minusMillis((long) (rnd.nextDouble() * Duration.ofHours(8).toMillis())))
                .durationMs(40.0).success(ok).error(ok ? null : "timeout: no answer").source(Source.AGENT).tier(1)
                .device(new Device("SN-" + device, "agent-" + device, "linux", null, null, null))
                .latencyMs(ok ? Math.exp(rnd.nextGaussian() * 0.5 + 2.5) : null)
                .packetLossPercent(ok ? 0.0 : 100.0).build();
        return new ResultRepository.Incoming(r, Json.write(r));
    }
}
