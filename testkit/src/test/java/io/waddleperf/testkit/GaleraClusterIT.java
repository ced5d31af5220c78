package io.waddleperf.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The test cluster itself: three nodes replicate a write made on one to the others, a node killed with {@code kill -9}
 * leaves a primary component of two and rejoins by an incremental state transfer, and a cleanly stopped cluster comes
 * back from the node its {@code grastate.dat} marks safe to bootstrap with every row.
 */
class GaleraClusterIT {

    @RegisterExtension
    static final GaleraExtension GALERA = new GaleraExtension(3);

    @Test
    void three_nodes_replicate_survive_a_kill_and_restart_whole() throws Exception {
        GaleraCluster c = GALERA.cluster();
        c.createDatabase("kit");
        c.node(1).sql("CREATE TABLE kit.t (id INT PRIMARY KEY, v VARCHAR(20)) ENGINE=InnoDB; INSERT INTO kit.t VALUES (1, 'one')");
        for (GaleraCluster.Node n : c.nodes()) {
            assertThat(n.sql("SELECT v FROM kit.t WHERE id = 1").strip()).as("row on %s", n).isEqualTo("one");
            assertThat(n.status()).containsEntry("wsrep_cluster_size", "3").containsEntry("wsrep_local_state_comment", "Synced");
        }

        long mark = c.node(2).logMark();
        c.node(2).kill();
        c.awaitSynced(2, Duration.ofSeconds(30));
        c.node(3).sql("INSERT INTO kit.t VALUES (2, 'two')");
        c.node(2).start();
        c.awaitSynced(3, Duration.ofSeconds(60));
        assertThat(c.node(2).sql("SELECT COUNT(*) FROM kit.t").strip()).isEqualTo("2");
        assertThat(c.node(2).logSince(mark)).as("node 2 caught up incrementally").contains("IST received");

        c.node(1).sql("INSERT INTO kit.t VALUES (3, 'three')");
        c.stopAll();
        GaleraCluster.Node chosen = c.bootstrapFromMostAdvanced();
        assertThat(chosen).as("the last node stopped is the one safe to bootstrap").isEqualTo(c.node(3));
        for (GaleraCluster.Node n : c.nodes()) {
            assertThat(n.sql("SELECT COUNT(*) FROM kit.t").strip()).as("rows on %s", n).isEqualTo("3");
        }
    }
}
