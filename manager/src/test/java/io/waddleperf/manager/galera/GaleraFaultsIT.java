package io.waddleperf.manager.galera;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.manager.Harness;
import io.waddleperf.testkit.GaleraCluster;
import io.waddleperf.testkit.GaleraExtension;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Faults of the database under sustained ingestion from several uploaders that retry as the agent does, through a
 * manager connected with the failover URL: {@code kill -9} of the node the manager writes through, and the whole
 * cluster stopped and started again. Nothing acknowledged may be lost, nothing may be stored twice, and every node
 * must end holding the same results. Each test leaves all three nodes running for the next.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GaleraFaultsIT {

    private static final int UPLOADERS = 4;
    private static final int BATCH = 100;

    @RegisterExtension
    static final GaleraExtension GALERA = new GaleraExtension(3);

    @Test
    @Order(1)
    void kill_9_of_the_written_node_loses_nothing_acknowledged_and_it_rejoins_by_ist() throws Exception {
        GaleraCluster c = GALERA.cluster();
        String name = GaleraTesting.freshDatabase(c);
        try (Harness m = Harness.startOn(c.sequentialUrl(name), GaleraCluster.USER, GaleraCluster.PASSWORD,
                Map.of("db.connect_timeout", "5s"), true)) {
            String base = "http://127.0.0.1:" + m.server().port();
            Uploaders up = new Uploaders(UPLOADERS, BATCH, () -> base, m.adminLogin());
            try (up) {
                assertThat(up.awaitMore(30, Duration.ofSeconds(60))).as("ingestion before the kill").isTrue();
                up.resetGap();
                int before = up.batches();
                long mark = c.node(1).logMark();
                c.node(1).kill(); // the node the sequential URL puts every connection on
                assertThat(up.awaitMore(30, Duration.ofSeconds(90))).as("ingestion goes on after the kill").isTrue();
                Duration gap = up.longestGap();
                up.stop();
                Set<UUID> acked = up.acknowledged();
                for (GaleraCluster.Node n : c.nodes().subList(1, 3)) {
                    GaleraTesting.assertSame(GaleraTesting.storedIds(n, name), acked, String.format("results on surviving %s", n));
                }
                c.node(1).start();
                c.awaitSynced(3, Duration.ofSeconds(60));
                assertThat(c.node(1).logSince(mark)).as("node 1 caught up incrementally").contains("IST received");
                GaleraTesting.assertSame(GaleraTesting.storedIds(c.node(1), name), acked, "results on the rejoined node 1");
                System.out.printf("galera kill -9: %d batches of %d acknowledged (%d before the kill), %d retried "
                                + "uploads, longest stretch without an acknowledgement %d ms, %d results on every node%n",
                        up.batches(), BATCH, before, up.retries(), gap.toMillis(), acked.size());
            }
        }
    }

    @Test
    @Order(2)
    void whole_cluster_stopped_and_restarted_from_the_most_advanced_node_loses_nothing_acknowledged() throws Exception {
        GaleraCluster c = GALERA.cluster();
        String name = GaleraTesting.freshDatabase(c);
        try (Harness m = Harness.startOn(c.sequentialUrl(name), GaleraCluster.USER, GaleraCluster.PASSWORD,
                Map.of("db.connect_timeout", "5s"), true)) {
            String base = "http://127.0.0.1:" + m.server().port();
            Uploaders up = new Uploaders(UPLOADERS, BATCH, () -> base, m.adminLogin());
            try (up) {
                assertThat(up.awaitMore(30, Duration.ofSeconds(60))).as("ingestion before the stop").isTrue();
                up.resetGap();
                // nodes leave one by one while uploads go on through the ones left, then the cluster is gone
                for (GaleraCluster.Node n : c.nodes()) {
                    n.stop();
                    Thread.sleep(500);
                }
                GaleraCluster.GraState last = c.node(3).grastate();
                assertThat(last.safeToBootstrap()).as("the last node to leave is safe to bootstrap").isTrue();
                GaleraCluster.Node chosen = c.bootstrapFromMostAdvanced();
                assertThat(chosen).isEqualTo(c.node(3));
                assertThat(up.awaitMore(30, Duration.ofSeconds(120))).as("ingestion resumes after the restart").isTrue();
                Duration gap = up.longestGap();
                up.stop();
                Set<UUID> acked = up.acknowledged();
                for (GaleraCluster.Node n : c.nodes()) {
                    GaleraTesting.assertSame(GaleraTesting.storedIds(n, name), acked, String.format("results on %s", n));
                }
                System.out.printf("galera whole-cluster restart: %d batches acknowledged, %d retried uploads, longest "
                        + "stretch without an acknowledgement %d ms, seqno of the bootstrap node %d%n",
                        up.batches(), up.retries(), gap.toMillis(), last.seqno());
            }
        }
    }

    @Test
    @Order(3)
    void whole_cluster_killed_restarts_from_the_recovered_highest_seqno_with_every_acknowledged_result() throws Exception {
        GaleraCluster c = GALERA.cluster();
        String name = GaleraTesting.freshDatabase(c);
        try (Harness m = Harness.startOn(c.sequentialUrl(name), GaleraCluster.USER, GaleraCluster.PASSWORD,
                Map.of("db.connect_timeout", "5s"), true)) {
            String base = "http://127.0.0.1:" + m.server().port();
            Uploaders up = new Uploaders(UPLOADERS, BATCH, () -> base, m.adminLogin());
            try (up) {
                assertThat(up.awaitMore(30, Duration.ofSeconds(60))).as("ingestion before the crash").isTrue();
                up.resetGap();
                // a power cut: every node at once, mid-stream
                for (GaleraCluster.Node n : c.nodes()) {
                    n.kill();
                }
                for (GaleraCluster.Node n : c.nodes()) {
                    GaleraCluster.GraState g = n.grastate();
                    assertThat(g.safeToBootstrap()).as("%s after a crash", n).isFalse();
                    assertThat(g.seqno()).as("%s seqno after a crash", n).isEqualTo(-1);
                }
                c.bootstrapFromMostAdvanced(); // position recovered from each node's InnoDB with --wsrep-recover
                assertThat(up.awaitMore(30, Duration.ofSeconds(120))).as("ingestion resumes after the restart").isTrue();
                Duration gap = up.longestGap();
                up.stop();
                Set<UUID> acked = up.acknowledged();
                for (GaleraCluster.Node n : c.nodes()) {
                    GaleraTesting.assertSame(GaleraTesting.storedIds(n, name), acked, String.format("results on %s", n));
                }
                System.out.printf("galera whole-cluster kill -9: %d batches acknowledged, %d retried uploads, longest "
                        + "stretch without an acknowledgement %d ms%n", up.batches(), up.retries(), gap.toMillis());
            }
        }
    }
}
