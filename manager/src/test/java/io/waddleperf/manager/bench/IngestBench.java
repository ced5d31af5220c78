package io.waddleperf.manager.bench;

import io.waddleperf.core.result.UuidV7;
import io.waddleperf.manager.Harness;
import io.waddleperf.manager.store.Database;
import io.waddleperf.manager.store.TestDatabases;
import io.waddleperf.manager.store.Uuids;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;

/**
 * Ingest rate of the manager (bench/manager-ingest.sh, docs/BENCHMARKS.md): N uploaders POST batches of B results
 * to {@code /api/v1/results} over HTTP for S seconds, each waiting for the answer (acknowledged after commit) before
 * the next; then, in the same run, the same number of threads insert batches of B rows straight into the same table
 * with JDBC (one transaction per batch) — the ceiling the database itself gives. Prints both rates and the ratio.
 *
 * <p>usage: IngestBench h2|mariadb [seconds=20] [uploaders=8] [batch=500]
 */
public final class IngestBench {

    /** A tcp result as the CLI makes it, with the id left open. */
    private static final String TEMPLATE = "{\"id\":\"%s\",\"test_type\":\"tcp\",\"target\":\"tcp://192.0.2.%d:443\","
            + "\"target_host\":\"192.0.2.%d\",\"target_ip\":\"192.0.2.%d\",\"target_port\":443,"
            + "\"started_at\":\"%s\",\"duration_ms\":48.213,\"success\":true,\"source\":\"agent\","
            + "\"device\":{\"serial\":\"SN-%d\",\"hostname\":\"agent-%d\",\"os\":\"linux\"},"
            + "\"latency_ms\":11.904,\"min_latency_ms\":11.2,\"max_latency_ms\":13.1,\"p50_latency_ms\":11.8,"
            + "\"p95_latency_ms\":13.0,\"stddev_latency_ms\":0.6,\"packets_sent\":4,\"packets_received\":4,"
            + "\"packet_loss_percent\":0.0}";

    private IngestBench() {
    }

    public static void main(String[] args) throws Exception {
        TestDatabases.Kind kind = TestDatabases.Kind.valueOf(args[0].toUpperCase(java.util.Locale.ROOT));
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int uploaders = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        int batch = args.length > 3 ? Integer.parseInt(args[3]) : 500;
        int rules = args.length > 4 ? Integer.parseInt(args[4]) : 0;
        double api;
        double withRules = Double.NaN;
        if (rules > 0) {
            // the first manager of a JVM runs on colder code: a throwaway run first, then without rules, with them,
            // and without again, so the comparison is not the JIT's
            viaApi(kind, seconds / 2 + 1, uploaders, batch, 0);
            double before = viaApi(kind, seconds, uploaders, batch, 0);
            withRules = viaApi(kind, seconds, uploaders, batch, rules);
            api = (before + viaApi(kind, seconds, uploaders, batch, 0)) / 2;
        } else {
            api = viaApi(kind, seconds, uploaders, batch, 0);
        }
        double jdbc = viaJdbc(kind, seconds, uploaders, batch);
        System.out.printf("%s: %d uploaders x batches of %d for %d s: API %.0f results/s, raw JDBC batch insert %.0f rows/s, ratio %.2f%n",
                kind, uploaders, batch, seconds, api, jdbc, api / jdbc);
        if (rules > 0) {
            System.out.printf("%s: with %d alert rules on the batch's targets: API %.0f results/s, %.2f of the API without rules "
                    + "(mean of the runs before and after), ratio to raw JDBC %.2f%n", kind, rules, withRules, withRules / api, withRules / jdbc);
        }
    }

    static String body(int batch, int seed) {
        StringBuilder sb = new StringBuilder(batch * 520).append('[');
        String now = Instant.now().toString();
        for (int i = 0; i < batch; i++) {
            int n = (seed + i) % 250;
            sb.append(i == 0 ? "" : ",").append(String.format(TEMPLATE, UuidV7.next(), n, n, n, now, n, n));
        }
        return sb.append(']').toString();
    }

    /**
     * @param rules alert rules to make first, one per target (latency over a 5-minute window, never firing): every
     *              batch then evaluates {@code min(rules, 250)} of them after its commit
     */
    static double viaApi(TestDatabases.Kind kind, int seconds, int uploaders, int batch, int rules) throws Exception {
        try (Harness m = Harness.start(kind, Map.of("db.pool_size", Integer.toString(uploaders + 2),
                "alerts.max_rules_per_ou", Integer.toString(Math.max(1, rules))), java.time.InstantSource.system())) {
            String token = m.adminLogin();
            for (int i = 0; i < rules; i++) {
                Harness.Answer a = m.call("POST", "/api/v1/alerts/rules", token, Map.of("name", "bench " + i,
                        "target", "tcp://192.0.2." + (i % 250) + ":443", "metric", "latency_ms", "comparison", "gt",
                        "threshold", 1000, "window_seconds", 300, "min_samples", 3));
                if (a.status() != 201) {
                    throw new IllegalStateException("rule answered " + a);
                }
            }
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            // warm-up: the JIT and the pool, not counted
            run(seconds / 4 + 1, uploaders, () -> post(client, m, token, batch), new LongAdder(), batch);
            LongAdder acked = new LongAdder();
            long t0 = System.nanoTime();
            Cpu c0 = Cpu.now(kind);
            run(seconds, uploaders, () -> post(client, m, token, batch), acked, batch);
            double rate = acked.sum() / ((System.nanoTime() - t0) / 1e9);
            Cpu.now(kind).minus(c0).print(kind + " API" + (rules > 0 ? " with " + rules + " rules" : ""), acked.sum());
            // whether the background folder kept up: deltas still waiting when the uploads stop
            System.out.printf("%s API: %d rollup deltas (batches) not yet folded at the end%n", kind,
                    new io.waddleperf.manager.store.RollupRepository(m.db()).pendingDeltas());
            return rate;
        }
    }

    private static boolean post(HttpClient client, Harness m, String token, int batch) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(m.uri("/api/v1/results")).header("Authorization", token)
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body(batch, (int) System.nanoTime()))).build();
        HttpResponse<String> r = client.send(req, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IllegalStateException("upload answered " + r.statusCode() + ": " + r.body());
        }
        return true;
    }

    static double viaJdbc(TestDatabases.Kind kind, int seconds, int threads, int batch) throws Exception {
        TestDatabases.Fresh f = TestDatabases.fresh(kind);
        try (f; Database db = Database.open(f.url(), f.user(), null, 2, Duration.ofSeconds(10), Duration.ofSeconds(30), 3)) {
            // the schema is made by the migration; the rows go in without the manager in between
            LongAdder rows = new LongAdder();
            run(seconds / 4 + 1, threads, () -> insert(f, batch), new LongAdder(), batch);
            long t0 = System.nanoTime();
            Cpu c0 = Cpu.now(kind);
            run(seconds, threads, () -> insert(f, batch), rows, batch);
            double rate = rows.sum() / ((System.nanoTime() - t0) / 1e9);
            Cpu.now(kind).minus(c0).print(kind + " raw JDBC", rows.sum());
            return rate;
        }
    }

    private static final ThreadLocal<Connection> CONNECTION = new ThreadLocal<>();

    private static boolean insert(TestDatabases.Fresh f, int batch) throws Exception {
        Connection c = CONNECTION.get();
        if (c == null) {
            java.util.Properties props = new java.util.Properties();
            if (f.user() != null) {
                // the same driver settings the manager's pool uses, so both sides batch alike
                props.putAll(Database.MARIADB_PROPERTIES);
                props.put("user", f.user());
                props.put("password", "");
            }
            c = DriverManager.getConnection(f.url(), props);
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            CONNECTION.set(c);
        }
        String doc = body(1, 0);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO results (id, ou_id, submitted_by, test_type, target, "
                + "target_host, target_ip, started_at, received_at, duration_ms, success, error, tier, source, device_serial, "
                + "device_hostname, latency_ms, jitter_ms, packet_loss_percent, throughput_mbps, document) "
                + "VALUES (?, NULL, NULL, 'tcp', ?, ?, ?, ?, ?, 48.213, TRUE, NULL, NULL, 'agent', ?, ?, 11.904, NULL, 0.0, NULL, ?)")) {
            LocalDateTime now = LocalDateTime.ofInstant(Instant.now(), ZoneOffset.UTC);
            for (int i = 0; i < batch; i++) {
                int n = i % 250;
                ps.setBytes(1, Uuids.toBytes(UuidV7.next()));
                ps.setString(2, "tcp://192.0.2." + n + ":443");
                ps.setString(3, "192.0.2." + n);
                ps.setString(4, "192.0.2." + n);
                ps.setObject(5, now);
                ps.setObject(6, now);
                ps.setString(7, "SN-" + n);
                ps.setString(8, "agent-" + n);
                ps.setString(9, doc.substring(1, doc.length() - 1));
                ps.addBatch();
            }
            ps.executeBatch();
        }
        c.commit();
        return true;
    }

    /**
     * CPU time used so far by this JVM (uploaders, manager and its folder, or the raw inserting threads; with H2 also
     * the database) and by the MariaDB server process, in nanoseconds (-1: no server process found). On a shared,
     * loaded host the rates swing with what else runs; the CPU spent per result does much less.
     */
    record Cpu(long jvm, long server) {
        static Cpu now(TestDatabases.Kind kind) {
            long jvm = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                    .getOperatingSystemMXBean()).getProcessCpuTime();
            // other work on the host may use the same MariaDB server: its figure is an upper bound
            return new Cpu(jvm, kind == TestDatabases.Kind.MARIADB ? serverCpu() : -1);
        }

        Cpu minus(Cpu before) {
            return new Cpu(jvm - before.jvm, server < 0 || before.server < 0 ? -1 : server - before.server);
        }

        void print(String what, long results) {
            double per = 1000.0 / Math.max(1, results) / 1e6;
            System.out.printf("%s: CPU per 1000 results: this JVM %.0f ms, MariaDB server %s%n", what, jvm * per,
                    server < 0 ? "-" : String.format("%.0f ms", server * per));
        }

        /** utime + stime of the mariadbd process from /proc (clock ticks of 10 ms), or -1. */
        private static long serverCpu() {
            try (var dirs = java.nio.file.Files.list(java.nio.file.Path.of("/proc"))) {
                for (java.nio.file.Path d : (Iterable<java.nio.file.Path>) dirs::iterator) {
                    if (!d.getFileName().toString().chars().allMatch(Character::isDigit)) {
                        continue;
                    }
                    try {
                        String comm = java.nio.file.Files.readString(d.resolve("comm")).strip();
                        if (comm.equals("mariadbd") || comm.equals("mysqld")) {
                            String stat = java.nio.file.Files.readString(d.resolve("stat"));
                            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                            // fields 14 and 15 of stat; after the command they are the 12th and 13th
                            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L;
                        }
                    } catch (java.io.IOException | RuntimeException e) {
                        // a process that ended meanwhile
                    }
                }
            } catch (java.io.IOException e) {
                return -1;
            }
            return -1;
        }
    }

    interface Step {
        boolean once() throws Exception;
    }

    /** Runs {@code step} on {@code threads} threads for {@code seconds}, adding {@code batch} per completed step. */
    static void run(int seconds, int threads, Step step, LongAdder done, int batch) throws Exception {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                fs.add(pool.submit(() -> {
                    while (System.nanoTime() < end) {
                        if (step.once()) {
                            done.add(batch);
                        }
                    }
                    Connection c = CONNECTION.get();
                    if (c != null) {
                        c.close();
                        CONNECTION.remove();
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
}
