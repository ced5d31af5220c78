package io.waddleperf.manager.bench;

import io.waddleperf.core.result.Json;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.UuidV7;
import io.waddleperf.core.stats.Percentiles;
import io.waddleperf.manager.Harness;
import io.waddleperf.manager.ManagerConfig;
import io.waddleperf.manager.RetentionRound;
import io.waddleperf.manager.auth.PasswordHasher;
import io.waddleperf.manager.auth.Role;
import io.waddleperf.manager.auth.Tokens;
import io.waddleperf.manager.stats.RollupTier;
import io.waddleperf.manager.store.Database;
import io.waddleperf.manager.store.BulkFill;
import io.waddleperf.manager.store.DeviceRepository;
import io.waddleperf.manager.store.EnrollmentSecretRepository;
import io.waddleperf.manager.store.OrganizationRepository;
import io.waddleperf.manager.store.ResultRepository;
import io.waddleperf.manager.store.RollupRepository;
import io.waddleperf.manager.store.TestDatabases;
import io.waddleperf.manager.store.UserRepository;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The manager at scale (bench/manager-scale.sh, docs/BENCHMARKS.md): a year of realistic results ({@link ScaleData})
 * stored through the manager's own store path, then dashboard and statistics requests over HTTP on that store, then
 * the retention deleting over a million rows in small batches while uploaders ingest over HTTP.
 *
 * <p>Phases, given as a comma-separated list (each runs its own manager over the same database, so they can be run
 * apart, e.g. the queries again on a store already filled):
 * <ul>
 *   <li>{@code load}: makes the database afresh, the OUs, a user per OU and the devices (enrolled through an
 *       enrolment secret as agents enrol), then {@code writers} threads store the fleet's results through
 *       {@link ResultRepository#store} — results and their rollup delta in one transaction, the manager's folder
 *       folding meanwhile — one device's 14-day window per unit of work (its agent's results in one batch, its
 *       users' CLI and browser results in another), the devices in ten slices, each slice's windows oldest first.
 *       Writers pause while more than {@link #MAX_WAITING_DELTAS} deltas wait, so the rate printed is what is
 *       stored and folded; what is left is folded at the end. Prints rows/s and the rollup rows made.</li>
 *   <li>{@code bulk}: instead of {@code load}, fills the store with the same results rows and the rollup rows
 *       folding their deltas would leave, written directly ({@link #fillBulk}, {@link BulkFill}): no deltas, no
 *       folder, about 5× the store path's rate on this fleet ({@code ScaleBulkLoadTest} checks the rows are the
 *       same).</li>
 *   <li>{@code query}: times each dashboard and statistics request {@code requests} times, one at a time, after a
 *       warm-up; prints p50 and p95 and whether p95 is within 200 ms, and the query plans of the rollup scans.</li>
 *   <li>{@code retention}: 8 uploaders POST batches of 500 to {@code /api/v1/results}; after a 10 s warm-up and a
 *       40 s baseline window, one housekeeping round deletes the oldest 1 100 000 raw results (a retention in whole
 *       hours for every tier, set to cut that many) in transactions of {@code retention.batch_size}; prints upload
 *       latency p50/p95/p99 and results/s before, during and 20 s after the deletion, and how long it took.</li>
 *   <li>{@code drop}: drops the database (MariaDB) or deletes its files (H2).</li>
 * </ul>
 * While loading and querying the manager keeps raw results and rollups 400 days, so its own housekeeping (every 5
 * minutes) deletes nothing of the year; the retention phase's round is the one that deletes.
 *
 * <p>usage: ScaleBench h2|mariadb results phases [requests=40] [writers=4] [load_seconds=0] [delete_seconds=0]
 * [uploaders=8] [upload_batch=500] — {@code load_seconds} and {@code delete_seconds} (0: no limit) bound a phase on a
 * host with a time box: the load then stops taking new work (the store stays consistent, see {@link #load}), the
 * deletion is reported as far as it got and the run ends there.
 */
public final class ScaleBench {

    static final String MARIADB_NAME = "wp_scale_bench";
    static final Path H2_DIR = Path.of(System.getProperty("java.io.tmpdir"), "wp-scale-bench-h2");
    private static final long SEED = 15;
    private static final Duration WINDOW = Duration.ofDays(14);
    private static final Duration KEEP_ALL = Duration.ofDays(400);
    private static final double GOAL_MS = 200;

    private ScaleBench() {
    }

    public static void main(String[] args) throws Exception {
        TestDatabases.Kind kind = TestDatabases.Kind.valueOf(args[0].toUpperCase(Locale.ROOT));
        long results = Long.parseLong(args[1]);
        List<String> phases = Arrays.asList(args[2].split(","));
        int requests = args.length > 3 ? Integer.parseInt(args[3]) : 40;
        int writers = args.length > 4 ? Integer.parseInt(args[4]) : 4;
        long loadSeconds = args.length > 5 ? Long.parseLong(args[5]) : 0;
        long deleteSeconds = args.length > 6 ? Long.parseLong(args[6]) : 0;
        int uploaders = args.length > 7 ? Integer.parseInt(args[7]) : 8;
        int uploadBatch = args.length > 8 ? Integer.parseInt(args[8]) : 500;
        for (String p : phases) {
            if (!List.of("load", "bulk", "query", "retention", "drop").contains(p)) {
                throw new IllegalArgumentException("unknown phase '" + p + "': load, bulk, query, retention or drop");
            }
        }
        System.out.printf("%s: load average %s at the start, %d cores%n", kind, loadAverage(),
                Runtime.getRuntime().availableProcessors());
        try {
            if (phases.contains("load") || phases.contains("bulk")) {
                load(kind, results, writers, loadSeconds, phases.contains("bulk"));
            }
            if (phases.contains("query")) {
                query(kind, results, requests);
            }
            if (phases.contains("retention")) {
                retention(kind, results, uploaders, uploadBatch, deleteSeconds);
            }
        } finally {
            // the database goes also when a phase failed, so a failed run leaves no gigabytes behind
            if (phases.contains("drop")) {
                drop(kind);
            }
        }
        System.out.printf("%s: load average %s at the end%n", kind, loadAverage());
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    private static String url(TestDatabases.Kind kind) {
        return kind == TestDatabases.Kind.MARIADB ? TestDatabases.MARIADB_SERVER + MARIADB_NAME
                : "jdbc:h2:file:" + H2_DIR.resolve("manager") + ";" + Database.H2_OPTIONS;
    }

    private static String user(TestDatabases.Kind kind) {
        return kind == TestDatabases.Kind.MARIADB ? TestDatabases.MARIADB_USER : "sa";
    }

    /** A manager over the bench database, keeping everything 400 days (its own housekeeping deletes nothing). */
    private static Harness manager(TestDatabases.Kind kind, int pool, boolean createAdmin) {
        return manager(url(kind), user(kind), pool, createAdmin);
    }

    /** A manager over the database at {@code url}, keeping everything 400 days. */
    static Harness manager(String url, String user, int pool, boolean createAdmin) {
        Map<String, String> settings = new HashMap<>(Map.of("db.pool_size", Integer.toString(pool)));
        for (String key : List.of("results", "tier1_results", "tier2_results", "tier3_results", "minute_rollups",
                "hour_rollups", "day_rollups")) {
            settings.put("retention." + key, KEEP_ALL.toDays() + "d");
        }
        return Harness.startOn(url, user, "", settings, createAdmin);
    }

    private static void drop(TestDatabases.Kind kind) throws Exception {
        if (kind == TestDatabases.Kind.MARIADB) {
            try (Connection c = DriverManager.getConnection(TestDatabases.MARIADB_SERVER, TestDatabases.MARIADB_USER, "");
                 Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + MARIADB_NAME);
            }
        } else if (Files.exists(H2_DIR)) {
            try (var files = Files.walk(H2_DIR)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        System.out.printf("%s: bench database dropped%n", kind);
    }

    // ---------------------------------------------------------------------------------------------------- load

    /** Deltas waiting beyond which writers pause: the load's rate is then what is stored and folded. */
    private static final long MAX_WAITING_DELTAS = 2000;
    /** The fleet is loaded in this many slices of devices, each over the whole year. */
    private static final int SLICES = 10;

    private static void load(TestDatabases.Kind kind, long total, int writers, long limitSeconds, boolean bulk)
            throws Exception {
        drop(kind);
        if (kind == TestDatabases.Kind.MARIADB) {
            try (Connection c = DriverManager.getConnection(TestDatabases.MARIADB_SERVER, TestDatabases.MARIADB_USER, "");
                 Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + MARIADB_NAME + " CHARACTER SET utf8mb4");
            }
        } else {
            Files.createDirectories(H2_DIR);
        }
        Instant now = Instant.now();
        ScaleData data = new ScaleData(SEED, total, now);
        try (Harness m = manager(url(kind), user(kind), writers + 4, true)) {
            List<Integer> devs = new ArrayList<>();
            for (int d = 0; d < ScaleData.DEVICES; d++) {
                devs.add(d);
            }
            long e0 = System.nanoTime();
            Fleet fleet = enrol(m.db(), data, now, devs);
            System.out.printf("%s: fleet of %d OUs, %d devices, %d targets (enrolled in %.0f s); tier 1 every %.0f min "
                            + "per series%n", kind, ScaleData.OUS, ScaleData.DEVICES, data.targets().length,
                    (System.nanoTime() - e0) / 1e9, data.intervalMinutes());
            List<long[]> windows = windows(data.yearStart(), now);
            if (bulk) {
                fillBulk(kind.toString(), m.db(), data, fleet, devs, windows, writers, limitSeconds);
            } else {
                fillStore(kind.toString(), m.db(), data, fleet, devs, windows, writers, limitSeconds);
            }
            printStore(kind, m, new ResultRepository(m.db()), new RollupRepository(m.db()));
        }
    }

    /** The OUs, their users and the enrolled devices (null where a device is not in the fleet loaded). */
    record Fleet(UUID[] ous, UUID[] users, UUID[] devices) {
    }

    /** The fleet: OUs, a user each (who runs the CLI), {@code devs} enrolled through their OU's secret. */
    static Fleet enrol(Database db, ScaleData data, Instant now, List<Integer> devs) {
        OrganizationRepository ous = new OrganizationRepository(db);
        UserRepository users = new UserRepository(db);
        EnrollmentSecretRepository secrets = new EnrollmentSecretRepository(db);
        DeviceRepository devices = new DeviceRepository(db);
        String hash = new PasswordHasher().hash("scale bench user password");
        UUID[] ouIds = new UUID[ScaleData.OUS];
        UUID[] userIds = new UUID[ScaleData.OUS];
        String[] secretTexts = new String[ScaleData.OUS];
        for (int o = 0; o < ScaleData.OUS; o++) {
            ouIds[o] = ous.create("ou-" + o, "scale bench OU " + o, now).id();
            userIds[o] = users.create("user-ou" + o, hash, Role.USER, ouIds[o], null, now).id();
            secretTexts[o] = Tokens.newEnrollmentSecret();
            secrets.create(ouIds[o], "fleet", Tokens.digest(secretTexts[o]), secretTexts[o].substring(0, 8), null,
                    now, null);
        }
        UUID[] deviceIds = new UUID[ScaleData.DEVICES];
        for (int d : devs) {
            ScaleData.Agent a = data.agent(d);
            String credential = Tokens.newDeviceCredential();
            DeviceRepository.Enrollment e = devices.enroll(Tokens.digest(secretTexts[a.ou()]),
                    new DeviceRepository.Facts(a.serial(), a.hostname(), a.os(), null, "agent", "1.4.0"),
                    Tokens.digest(credential), credential.substring(0, 8), "198.51.100." + (d % 250 + 1),
                    Instant.ofEpochMilli(a.activeFrom()));
            deviceIds[d] = e.device().id();
            devices.seen(deviceIds[d], "198.51.100." + (d % 250 + 1), Instant.ofEpochMilli(a.activeTo()));
        }
        return new Fleet(ouIds, userIds, deviceIds);
    }

    /**
     * The upload windows from {@code from} to {@code now}: 14 days each, starting at whole UTC days (so a day's
     * rollup rows lie in one window, which the bulk fill needs), the last one ending at {@code now}. Both loads use
     * the same windows, and a device's results depend on the window's start ({@link ScaleData#results}).
     */
    static List<long[]> windows(Instant from, Instant now) {
        List<long[]> out = new ArrayList<>();
        long end = now.toEpochMilli();
        for (long w = RollupTier.DAY.floor(from).toEpochMilli(); w < end; w += WINDOW.toMillis()) {
            out.add(new long[] {w, Math.min(end, w + WINDOW.toMillis())});
        }
        return out;
    }

    /** What a device's upload of one window holds: the agent's own results and its users' (CLI and browser). */
    private record WindowUpload(List<ResultRepository.Incoming> agent, List<ResultRepository.Incoming> user,
                          List<ProbeResult> agentResults, List<ProbeResult> userResults) {
        static WindowUpload of(List<ProbeResult> made) {
            List<ResultRepository.Incoming> agentBatch = new ArrayList<>();
            List<ResultRepository.Incoming> userBatch = new ArrayList<>();
            List<ProbeResult> a = new ArrayList<>();
            List<ProbeResult> u = new ArrayList<>();
            for (ProbeResult r : made) {
                (r.tier() == null ? userBatch : agentBatch).add(new ResultRepository.Incoming(r, Json.write(r)));
                (r.tier() == null ? u : a).add(r);
            }
            return new WindowUpload(agentBatch, userBatch, a, u);
        }

        int size() {
            return agent.size() + user.size();
        }
    }

    /**
     * The realistic path: every result through {@link ResultRepository#store} — results and their rollup delta in one
     * transaction, as an upload does — while the manager's folder folds. Returns the results stored.
     */
    static long fillStore(String label, Database db, ScaleData data, Fleet fleet, List<Integer> devices,
                          List<long[]> windows, int writers, long limitSeconds) throws Exception {
        // work: (window, device) — the devices in slices of a tenth, shuffled; per slice the windows oldest first,
        // as a year of uploads arrived. A load stopped early (load_seconds) so holds whole years of fewer devices.
        List<Integer> devs = new ArrayList<>(devices);
        Collections.shuffle(devs, new Random(SEED));
        List<long[]> work = new ArrayList<>();
        int perSlice = (devs.size() + SLICES - 1) / SLICES;
        for (int s = 0; s < SLICES; s++) {
            List<Integer> slice = devs.subList(Math.min(devs.size(), s * perSlice), Math.min(devs.size(), (s + 1) * perSlice));
            for (long[] w : windows) {
                for (int d : slice) {
                    work.add(new long[] {w[0], w[1], d});
                }
            }
        }
        long deadline = limitSeconds > 0 ? System.nanoTime() + limitSeconds * 1_000_000_000L : Long.MAX_VALUE;
        AtomicLong waitingDeltas = new AtomicLong();
        AtomicLong pausedMillis = new AtomicLong();
        ResultRepository store = new ResultRepository(db);
        RollupRepository rollups = new RollupRepository(db);
        AtomicInteger next = new AtomicInteger();
        AtomicLong stored = new AtomicLong();
        AtomicLong batches = new AtomicLong();
        long t0 = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        List<Future<?>> fs = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            fs.add(pool.submit(() -> {
                int i;
                while (System.nanoTime() < deadline && (i = next.getAndIncrement()) < work.size()) {
                    // the folder sets the pace: beyond MAX_WAITING_DELTAS the writers wait for it
                    while (waitingDeltas.get() > MAX_WAITING_DELTAS) {
                        Thread.sleep(100);
                        pausedMillis.addAndGet(100);
                    }
                    long[] item = work.get(i);
                    int d = (int) item[2];
                    WindowUpload up = WindowUpload.of(data.results(d, item[0], item[1]));
                    // an agent's upload is its own results (ou of the device, no submitting user); the
                    // CLI's and the browser's go up under the OU's user, as a user's login uploads them
                    int ou = data.agent(d).ou();
                    Instant received = Instant.ofEpochMilli(item[1]);
                    for (int from = 0; from < up.agent().size(); from += 500) {
                        store.store(up.agent().subList(from, Math.min(up.agent().size(), from + 500)), fleet.ous()[ou],
                                null, fleet.devices()[d], received);
                        batches.incrementAndGet();
                    }
                    if (!up.user().isEmpty()) {
                        store.store(up.user(), fleet.ous()[ou], fleet.users()[ou], received);
                        batches.incrementAndGet();
                    }
                    stored.addAndGet(up.size());
                }
                return null;
            }));
        }
        Thread progress = Thread.ofPlatform().daemon().start(() -> {
            try {
                for (int tick = 1; ; tick++) {
                    Thread.sleep(1000);
                    waitingDeltas.set(rollups.pendingDeltas());
                    if (tick % 30 == 0) {
                        double s = (System.nanoTime() - t0) / 1e9;
                        System.out.printf("%s: ... %d results in %.0f s (%.0f/s), work item %d of %d, %d deltas "
                                        + "waiting, writers paused %.0f s in all, load %s%n", label, stored.get(), s,
                                stored.get() / s, next.get(), work.size(), waitingDeltas.get(),
                                pausedMillis.get() / 1000.0, loadAverage());
                    }
                }
            } catch (InterruptedException e) {
                // done
            }
        });
        try {
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
            progress.interrupt();
        }
        double storeSeconds = (System.nanoTime() - t0) / 1e9;
        long waiting = rollups.pendingDeltas();
        long f0 = System.nanoTime();
        long folded = rollups.foldAll();
        double foldSeconds = (System.nanoTime() - f0) / 1e9;
        double totalSeconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("%s: stored %d results (%s) in %d batches with %d writers in %.0f s (%.0f results/s; writers "
                        + "paused for the folder %.0f s in all); %d deltas were waiting, folded (%d) in %.0f s; total "
                        + "%.0f s (%.0f results/s stored and folded)%n",
                label, stored.get(), next.get() >= work.size() ? "all of the year's work"
                        : "stopped at the time limit after " + Math.min(next.get(), work.size()) + " of " + work.size()
                        + " device windows", batches.get(), writers, storeSeconds, stored.get() / storeSeconds,
                pausedMillis.get() / 1000.0 / writers, waiting, folded, foldSeconds, totalSeconds,
                stored.get() / totalSeconds);
        return stored.get();
    }

    /** Results per transaction of the bulk fill, and rollup rows per transaction. */
    private static final int BULK_TRANSACTION = 5000;

    /**
     * The filling path: the same results rows, and the rollup rows folding their deltas would leave, written
     * directly ({@link BulkFill}) — no deltas, no folder. A unit of work is one OU's devices over one window (whole
     * UTC days), so no two units share a rollup row (every series and per-type key holds the OU; a day bucket lies in
     * one window) and each unit's rows are new; units go window by window, oldest first, so the rollup tables' and
     * the results' keys grow mostly at their end. A load stopped early (load_seconds) holds the oldest part of the
     * year for the whole fleet. Returns the results stored.
     */
    static long fillBulk(String label, Database db, ScaleData data, Fleet fleet, List<Integer> devices,
                         List<long[]> windows, int writers, long limitSeconds) throws Exception {
        List<List<Integer>> perOu = new ArrayList<>();
        for (int o = 0; o < ScaleData.OUS; o++) {
            perOu.add(new ArrayList<>());
        }
        for (int d : devices) {
            perOu.get(data.agent(d).ou()).add(d);
        }
        List<long[]> work = new ArrayList<>();
        for (long[] w : windows) {
            for (int o = 0; o < ScaleData.OUS; o++) {
                if (!perOu.get(o).isEmpty()) {
                    work.add(new long[] {w[0], w[1], o});
                }
            }
        }
        long deadline = limitSeconds > 0 ? System.nanoTime() + limitSeconds * 1_000_000_000L : Long.MAX_VALUE;
        AtomicInteger next = new AtomicInteger();
        AtomicLong stored = new AtomicLong();
        AtomicLong generating = new AtomicLong();
        AtomicLong resultNanos = new AtomicLong();
        AtomicLong rollupNanos = new AtomicLong();
        Map<String, Long> rollupRows = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        List<Future<?>> fs = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            fs.add(pool.submit(() -> {
                int i;
                while (System.nanoTime() < deadline && (i = next.getAndIncrement()) < work.size()) {
                    long[] item = work.get(i);
                    int ou = (int) item[2];
                    Instant received = Instant.ofEpochMilli(item[1]);
                    BulkFill.Rollups rollups = new BulkFill.Rollups();
                    List<java.util.function.Consumer<org.jdbi.v3.core.Handle>> inserts = new ArrayList<>();
                    int[] inTransaction = {0};
                    Runnable flush = () -> {
                        if (!inserts.isEmpty()) {
                            long s = System.nanoTime();
                            db.inTransaction(h -> {
                                inserts.forEach(x -> x.accept(h));
                                return null;
                            });
                            resultNanos.addAndGet(System.nanoTime() - s);
                            stored.addAndGet(inTransaction[0]);
                            inserts.clear();
                            inTransaction[0] = 0;
                        }
                    };
                    for (int d : perOu.get(ou)) {
                        long g = System.nanoTime();
                        WindowUpload up = WindowUpload.of(data.results(d, item[0], item[1]));
                        generating.addAndGet(System.nanoTime() - g);
                        UUID device = fleet.devices()[d];
                        // the same owners as the store path: the agent's results under its device, the users' under
                        // the OU's user
                        inserts.add(h -> BulkFill.insertResults(h, up.agent(), fleet.ous()[ou], null, device, received));
                        inserts.add(h -> BulkFill.insertResults(h, up.user(), fleet.ous()[ou], fleet.users()[ou], null,
                                received));
                        rollups.add(up.agentResults(), fleet.ous()[ou], null);
                        rollups.add(up.userResults(), fleet.ous()[ou], fleet.users()[ou]);
                        inTransaction[0] += up.size();
                        if (inTransaction[0] >= BULK_TRANSACTION) {
                            flush.run();
                        }
                    }
                    flush.run();
                    long r = System.nanoTime();
                    Map<String, Long> rows = rollups.write(db, BULK_TRANSACTION);
                    rollupNanos.addAndGet(System.nanoTime() - r);
                    synchronized (rollupRows) {
                        BulkFill.addUp(rollupRows, rows);
                    }
                }
                return null;
            }));
        }
        Thread progress = Thread.ofPlatform().daemon().start(() -> {
            try {
                for (int tick = 1; ; tick++) {
                    Thread.sleep(30_000);
                    double s = (System.nanoTime() - t0) / 1e9;
                    System.out.printf("%s: ... %d results in %.0f s (%.0f/s), work item %d of %d, load %s%n", label,
                            stored.get(), s, stored.get() / s, next.get(), work.size(), loadAverage());
                }
            } catch (InterruptedException e) {
                // done
            }
        });
        try {
            for (Future<?> f : fs) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
            progress.interrupt();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long rows = rollupRows.values().stream().mapToLong(Long::longValue).sum();
        System.out.printf("%s: bulk: stored %d results (%s) and %d rollup rows %s with %d writers in %.0f s (%.0f "
                        + "results/s, %.0f rollup rows/s); writer time: making the results %.0f s, inserting results "
                        + "%.0f s, rollups (in memory and inserting) %.0f s%n",
                label, stored.get(), next.get() >= work.size() ? "all of the year's work"
                        : "stopped at the time limit after " + Math.min(next.get(), work.size()) + " of " + work.size()
                        + " OU windows", rows, rollupRows, writers, seconds, stored.get() / seconds, rows / seconds,
                generating.get() / 1e9, resultNanos.get() / 1e9, rollupNanos.get() / 1e9);
        return stored.get();
    }

    private static void printStore(TestDatabases.Kind kind, Harness m, ResultRepository store, RollupRepository rollups) {
        Map<String, Long> tiers = new LinkedHashMap<>();
        m.db().read(h -> h.createQuery("SELECT COALESCE(CAST(tier AS CHAR), 'none') AS t, COUNT(*) AS n FROM results "
                + "GROUP BY tier ORDER BY tier").map((rs, ctx) -> tiers.put(rs.getString("t"), rs.getLong("n"))).list());
        // the rest from the day rollups (a scan of the results' documents would take minutes at 10 million)
        Map<String, Long> types = new LinkedHashMap<>();
        m.db().read(h -> h.createQuery("SELECT test_type, SUM(result_count) AS n FROM rollup_day GROUP BY test_type "
                + "ORDER BY 2 DESC").map((rs, ctx) -> types.put(rs.getString(1), rs.getLong(2))).list());
        long failed = m.db().read(h -> h.createQuery("SELECT SUM(result_count - success_count) FROM rollup_day")
                .mapTo(Long.class).one());
        long targets = m.db().read(h -> h.createQuery("SELECT COUNT(DISTINCT target) FROM rollup_day").mapTo(Long.class).one());
        long devs = m.db().read(h -> h.createQuery("SELECT COUNT(DISTINCT device_serial) FROM rollup_day").mapTo(Long.class).one());
        System.out.printf("%s: store: %d results (per tier %s; per type %s; %d failed), %d targets, %d devices; rollup "
                        + "rows: %d minute, %d hour, %d day; per OU and type: %d hour, %d day; per OU, target and type: "
                        + "%d hour, %d day; %d deltas waiting%n", kind,
                store.count(), tiers, types, failed, targets, devs, rollups.count(RollupTier.MINUTE),
                rollups.count(RollupTier.HOUR), rollups.count(RollupTier.DAY), rollups.countPerType(RollupTier.HOUR),
                rollups.countPerType(RollupTier.DAY), rollups.count(RollupTier.HOUR, RollupRepository.Aggregate.TARGET),
                rollups.count(RollupTier.DAY, RollupRepository.Aggregate.TARGET), rollups.pendingDeltas());
    }

    // --------------------------------------------------------------------------------------------------- query

    private static void query(TestDatabases.Kind kind, long total, int requests) throws Exception {
        long starting = System.nanoTime();
        try (Harness m = manager(kind, 8, false)) {
            // on a store loaded by an older manager this includes the schema migrations it finds due
            System.out.printf("%s: manager started in %.1f s (with any schema migrations due)%n", kind,
                    (System.nanoTime() - starting) / 1e9);
            String token = m.adminLogin();
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            Instant now = Instant.now().truncatedTo(ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
            long inStore = new ResultRepository(m.db()).count();
            System.out.printf("%s: %d results in the store%n", kind, inStore);
            // the busiest target of the week and a device that reported in the last day
            Instant weekAgo = now.minus(Duration.ofDays(7));
            String target = m.db().read(h -> h.createQuery("SELECT target FROM results WHERE started_at >= :from "
                    + "GROUP BY target ORDER BY COUNT(*) DESC LIMIT 1").bind("from", weekAgo).mapTo(String.class).one());
            String ouTarget = m.db().read(h -> h.createQuery("SELECT target FROM results WHERE started_at >= :from "
                    + "AND target LIKE 'tcp://svc-%' GROUP BY target ORDER BY COUNT(*) DESC LIMIT 1")
                    .bind("from", weekAgo).mapTo(String.class).one());
            String device = m.db().read(h -> h.createQuery("SELECT device_serial FROM results WHERE started_at >= :from "
                    + "ORDER BY started_at DESC LIMIT 1").bind("from", now.minus(Duration.ofDays(1)))
                    .mapTo(String.class).one());
            System.out.printf("%s: busiest target of the week %s, an OU's tcp target %s, device %s%n", kind, target,
                    ouTarget, device);
            String day = range(now.minus(Duration.ofDays(1)), now);
            String week = range(weekAgo, now);
            String month = range(now.minus(Duration.ofDays(30)), now);
            String t = "target=" + enc(target);
            String t2 = "target=" + enc(ouTarget);
            String d = "device=" + enc(device);
            Map<String, String> queries = new LinkedHashMap<>();
            // the dashboard's tiles need only the totals: it asks per test type (it asked per target and type before)
            queries.put("dashboard: summary 24 h per type", "/api/v1/statistics/summary?group_by=test_type&" + day);
            queries.put("summary 24 h per target+type (the old dashboard)", "/api/v1/statistics/summary?" + day);
            // the statistics page without a device: the busiest target x type groups
            queries.put("stats page: 24 h per target+type, top 1000", "/api/v1/statistics/summary?limit=1000&" + day);
            queries.put("stats page: 7 d per target+type, top 1000", "/api/v1/statistics/summary?limit=1000&" + week);
            queries.put("dashboard: chart 24 h per type (1 h)", "/api/v1/statistics/timeseries?interval=1h&group_by=test_type&" + day);
            queries.put("dashboard: device counts", "/api/v1/devices/stats");
            queries.put("dashboard: failures 24 h (10)", "/api/v1/results?success=false&limit=10&" + day);
            queries.put("dashboard: escalations 24 h (10)", "/api/v1/results?tier=2,3&limit=10&" + day);
            queries.put("summary 7 d, busiest target", "/api/v1/statistics/summary?" + t + "&" + week);
            queries.put("summary 30 d, busiest target", "/api/v1/statistics/summary?" + t + "&" + month);
            queries.put("summary 7 d, an OU target", "/api/v1/statistics/summary?" + t2 + "&" + week);
            queries.put("summary 30 d, an OU target", "/api/v1/statistics/summary?" + t2 + "&" + month);
            queries.put("summary 7 d, one device", "/api/v1/statistics/summary?" + d + "&" + week);
            queries.put("summary 30 d, one device", "/api/v1/statistics/summary?" + d + "&" + month);
            queries.put("device view 7 d (+20 recent)", "/api/v1/statistics/device/" + enc(device) + "?limit=20&" + week);
            queries.put("device view 30 d (+20 recent)", "/api/v1/statistics/device/" + enc(device) + "?limit=20&" + month);
            queries.put("summary 7 d per type (fleet)", "/api/v1/statistics/summary?group_by=test_type&" + week);
            queries.put("summary 30 d per type (fleet)", "/api/v1/statistics/summary?group_by=test_type&" + month);
            queries.put("summary 7 d per target+type (all)", "/api/v1/statistics/summary?" + week);
            queries.put("summary 7 d per device (all)", "/api/v1/statistics/summary?group_by=device&" + week);
            queries.put("chart 7 d hourly per type", "/api/v1/statistics/timeseries?interval=1h&group_by=test_type&" + week);
            queries.put("chart 7 d 6-hourly per type (web UI)", "/api/v1/statistics/timeseries?interval=6h&group_by=test_type&" + week);
            queries.put("chart 30 d daily per type", "/api/v1/statistics/timeseries?interval=1d&group_by=test_type&" + month);
            queries.put("chart 30 d daily, busiest target", "/api/v1/statistics/timeseries?interval=1d&group_by=test_type&" + t + "&" + month);
            queries.put("chart 7 d hourly, one device", "/api/v1/statistics/timeseries?interval=1h&group_by=test_type&" + d + "&" + week);
            queries.put("device list (500)", "/api/v1/devices?limit=500");
            queries.put("recent results (50)", "/api/v1/statistics/recent?limit=50");
            queries.put("results list (50)", "/api/v1/results?limit=50");
            queries.put("summary 7 d, busiest target, raw rows", "/api/v1/statistics/summary?exact=true&" + t + "&" + week);
            explain(kind, m, weekAgo, now, target, device);
            int met = 0;
            int timed = 0;
            for (Map.Entry<String, String> q : queries.entrySet()) {
                boolean raw = q.getKey().contains("raw rows");
                int n = raw ? Math.max(5, requests / 5) : requests;
                Answer first = get(client, m, token, q.getValue());
                if (first.status != 200) {
                    System.out.printf("%s: %-42s answered %d: %s%n", kind, q.getKey(), first.status,
                            first.body.length() > 200 ? first.body.substring(0, 200) : first.body);
                    continue;
                }
                for (int i = 0; i < Math.max(2, n / 5); i++) {
                    get(client, m, token, q.getValue());
                }
                double[] ms = new double[n];
                for (int i = 0; i < n; i++) {
                    long s = System.nanoTime();
                    Answer a = get(client, m, token, q.getValue());
                    ms[i] = (System.nanoTime() - s) / 1e6;
                    if (a.status != 200) {
                        throw new IllegalStateException(q.getValue() + " answered " + a.status + ": " + a.body);
                    }
                }
                Arrays.sort(ms);
                double p50 = Percentiles.of(ms, 50);
                double p95 = Percentiles.of(ms, 95);
                String verdict = raw ? "(baseline, not from rollups)" : p95 <= GOAL_MS ? "p95 <= 200 ms" : "p95 OVER 200 ms";
                if (!raw) {
                    timed++;
                    met += p95 <= GOAL_MS ? 1 : 0;
                }
                System.out.printf("%s: %-42s n=%3d p50 %7.1f ms  p95 %7.1f ms  %6d bytes  %s%n", kind, q.getKey(), n,
                        p50, p95, first.body.length(), verdict);
            }
            System.out.printf("%s: %d of %d timed requests within 200 ms at p95 (%d results in the store)%n", kind, met,
                    timed, inStore);
        }
    }

    private static String range(Instant from, Instant to) {
        return "from=" + from + "&to=" + to;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /**
     * Rows each tier holds in the week and how each database reads them, unfiltered and by target and device; and the
     * aggregate tables' rows and plans (per OU and type unfiltered, per OU, target and type unfiltered and by target).
     */
    private static void explain(TestDatabases.Kind kind, Harness m, Instant from, Instant to, String target, String device) {
        for (RollupTier tier : RollupTier.values()) {
            for (RollupRepository.Aggregate a : RollupRepository.Aggregate.values()) {
                String table = a.table(tier);
                if (table == null) {
                    continue;
                }
                System.out.printf("%s: %s rows in the week: %d%n", kind, table, weekRows(m, table, from, to));
                List<String> filters = a == RollupRepository.Aggregate.TARGET ? List.of("", " AND r.target = :target")
                        : List.of("");
                for (String filter : filters) {
                    System.out.printf("%s: plan of a week of %s%s: %s%n", kind, table,
                            filter.isEmpty() ? "" : " with" + filter, plan(m, "EXPLAIN SELECT r.bucket_start, "
                                    + "r.result_count, r.latency_histogram FROM " + table + " r WHERE 1 = 1 AND "
                                    + "r.bucket_start >= :from AND r.bucket_start < :to" + filter, from, to, target, device));
                }
            }
            System.out.printf("%s: %s rows in the week: %d%n", kind, tier.table(), weekRows(m, tier.table(), from, to));
            for (String filter : List.of("", " AND r.target = :target", " AND r.device_serial = :device")) {
                System.out.printf("%s: plan of a week of %s%s: %s%n", kind, tier.table(),
                        filter.isEmpty() ? "" : " with" + filter, plan(m, "EXPLAIN SELECT r.bucket_start, r.target, "
                                + "r.result_count, r.latency_histogram FROM " + tier.table() + " r WHERE 1 = 1 AND "
                                + "r.bucket_start >= :from AND r.bucket_start < :to" + filter, from, to, target, device));
            }
        }
    }

    private static long weekRows(Harness m, String table, Instant from, Instant to) {
        return m.db().read(h -> h.createQuery("SELECT COUNT(*) FROM " + table
                + " WHERE bucket_start >= :from AND bucket_start < :to").bind("from", from).bind("to", to)
                .mapTo(Long.class).one());
    }

    /** The database's plan of {@code sql}, its rows joined on one line. */
    private static String plan(Harness m, String sql, Instant from, Instant to, String target, String device) {
        List<String> plan = m.db().read(h -> {
            var q = h.createQuery(sql).bind("from", from).bind("to", to);
            if (sql.contains(":target")) {
                q.bind("target", target);
            }
            if (sql.contains(":device")) {
                q.bind("device", device);
            }
            return q.map((rs, ctx) -> {
                StringBuilder b = new StringBuilder();
                for (int c = 1; c <= rs.getMetaData().getColumnCount(); c++) {
                    b.append(c > 1 ? " | " : "").append(rs.getString(c));
                }
                return b.toString().replaceAll("\\s+", " ");
            }).list();
        });
        return String.join(" / ", plan);
    }

    private record Answer(int status, String body) {
    }

    private static Answer get(HttpClient client, Harness m, String token, String path) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(m.uri(path)).header("Authorization", token)
                .timeout(Duration.ofMinutes(5)).GET().build();
        HttpResponse<String> r = client.send(req, HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body());
    }

    // ----------------------------------------------------------------------------------------------- retention

    /** One upload: when it was answered (nanos), how long it took (ms) and how many results it carried. */
    private record Upload(long doneNanos, double ms, int results) {
    }

    /** Results the retention phase deletes at least (fewer only when the store holds under twice as many). */
    static final long TO_DELETE = 1_100_000;

    private static void retention(TestDatabases.Kind kind, long total, int uploaders, int batch, long limitSeconds)
            throws Exception {
        try (Harness m = manager(kind, uploaders + 4, false)) {
            String token = m.adminLogin();
            Instant now = Instant.now();
            ResultRepository store = new ResultRepository(m.db());
            long before = store.count();
            // a raw-result retention (whole hours, for every tier) that cuts at least TO_DELETE of the oldest results
            long k = Math.min(TO_DELETE, before / 2);
            Instant kth = m.db().read(h -> h.createQuery("SELECT started_at FROM results ORDER BY started_at LIMIT 1 "
                    + "OFFSET " + k).mapTo(Instant.class).one());
            Duration keep = Duration.ofHours(Duration.between(kth, now).toHours());
            Instant cutoff = now.minus(keep);
            long due = m.db().read(h -> h.createQuery("SELECT COUNT(*) FROM results WHERE started_at < :cutoff")
                    .bind("cutoff", cutoff).mapTo(Long.class).one());
            ManagerConfig.Retention cut = new ManagerConfig.Retention(keep, keep, keep, keep, KEEP_ALL, KEEP_ALL,
                    KEEP_ALL, Duration.ofDays(730), null);
            System.out.printf("%s: %d results stored, %d of them started before %s (retention %d h for every tier), "
                    + "deleted in transactions of %d%n", kind, before, due, cutoff, keep.toHours(), cut.batchSize());
            // what the uploaders send: the fleet's kinds of results, made fresh (new id, started just now) per upload
            ScaleData data = new ScaleData(SEED, total, now);
            List<ProbeResult> templates = new ArrayList<>();
            for (int d = 0; templates.size() < 5000 && d < ScaleData.DEVICES; d++) {
                templates.addAll(data.results(d, now.minus(Duration.ofDays(30)).toEpochMilli(), now.toEpochMilli()));
            }
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            ConcurrentLinkedQueue<Upload> uploads = new ConcurrentLinkedQueue<>();
            AtomicBoolean stop = new AtomicBoolean();
            ExecutorService pool = Executors.newFixedThreadPool(uploaders);
            List<Future<?>> fs = new ArrayList<>();
            for (int u = 0; u < uploaders; u++) {
                int seed = u;
                fs.add(pool.submit(() -> {
                    Random rnd = new Random(seed);
                    while (!stop.get()) {
                        String body = body(templates, rnd, batch);
                        HttpRequest req = HttpRequest.newBuilder(m.uri("/api/v1/results")).header("Authorization", token)
                                .header("Content-Type", "application/json").timeout(Duration.ofMinutes(2))
                                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
                        long s = System.nanoTime();
                        HttpResponse<String> r = client.send(req, HttpResponse.BodyHandlers.ofString());
                        long e = System.nanoTime();
                        if (r.statusCode() != 201) {
                            throw new IllegalStateException("upload answered " + r.statusCode() + ": " + r.body());
                        }
                        uploads.add(new Upload(e, (e - s) / 1e6, batch));
                    }
                    return null;
                }));
            }
            try {
                Thread.sleep(10_000); // warm-up, not counted
                long baseFrom = System.nanoTime();
                Thread.sleep(40_000);
                long delFrom = System.nanoTime();
                String loadBefore = loadAverage();
                java.util.concurrent.CompletableFuture<RetentionRound.Deleted> round = new java.util.concurrent.CompletableFuture<>();
                Thread.ofPlatform().daemon().name("bench-retention").start(() -> {
                    try {
                        round.complete(RetentionRound.run(m.db(), cut, InstantSource.system()));
                    } catch (RuntimeException e) {
                        round.completeExceptionally(e);
                    }
                });
                RetentionRound.Deleted deleted = null;
                try {
                    deleted = limitSeconds > 0 ? round.get(limitSeconds, java.util.concurrent.TimeUnit.SECONDS) : round.get();
                } catch (java.util.concurrent.TimeoutException e) {
                    // reported as far as it got; the round goes on until the database is dropped or the JVM ends
                }
                long delTo = System.nanoTime();
                String loadDuring = loadAverage();
                long afterTo = delTo;
                if (deleted != null) {
                    Thread.sleep(20_000);
                    afterTo = System.nanoTime();
                }
                stop.set(true);
                for (Future<?> f : fs) {
                    f.get();
                }
                double delSeconds = (delTo - delFrom) / 1e9;
                long gone = deleted != null ? deleted.results() : due - m.db().read(h -> h.createQuery(
                        "SELECT COUNT(*) FROM results WHERE started_at < :cutoff").bind("cutoff", cutoff)
                        .mapTo(Long.class).one());
                System.out.printf("%s: retention %s %d results%s in %.1f s (%.0f rows/s, %d transactions of at most %d); "
                                + "load average %s before, %s at its end%n", kind,
                        deleted != null ? "deleted" : "NOT FINISHED at the time limit, had deleted", gone,
                        deleted != null ? " and " + deleted.rollups() + " rollup rows" : " of " + due, delSeconds,
                        gone / delSeconds, (gone + cut.batchSize() - 1) / cut.batchSize(), cut.batchSize(), loadBefore,
                        loadDuring);
                List<Upload> all = new ArrayList<>(uploads);
                double[] baseline = window(kind, "baseline, no deletion", all, baseFrom, delFrom, uploaders, batch);
                double[] during = window(kind, "while the retention deletes", all, delFrom, delTo, uploaders, batch);
                if (afterTo > delTo) {
                    window(kind, "after the deletion", all, delTo, afterTo, uploaders, batch);
                }
                System.out.printf("%s: during / baseline: results/s %.2f, p50 %.2f, p95 %.2f, p99 %.2f%n", kind,
                        during[0] / baseline[0], during[1] / baseline[1], during[2] / baseline[2], during[3] / baseline[3]);
                // no COUNT(*) of the results here: on millions of rows under load it outlasts the statement timeout
                System.out.printf("%s: %d rollup deltas waiting at the end%n", kind,
                        new RollupRepository(m.db()).pendingDeltas());
            } finally {
                stop.set(true);
                pool.shutdownNow();
            }
        }
    }

    /** Prints and returns results/s, p50, p95 and p99 of the uploads answered in {@code [from, to)}. */
    private static double[] window(TestDatabases.Kind kind, String name, List<Upload> all, long from, long to,
                                   int uploaders, int batch) {
        List<Upload> in = all.stream().filter(u -> u.doneNanos >= from && u.doneNanos < to).toList();
        double[] ms = in.stream().mapToDouble(Upload::ms).sorted().toArray();
        double seconds = (to - from) / 1e9;
        double rate = in.stream().mapToLong(Upload::results).sum() / seconds;
        double[] out = ms.length == 0 ? new double[] {0, Double.NaN, Double.NaN, Double.NaN}
                : new double[] {rate, Percentiles.of(ms, 50), Percentiles.of(ms, 95), Percentiles.of(ms, 99)};
        System.out.printf("%s: uploads %-28s %5.1f s, %4d uploads of %d (%d uploaders): %6.0f results/s, latency p50 "
                + "%6.0f ms, p95 %6.0f ms, p99 %6.0f ms%n", kind, name, seconds, ms.length, batch, uploaders, out[0],
                out[1], out[2], out[3]);
        return out;
    }

    private static String body(List<ProbeResult> templates, Random rnd, int batch) {
        StringBuilder sb = new StringBuilder(batch * 600).append('[');
        long now = System.currentTimeMillis();
        for (int i = 0; i < batch; i++) {
            ProbeResult r = templates.get(rnd.nextInt(templates.size())).toBuilder().id(UuidV7.next())
                    .startedAt(Instant.ofEpochMilli(now - rnd.nextInt(300_000))).build();
            sb.append(i == 0 ? "" : ",").append(Json.write(r));
        }
        return sb.append(']').toString();
    }
}
