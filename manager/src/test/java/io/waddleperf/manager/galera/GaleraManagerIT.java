package io.waddleperf.manager.galera;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.manager.Harness;
import io.waddleperf.manager.store.Database;
import io.waddleperf.testkit.GaleraCluster;
import io.waddleperf.testkit.GaleraExtension;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The manager on a real three-node MariaDB Galera cluster: readiness follows the node's state, writes that conflict
 * across nodes are retried until they converge with no error to the client, and the schema is migrated once when two
 * managers start at the same moment. One cluster serves the whole class; no test takes a node down.
 */
class GaleraManagerIT {

    @RegisterExtension
    static final GaleraExtension GALERA = new GaleraExtension(3);

    @Test
    void ready_reports_the_cluster_view_and_refuses_a_desynced_node() throws Exception {
        GaleraCluster c = GALERA.cluster();
        String db = GaleraTesting.freshDatabase(c);
        try (Harness m = Harness.startOn(c.sequentialUrl(db), GaleraCluster.USER, GaleraCluster.PASSWORD, Map.of(), false)) {
            Harness.Answer ready = m.call("GET", "/ready", null, null);
            assertThat(ready.status()).as(ready.body()).isEqualTo(200);
            JsonNode g = ready.json().get("galera");
            assertThat(g.get("cluster_size").asInt()).isEqualTo(3);
            assertThat(g.get("cluster_status").asText()).isEqualTo("Primary");
            assertThat(g.get("local_state").asText()).isEqualTo("Synced");
            assertThat(g.get("node_name").asText()).as("the sequential URL's first node").isEqualTo("node1");

            // a desynced node (as during a backup or while it donates a state transfer) takes no traffic
            c.node(1).sql("SET GLOBAL wsrep_desync = ON");
            try {
                Harness.Answer desynced = m.call("GET", "/ready", null, null);
                assertThat(desynced.status()).as(desynced.body()).isEqualTo(503);
                assertThat(desynced.json().get("reason").asText()).contains("not synced").contains("Donor/Desynced");
                assertThat(desynced.json().get("galera").get("local_state").asText()).isEqualTo("Donor/Desynced");
            } finally {
                c.node(1).sql("SET GLOBAL wsrep_desync = OFF");
            }
            Harness.Answer back = m.call("GET", "/ready", null, null);
            assertThat(back.status()).as(back.body()).isEqualTo(200);
        }
    }

    @Test
    void conflicting_writes_through_two_nodes_are_retried_until_every_one_counts() throws Exception {
        GaleraCluster c = GALERA.cluster();
        String name = GaleraTesting.freshDatabase(c);
        int threadsPerNode = 4;
        int increments = 25;
        try (Database one = GaleraTesting.open(c.node(1).url(name)); Database two = GaleraTesting.open(c.node(2).url(name))) {
            // one hot row every writer updates: the worst case for certification
            one.inTransaction(h -> h.execute("CREATE TABLE hot_counter (id INT PRIMARY KEY, n INT NOT NULL) ENGINE=InnoDB"));
            one.inTransaction(h -> h.execute("INSERT INTO hot_counter VALUES (1, 0)"));
            long conflictsBefore = GaleraTesting.conflicts(c.node(1)) + GaleraTesting.conflicts(c.node(2));
            ExecutorService pool = Executors.newFixedThreadPool(2 * threadsPerNode);
            try {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Integer>> done = new ArrayList<>();
                for (int t = 0; t < 2 * threadsPerNode; t++) {
                    Database via = t % 2 == 0 ? one : two;
                    done.add(pool.submit(() -> {
                        go.await();
                        for (int i = 0; i < increments; i++) {
                            via.inTransaction(h -> h.execute("UPDATE hot_counter SET n = n + 1 WHERE id = 1"));
                        }
                        return increments;
                    }));
                }
                go.countDown();
                for (Future<Integer> f : done) {
                    f.get(); // an error that reached the caller fails here
                }
            } finally {
                pool.shutdownNow();
            }
            long conflicts = GaleraTesting.conflicts(c.node(1)) + GaleraTesting.conflicts(c.node(2)) - conflictsBefore;
            for (GaleraCluster.Node n : c.nodes()) {
                assertThat(GaleraTesting.number(n, name, "SELECT n FROM hot_counter WHERE id = 1")).as("counter on %s", n)
                        .isEqualTo(2L * threadsPerNode * increments);
            }
            assertThat(conflicts).as("certification conflicts the retries absorbed").isPositive();
            System.out.printf("galera: %d increments through two nodes, %d certification conflicts retried%n",
                    2 * threadsPerNode * increments, conflicts);
        }
    }

    @Test
    void the_same_batch_uploaded_through_two_nodes_at_once_is_stored_once_and_both_acknowledged() throws Exception {
        GaleraCluster c = GALERA.cluster();
        String name = GaleraTesting.freshDatabase(c);
        try (Harness first = Harness.startOn(c.node(1).url(name), GaleraCluster.USER, GaleraCluster.PASSWORD, Map.of(), true);
             Harness second = Harness.startOn(c.node(2).url(name), GaleraCluster.USER, GaleraCluster.PASSWORD, Map.of(), false)) {
            String token = first.adminLogin();
            assertThat(second.call("GET", "/api/v1/auth/me", token, null).status())
                    .as("a session made through node 1 is valid through node 2").isEqualTo(200);
            HttpClient client = HttpClient.newHttpClient();
            Set<UUID> sent = new HashSet<>();
            List<Integer> statuses = Collections.synchronizedList(new ArrayList<>());
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                for (int round = 0; round < 10; round++) {
                    // an agent whose retry reached another manager while the first attempt was still being stored
                    List<ProbeResult> batch = GaleraTesting.batch(round, 200);
                    batch.forEach(r -> sent.add(r.id()));
                    CountDownLatch go = new CountDownLatch(1);
                    List<Callable<Integer>> both = List.of(
                            () -> { go.await(); return GaleraTesting.upload(client, "http://127.0.0.1:" + first.server().port(), token, batch); },
                            () -> { go.await(); return GaleraTesting.upload(client, "http://127.0.0.1:" + second.server().port(), token, batch); });
                    List<Future<Integer>> answers = new ArrayList<>();
                    for (Callable<Integer> call : both) {
                        answers.add(pool.submit(call));
                    }
                    go.countDown();
                    for (Future<Integer> a : answers) {
                        statuses.add(a.get());
                    }
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(statuses).as("every upload acknowledged, none refused").allMatch(s -> s == 200 || s == 201);
            for (GaleraCluster.Node n : c.nodes()) {
                GaleraTesting.assertSame(GaleraTesting.storedIds(n, name), sent, String.format("results on %s", n));
            }
        }
    }

    @RepeatedTest(3) // the race is decided differently each time
    void two_managers_starting_together_migrate_the_schema_once() throws Exception {
        GaleraCluster c = GALERA.cluster();
        String name = GaleraTesting.freshDatabase(c);
        // one manager through node 1, the other through node 2: the lock must hold across nodes, not within one
        List<String> urls = List.of(c.sequentialUrl(name), c.node(2).url(name));
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Database> opened = Collections.synchronizedList(new ArrayList<>());
        try {
            List<Future<Database>> starts = new ArrayList<>();
            for (String url : urls) {
                starts.add(pool.submit(() -> {
                    go.await();
                    Database d = GaleraTesting.open(url); // what the manager does at start: connect, then migrate
                    opened.add(d);
                    return d;
                }));
            }
            go.countDown();
            for (Future<Database> f : starts) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
            opened.forEach(Database::close);
        }
        for (GaleraCluster.Node n : c.nodes()) {
            long versions = GaleraTesting.number(n, name, "SELECT COUNT(*) FROM flyway_schema_history WHERE version IS NOT NULL");
            long distinct = GaleraTesting.number(n, name, "SELECT COUNT(DISTINCT version) FROM flyway_schema_history WHERE version IS NOT NULL");
            long failed = GaleraTesting.number(n, name, "SELECT COUNT(*) FROM flyway_schema_history WHERE success = 0");
            assertThat(versions).as("migrations recorded on %s", n).isPositive().isEqualTo(distinct);
            assertThat(failed).as("failed migrations on %s", n).isZero();
            assertThat(GaleraTesting.number(n, name, "SELECT COUNT(*) FROM schema_migration_lock"))
                    .as("migration lock released, seen on %s", n).isZero();
        }
    }
}
