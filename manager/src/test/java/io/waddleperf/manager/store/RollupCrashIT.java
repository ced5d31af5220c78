package io.waddleperf.manager.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded database killed while results are stored and deltas folded, again and again: after each kill every
 * rollup tier, rows plus unfolded deltas, counts exactly the results stored. A fold is one transaction (rollup rows
 * updated, its deltas deleted); H2 wrote its file from tables snapshotted one after another, so a kill could leave
 * a fold's rows without the deletion of its deltas (counted twice) or the reverse, unless writers take turns
 * (Database's H2 writer lock). Without that lock the two runs made to check that this test can fail failed at their
 * first and second kill.
 */
class RollupCrashIT {

    private static final int KILLS = 10;

    @Test
    void every_kill_leaves_each_rollup_tier_counting_the_stored_results_exactly(@TempDir Path dir) throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("manager") + ";" + Database.H2_OPTIONS;
        int torn = 0;
        StringBuilder report = new StringBuilder();
        for (int kill = 1; kill <= KILLS; kill++) {
            Process child = start(url, dir.resolve("child.log"));
            // kill at a random moment, mid-batch or mid-fold
            Thread.sleep(500 + ThreadLocalRandom.current().nextInt(1000));
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("the child is gone after kill -9").isTrue();
            String counts = counts(url);
            if (counts != null) {
                torn++;
                report.append("kill ").append(kill).append(": ").append(counts).append('\n');
            }
        }
        assertThat(torn).as("kills after which a rollup tier did not count the stored results:%n%s", report).isZero();
    }

    private static Process start(String url, Path log) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), RollupCrashChild.class.getName(), url)
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        assertThat(line).as("the child's first line").isEqualTo("READY");
        return p;
    }

    /** Null when every tier's rows plus the deltas count the stored results, else what each counts. */
    private static String counts(String url) throws Exception {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            long stored = one(s, "SELECT COUNT(*) FROM results");
            long deltas = one(s, "SELECT COALESCE(SUM(result_count), 0) FROM rollup_delta");
            StringBuilder wrong = new StringBuilder();
            for (String tier : List.of("rollup_minute", "rollup_hour", "rollup_day", "rollup_type_hour",
                    "rollup_type_day", "rollup_target_hour", "rollup_target_day")) {
                long rows = one(s, "SELECT COALESCE(SUM(result_count), 0) FROM " + tier);
                if (rows + deltas != stored) {
                    wrong.append(' ').append(tier).append(' ').append(rows).append(" + ").append(deltas);
                }
            }
            return wrong.isEmpty() ? null : stored + " stored;" + wrong;
        }
    }

    private static long one(Statement s, String sql) throws Exception {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
