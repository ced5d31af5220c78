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

    private static final String ZERO_ID = "00000000-0000-0000-0000-000000000000";
    private static final String ZERO_TIME = "2000-01-01T00:00:00.000Z";
    private static final java.time.format.DateTimeFormatter MILLIS = java.time.format.DateTimeFormatter
            .ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    /**
     * One uploader's request body, made once: each upload writes fresh ids and the current time into it in place.
     * Formatting 500 results per request on the uploaders' threads cost as much CPU as a good part of the manager's
     * work on them, on the same two cores; this keeps the client side cheap, so the figures are the manager's.
     */
    static final class Body {
        final byte[] bytes;
        private final int[] ids;
        private final int[] times;

        Body(int batch, int seed) {
            StringBuilder sb = new StringBuilder(batch * 520).append('[');
            ids = new int[batch];
            times = new int[batch];
            for (int i = 0; i < batch; i++) {
                int n = (seed + i) % 250;
                sb.append(i == 0 ? "" : ",");
                String one = String.format(TEMPLATE, ZERO_ID, n, n, n, ZERO_TIME, n, n);
                ids[i] = sb.length() + one.indexOf(ZERO_ID);
                times[i] = sb.length() + one.indexOf(ZERO_TIME);
                sb.append(one);
            }
            bytes = sb.append(']').toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }

        /** The body with fresh ids and the current time (fixed-width text, so the offsets hold). */
        @SuppressWarnings("deprecation")
        byte[] fresh() {
            String now = MILLIS.format(Instant.now());
            for (int i = 0; i < ids.length; i++) {
                UuidV7.next().toString().getBytes(0, 36, bytes, ids[i]);
                now.getBytes(0, 24, bytes, times[i]);
            }
            return bytes;
        }
    }

    private static final ThreadLocal<Body> BODY = new ThreadLocal<>();

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
            LongAdder uploaderCpu = new LongAdder();
            long t0 = System.nanoTime();
            Cpu c0 = Cpu.now(kind);
            long client0 = httpClientCpu();
            Map<String, Long> vm0 = threadGroupsCpu();
            run(seconds, uploaders, () -> post(client, m, token, batch), acked, batch, uploaderCpu);
            long clientCpu = uploaderCpu.sum() + httpClientCpu() - client0;
            double rate = acked.sum() / ((System.nanoTime() - t0) / 1e9);
            Cpu used = Cpu.now(kind).minus(c0);
            used.print(kind + " API" + (rules > 0 ? " with " + rules + " rules" : ""), acked.sum());
            double per = 1000.0 / Math.max(1, acked.sum()) / 1e6;
            Map<String, Long> vm1 = threadGroupsCpu();
            long gc = sum(vm1, "GC Thread", "G# ") - sum(vm0, "GC Thread", "G# ");
            long jit = sum(vm1, "C# Compiler") - sum(vm0, "C# Compiler");
            System.out.printf("%s API: of the JVM's CPU per 1000 results, uploaders (their threads and the HTTP "
                    + "client's) %.1f ms, garbage collection %.1f ms, JIT compilers %.1f ms, the rest (manager and its "
                    + "folder%s) %.1f ms%n", kind, clientCpu * per, gc * per, jit * per,
                    kind == TestDatabases.Kind.H2 ? ", with H2" : "", (used.jvm() - clientCpu - gc - jit) * per);
            System.out.printf("%s API: CPU per 1000 results by thread (ms, threads alive at the end): %s%n", kind,
                    groupsPer1000(vm0, vm1, acked.sum()));
            // whether the background folder kept up: deltas still waiting when the uploads stop
            System.out.printf("%s API: %d rollup deltas (batches) not yet folded at the end%n", kind,
                    new io.waddleperf.manager.store.RollupRepository(m.db()).pendingDeltas());
            return rate;
        }
    }

    private static boolean post(HttpClient client, Harness m, String token, int batch) throws Exception {
        Body body = BODY.get();
        if (body == null || body.ids.length != batch) {
            body = new Body(batch, (int) (Thread.currentThread().threadId() * 31));
            BODY.set(body);
        }
        HttpRequest req = HttpRequest.newBuilder(m.uri("/api/v1/results")).header("Authorization", token)
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.fresh())).build();
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

    /**
     * CPU time so far of this JVM's threads that are alive now, from /proc (clock ticks of 10 ms), by the thread's
     * name with its digits left out (as the kernel keeps it: 15 characters): garbage collection, the JIT compilers,
     * the rollup folder, the carriers of the virtual threads the manager's handlers run on, and so on. Empty where
     * /proc cannot be read.
     */
    static Map<String, Long> threadGroupsCpu() {
        Map<String, Long> out = new java.util.TreeMap<>();
        try (var tasks = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/task"))) {
            for (java.nio.file.Path t : (Iterable<java.nio.file.Path>) tasks::iterator) {
                try {
                    String comm = java.nio.file.Files.readString(t.resolve("comm")).strip().replaceAll("[0-9]+", "#");
                    String stat = java.nio.file.Files.readString(t.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    out.merge(comm, (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10_000_000L, Long::sum);
                } catch (java.io.IOException | RuntimeException e) {
                    // a thread that ended meanwhile
                }
            }
        } catch (java.io.IOException e) {
            return Map.of();
        }
        return out;
    }

    /** The groups' CPU between two readings, per 1000 results, largest first, those of at least 0.5 ms. */
    static String groupsPer1000(Map<String, Long> before, Map<String, Long> after, long results) {
        StringBuilder sb = new StringBuilder();
        after.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), (e.getValue() - before.getOrDefault(e.getKey(), 0L)) * 1000.0 / Math.max(1, results) / 1e6))
                .filter(e -> e.getValue() >= 0.5)
                .sorted((a, b) -> Double.compare(b.getValue(), a.getValue()))
                .forEach(e -> sb.append(sb.isEmpty() ? "" : ", ").append('\'').append(e.getKey()).append("' ")
                        .append(String.format("%.1f", e.getValue())));
        return sb.toString();
    }

    private static long sum(Map<String, Long> groups, String... prefixes) {
        long n = 0;
        for (Map.Entry<String, Long> e : groups.entrySet()) {
            for (String p : prefixes) {
                if (e.getKey().startsWith(p)) {
                    n += e.getValue();
                    break;
                }
            }
        }
        return n;
    }

    /** CPU time so far of the JDK HTTP client's own threads (selector, workers) that are alive now. */
    private static long httpClientCpu() {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (java.lang.management.ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (t != null && t.getThreadName().startsWith("HttpClient-")) {
                sum += Math.max(0, mx.getThreadCpuTime(t.getThreadId()));
            }
        }
        return sum;
    }

    static void run(int seconds, int threads, Step step, LongAdder done, int batch) throws Exception {
        run(seconds, threads, step, done, batch, new LongAdder());
    }

    /**
     * Runs {@code step} on {@code threads} threads for {@code seconds}, adding {@code batch} per completed step and
     * the threads' own CPU time to {@code cpu}.
     */
    static void run(int seconds, int threads, Step step, LongAdder done, int batch, LongAdder cpu) throws Exception {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                fs.add(pool.submit(() -> {
                    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
                    long cpu0 = mx.getCurrentThreadCpuTime();
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
                    cpu.add(mx.getCurrentThreadCpuTime() - cpu0);
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
