package io.waddleperf.app.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The source tree's launcher with its one-shot AOT cache, run from a copy of the tree's layout (the launcher script
 * and the runnable jar, no sources, so it never builds). The JVM itself does not notice that a cache was made from
 * another jar: it ran the cache's old classes against a rebuilt jar. The launcher must train again when the jar is
 * newer than the cache, and keep a cache that is newer than the jar.
 */
class LauncherCacheIT {

    private static final Path ROOT = DeploymentManifestsTest.repositoryRoot();
    private static final String JAVA_HOME = System.getProperty("java.home");

    @TempDir
    Path tree;

    private record Run(int exit, String out) {
    }

    private Run launch(String... args) throws Exception {
        Path out = tree.resolve("out.txt");
        String[] command = new String[args.length + 1];
        command[0] = tree.resolve("waddleperf").toString();
        System.arraycopy(args, 0, command, 1, args.length);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
        Map<String, String> env = pb.environment();
        env.put("WADDLEPERF_JAVA_HOME", JAVA_HOME);
        env.remove("WADDLEPERF_JAVA_OPTS");
        Process p = pb.start();
        assertThat(p.waitFor(240, TimeUnit.SECONDS)).as("launcher finished").isTrue();
        return new Run(p.exitValue(), Files.readString(out));
    }

    @Test
    void a_cache_older_than_the_jar_is_trained_again_and_a_newer_one_is_kept() throws Exception {
        Path target = Files.createDirectories(tree.resolve("app/target"));
        Files.copy(ROOT.resolve("waddleperf"), tree.resolve("waddleperf"));
        tree.resolve("waddleperf").toFile().setExecutable(true);
        Path jar = Files.copy(ROOT.resolve("app/target/waddleperf.jar"), target.resolve("waddleperf.jar"));
        Instant built = Instant.now();
        Files.setLastModifiedTime(jar, FileTime.from(built));

        // what a cache made from an earlier jar looks like to the launcher: older than the jar (its content does not
        // matter; a real stale cache is a valid cache of other classes, which the JVM would use)
        Path cache = target.resolve("waddleperf-oneshot.aot");
        Files.writeString(cache, "made from an earlier jar");
        Files.setLastModifiedTime(cache, FileTime.from(built.minusSeconds(600)));

        Run first = launch("--version");
        assertThat(first.exit()).as(first.out()).isZero();
        assertThat(first.out()).contains("waddleperf");
        assertThat(Files.size(cache)).as("trained again: a real cache, not the stale file").isGreaterThan(1_000_000);
        FileTime trained = Files.getLastModifiedTime(cache);
        assertThat(trained.toInstant()).isAfterOrEqualTo(built);

        Run second = launch("--version");
        assertThat(second.exit()).as(second.out()).isZero();
        assertThat(Files.getLastModifiedTime(cache)).as("a current cache is kept").isEqualTo(trained);

        // a failed training leaves a marker that also goes stale with the jar: a newer jar tries again
        Files.delete(cache);
        Path none = target.resolve("waddleperf-oneshot.aot.none");
        Files.writeString(none, "");
        Files.setLastModifiedTime(none, FileTime.from(built.minusSeconds(600)));
        Run third = launch("--version");
        assertThat(third.exit()).as(third.out()).isZero();
        assertThat(cache).exists();
        assertThat(none).doesNotExist();
    }
}
