package io.waddleperf.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link GaleraCluster} for a whole test class: started before the first test, always torn down after the last
 * (whether the tests passed or not), skipped with the reason printed when the machine cannot run it (failed under
 * {@code CI=true}). Register it in a static field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final GaleraExtension GALERA = new GaleraExtension(3);
 * ... GALERA.cluster().sequentialUrl(db) ...
 * }</pre>
 *
 * <p>Tests that take nodes down bring them back before they end ({@link GaleraCluster.Node#start()} or
 * {@link GaleraCluster#bootstrapFromMostAdvanced()}), so the next test of the class finds the cluster whole.
 */
public final class GaleraExtension implements BeforeAllCallback, AfterAllCallback {

    private final int size;
    private volatile GaleraCluster cluster;
    private volatile Path parent;

    /** A cluster of {@code size} nodes. */
    public GaleraExtension(int size) {
        this.size = size;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException, InterruptedException {
        parent = Files.createTempDirectory("wp-galera-");
        long t0 = System.nanoTime();
        cluster = GaleraCluster.start(parent, size);
        System.out.printf("galera: %d-node cluster %s synced in %.1f s under %s%n", size, cluster.name(),
                (System.nanoTime() - t0) / 1e9, cluster.dir());
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        GaleraCluster c = cluster;
        cluster = null;
        if (c != null) {
            c.close();
        }
        if (parent != null) {
            Files.deleteIfExists(parent);
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
}
