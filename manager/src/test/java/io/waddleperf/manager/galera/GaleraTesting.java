package io.waddleperf.manager.galera;

import io.waddleperf.core.result.Json;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.Source;
import io.waddleperf.core.result.TestType;
import io.waddleperf.core.result.UuidV7;
import io.waddleperf.manager.store.Database;
import io.waddleperf.manager.store.Uuids;
import io.waddleperf.testkit.GaleraCluster;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import java.util.Set;
import java.util.UUID;

/** What the Galera tests share: a fresh database on the cluster, result batches, uploads, and reading one node. */
final class GaleraTesting {

    private GaleraTesting() {
    }

    /** A new empty database on the cluster, replicated to every node. */
    static String freshDatabase(GaleraCluster cluster) throws IOException, InterruptedException {
        String name = "wp_galera_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        cluster.createDatabase(name);
        return name;
    }

    /** The manager's database over {@code url} as the cluster's test user. */
    static Database open(String url) {
        return Database.open(url, GaleraCluster.USER, GaleraCluster.PASSWORD, 8, Duration.ofSeconds(10),
                Duration.ofSeconds(30), 12);
    }

    /** {@code size} tcp results with fresh ids, as an uploader sends them. */
    static List<ProbeResult> batch(int uploader, int size) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        List<ProbeResult> batch = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            String ip = "10.1." + uploader + "." + (i % 250);
            batch.add(ProbeResult.builder().id(UuidV7.next()).testType(TestType.TCP).target("tcp://" + ip + ":80")
                    .targetHost(ip).targetIp(ip).targetPort(80).startedAt(now).durationMs(1.0).success(true)
                    .source(Source.AGENT).latencyMs(0.5 + i).build());
        }
        return batch;
    }

    /** POSTs a batch to a manager at {@code base} (http://host:port); the status code. */
    static int upload(HttpClient client, String base, String token, List<ProbeResult> batch)
            throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/v1/results"))
                .timeout(Duration.ofSeconds(60)).header("Authorization", token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(Json.write(batch)))
                .build();
        return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** The result ids stored as one node sees them, checking that none is there twice. */
    static Set<UUID> storedIds(GaleraCluster.Node node, String database) throws Exception {
        Set<UUID> ids = new HashSet<>();
        int rows = 0;
        try (Connection c = DriverManager.getConnection(node.url(database), GaleraCluster.USER, GaleraCluster.PASSWORD);
             Statement s = c.createStatement()) {
            // a read on this node waits until it applied everything the cluster committed before it
            s.execute("SET SESSION wsrep_sync_wait = 1");
            try (ResultSet rs = s.executeQuery("SELECT id FROM results")) {
                while (rs.next()) {
                    ids.add(Uuids.fromBytes(rs.getBytes(1)));
                    rows++;
                }
            }
        }
        if (rows != ids.size()) {
            throw new AssertionError(node + " holds " + rows + " rows for " + ids.size() + " distinct result ids");
        }
        return ids;
    }

    /**
     * Fails, saying how many and which ids differ, unless {@code stored} is exactly {@code expected} (AssertJ's
     * element-wise comparison of sets this large takes minutes).
     */
    static void assertSame(Set<UUID> stored, Set<UUID> expected, String what) {
        Set<UUID> missing = new HashSet<>(expected);
        missing.removeAll(stored);
        Set<UUID> extra = new HashSet<>(stored);
        extra.removeAll(expected);
        if (!missing.isEmpty() || !extra.isEmpty()) {
            throw new AssertionError(what + ": " + missing.size() + " of " + expected.size() + " missing (e.g. "
                    + missing.stream().limit(3).toList() + "), " + extra.size() + " not expected (e.g. "
                    + extra.stream().limit(3).toList() + ")");
        }
    }

    /** Fails unless {@code stored} holds every id of {@code expected}. */
    static void assertHolds(Set<UUID> stored, Set<UUID> expected, String what) {
        Set<UUID> missing = new HashSet<>(expected);
        missing.removeAll(stored);
        if (!missing.isEmpty()) {
            throw new AssertionError(what + ": " + missing.size() + " of " + expected.size()
                    + " acknowledged results missing (e.g. " + missing.stream().limit(3).toList() + ")");
        }
    }

    /** One number from a query on one node (causal read: it sees every commit made before it). */
    static long number(GaleraCluster.Node node, String database, String query) throws Exception {
        try (Connection c = DriverManager.getConnection(node.url(database), GaleraCluster.USER, GaleraCluster.PASSWORD);
             Statement s = c.createStatement()) {
            s.execute("SET SESSION wsrep_sync_wait = 1");
            try (ResultSet rs = s.executeQuery(query)) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Conflicts this node lost since it started: certification failures plus transactions it had to abort. */
    static long conflicts(GaleraCluster.Node node) throws IOException, InterruptedException {
        var s = node.status();
        return Long.parseLong(s.getOrDefault("wsrep_local_cert_failures", "0"))
                + Long.parseLong(s.getOrDefault("wsrep_local_bf_aborts", "0"));
    }
}
