package io.waddleperf.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link GaleraCluster} for the test classes of a run: started before the first test of the first class that asks
 * for it, handed on to every later class asking for the same size (in the same test JVM) as long as all its nodes run
 * and are synced, and always torn down when the run ends (whether the tests passed or not), or skipped with the reason
 * printed when the machine cannot run one (failed under {@code CI=true}). Register it in a static field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final GaleraExtension GALERA = new GaleraExtension(3);
 * ... GALERA.cluster().sequentialUrl(db) ...
 * }</pre>
 *
 * <p>Why shared: a three-node start (install, bootstrap, two full state transfers) takes 20–40 s on a 2-core machine,
 * and the manager module has three classes on a cluster. Sharing asks of a test only what a class-wide cluster already
 * did: each test works in a database of its own, and tests that take nodes down bring them back before they end
 * ({@link GaleraCluster.Node#start()} or {@link GaleraCluster#bootstrapFromMostAdvanced()}), so the next test finds the
 * cluster whole. A test that reads a node's log reads only what the node wrote since it began
 * ({@link GaleraCluster.Node#logMark()}). When a class left the cluster broken (a node down, not synced), the next
 * class gets a new cluster rather than a failure that belongs to the previous one.
 */
public final class GaleraExtension implements BeforeAllCallback {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(GaleraExtension.class);
    /** How long a handed-on cluster may take to show every node synced before it counts as broken. */
    private static final Duration HEALTHY_WITHIN = Duration.ofSeconds(30);

    private final int size;
    private volatile GaleraCluster cluster;

    /** A cluster of {@code size} nodes. */
    public GaleraExtension(int size) {
        this.size = size;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException, InterruptedException {
        // the root context's store lives as long as the test run and closes what it holds at its end
        ExtensionContext.Store store = context.getRoot().getStore(NAMESPACE);
        String key = "cluster-" + size;
        Shared shared = store.get(key, Shared.class);
        if (shared != null && healthy(shared.cluster)) {
            System.out.printf("galera: %d-node cluster %s handed on to %s%n", size, shared.cluster.name(),
                    context.getDisplayName());
            cluster = shared.cluster;
            return;
        }
        if (shared != null) {
            store.remove(key, Shared.class);
            shared.close();
        }
        Path parent = Files.createTempDirectory("wp-galera-");
        long t0 = System.nanoTime();
        GaleraCluster started;
        try {
            started = GaleraCluster.start(parent, size);
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            Files.deleteIfExists(parent);
            throw e;
        }
        store.put(key, new Shared(started, parent));
        System.out.printf("galera: %d-node cluster %s synced in %.1f s under %s%n", size, started.name(),
                (System.nanoTime() - t0) / 1e9, started.dir());
        cluster = started;
    }

    private boolean healthy(GaleraCluster c) {
        for (GaleraCluster.Node n : c.nodes()) {
            if (!n.isRunning()) {
                System.out.printf("galera: cluster %s not handed on: %s is down%n", c.name(), n);
                return false;
            }
        }
        try {
            c.awaitSynced(size, HEALTHY_WITHIN);
            return true;
        } catch (IOException e) {
            System.out.printf("galera: cluster %s not handed on: %s%n", c.name(), e.getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The running cluster (inside the class's tests). */
    public GaleraCluster cluster() {
        GaleraCluster c = cluster;
        if (c == null) {
            throw new IllegalStateException("the Galera cluster runs only while the test class does");
        }
        return c;
    }

    /** The cluster as the run's store holds it: closed (every node killed, the folder deleted) when the run ends. */
    private record Shared(GaleraCluster cluster, Path parent) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            cluster.close();
            Files.deleteIfExists(parent);
        }
    }
}
