package io.waddleperf.manager;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.waddleperf.core.result.Json;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.Source;
import io.waddleperf.core.result.TestType;
import io.waddleperf.core.result.UuidV7;
import io.waddleperf.manager.store.TestDatabases;
import io.waddleperf.manager.store.TestDatabases.Kind;
import io.waddleperf.manager.store.Uuids;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code kill -9} of the manager while uploaders send batches: every result whose batch the manager acknowledged is in
 * the database after a restart, and nothing is stored twice when the uploaders send the unacknowledged batches again
 * (as the agent's outbox does). The manager runs in a child JVM over a database that outlives it: the embedded H2 file
 * the default configuration uses, and the machine's MariaDB.
 */
class ManagerCrashIT {

    private static final int UPLOADERS = 4;
    private static final int BATCH = 50;

    @ParameterizedTest
    @MethodSource("io.waddleperf.manager.store.TestDatabases#kinds")
    void every_acknowledged_result_survives_a_kill_and_retries_store_nothing_twice(Kind kind, @TempDir Path dir)
            throws Exception {
        TestDatabases.Fresh mariadb = kind == Kind.MARIADB ? TestDatabases.fresh(kind) : null;
        try {
            List<String> settings = new ArrayList<>(List.of("bind=127.0.0.1", "port=0", "data_dir=" + dir));
            String url = mariadb != null ? mariadb.url() : ManagerConfig.of(Map.of("data_dir", dir.toString())).jdbcUrl();
            if (mariadb != null) {
                settings.add("db.url=" + url);
                settings.add("db.user=" + mariadb.user());
            }

            Map<UUID, Boolean> acknowledged = new ConcurrentHashMap<>();
            List<List<ProbeResult>> unacknowledged = java.util.Collections.synchronizedList(new ArrayList<>());
            Child first = Child.start(settings, true);
            String token = login(first.port);
            AtomicBoolean killed = new AtomicBoolean();
            AtomicInteger ackedBatches = new AtomicInteger();
            List<Thread> uploaders = new ArrayList<>();
            for (int u = 0; u < UPLOADERS; u++) {
                int uploader = u;
                uploaders.add(Thread.ofPlatform().start(() -> {
                    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
                    // keep sending until the manager is gone; the batch in flight at the kill is the interesting one
                    while (true) {
                        List<ProbeResult> batch = batch(uploader);
                        int status;
                        try {
                            status = post(client, first.port, token, batch);
                        } catch (IOException | InterruptedException e) {
                            unacknowledged.add(batch);
                            return;
                        }
                        if (status == 201 || status == 200) {
                            batch.forEach(r -> acknowledged.put(r.id(), true));
                            ackedBatches.incrementAndGet();
                        } else {
                            unacknowledged.add(batch);
                        }
                        if (killed.get()) {
                            return;
                        }
                    }
                }));
            }
            // let a good number of batches commit, then pull the plug in the middle of the stream
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (ackedBatches.get() < 40 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(ackedBatches.get()).as("batches acknowledged before the kill").isGreaterThanOrEqualTo(40);
            first.process.destroyForcibly();
            killed.set(true);
            first.process.waitFor(30, TimeUnit.SECONDS);
            for (Thread t : uploaders) {
                t.join(TimeUnit.SECONDS.toMillis(60));
            }

            Child second = Child.start(settings, false);
            try {
                String again = login(second.port);
                HttpClient client = HttpClient.newHttpClient();
                int resent = 0;
                for (List<ProbeResult> batch : unacknowledged) {
                    int status = post(client, second.port, again, batch);
                    assertThat(status).as("a batch sent again after the restart").isIn(200, 201);
                    resent += batch.size();
                }
                second.stop();
                Set<UUID> stored = storedIds(url, mariadb == null ? null : mariadb.user());
                assertThat(stored).as("acknowledged results after kill -9 and restart").containsAll(acknowledged.keySet());
                Set<UUID> all = new HashSet<>(acknowledged.keySet());
                unacknowledged.forEach(b -> b.forEach(r -> all.add(r.id())));
                assertThat(stored).as("every result sent, each exactly once").containsExactlyInAnyOrderElementsOf(all);
                // every stored result is counted once by each rollup tier (per series and per type): in its rows, or in
                // a delta the next fold adds
                for (String tier : List.of("rollup_minute", "rollup_hour", "rollup_day", "rollup_type_hour",
                        "rollup_type_day")) {
                    assertThat(rolledUp(url, mariadb == null ? null : mariadb.user(), tier)).as(tier + " rows plus deltas")
                            .isEqualTo(stored.size());
                }
                System.out.printf("%s: %d results acknowledged before kill -9, %d sent again after the restart, %d stored%n",
                        kind, acknowledged.size(), resent, stored.size());
            } finally {
                second.process.destroyForcibly();
            }
        } finally {
            if (mariadb != null) {
                mariadb.close();
            }
        }
    }

    private static List<ProbeResult> batch(int uploader) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        List<ProbeResult> batch = new ArrayList<>(BATCH);
        for (int i = 0; i < BATCH; i++) {
            batch.add(ProbeResult.builder().id(UuidV7.next()).testType(TestType.TCP)
                    .target("tcp://10.0." + uploader + "." + i + ":80").targetHost("10.0." + uploader + "." + i)
                    .targetIp("10.0." + uploader + "." + i).targetPort(80).startedAt(now).durationMs(1.0).success(true)
                    .source(Source.AGENT).latencyMs(0.5 + i).build());
        }
        return batch;
    }

    private static int post(HttpClient client, int port, String token, List<ProbeResult> batch)
            throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/results"))
                .timeout(Duration.ofSeconds(30)).header("Authorization", token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(Json.write(batch)))
                .build();
        return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static String login(int port) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/auth/login"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        Json.write(Map.of("username", Harness.ADMIN, "password", Harness.ADMIN_PASSWORD))))
                .build();
        HttpResponse<String> r = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = Json.mapper().readTree(r.body());
        return "Bearer " + body.get("token").asText();
    }

    private static Set<UUID> storedIds(String url, String user) throws Exception {
        Set<UUID> ids = new HashSet<>();
        int rows = 0;
        try (Connection c = user == null ? DriverManager.getConnection(url) : DriverManager.getConnection(url, user, "");
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id FROM results")) {
            while (rs.next()) {
                ids.add(Uuids.fromBytes(rs.getBytes(1)));
                rows++;
            }
        }
        assertThat(rows).as("rows against distinct ids").isEqualTo(ids.size());
        return ids;
    }

    private static long rolledUp(String url, String user, String tier) throws Exception {
        try (Connection c = user == null ? DriverManager.getConnection(url) : DriverManager.getConnection(url, user, "");
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT (SELECT COALESCE(SUM(result_count), 0) FROM "
                     + tier + ") + (SELECT COALESCE(SUM(result_count), 0) FROM rollup_delta)")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The manager in its own JVM, started from this test's class path. */
    private record Child(Process process, int port) {

        static Child start(List<String> settings, boolean createAdmin) throws Exception {
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                    "-cp", System.getProperty("java.class.path"), ManagerChild.class.getName()));
            command.addAll(settings);
            command.add("create_admin=" + createAdmin);
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("READY ")) {
                    // whatever it prints later must not fill the pipe and stall it
                    Thread.ofPlatform().daemon().start(() -> out.lines().forEach(l -> { }));
                    return new Child(p, Integer.parseInt(line.substring(6).strip()));
                }
            }
            throw new AssertionError("the manager child exited with " + p.waitFor() + " before it was ready");
        }

        void stop() throws Exception {
            process.getOutputStream().close();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("manager stopped after its input closed").isTrue();
        }
    }
}
