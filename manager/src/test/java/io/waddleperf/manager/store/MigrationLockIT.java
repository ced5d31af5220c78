package io.waddleperf.manager.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.waddleperf.manager.store.TestDatabases.Kind;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The schema migration lock managers take on Galera, on the machine's MariaDB (the lock is a row, and behaves the same
 * on one node): a holder that keeps migrating past the stale age keeps its lock because it renews it, a waiter gets
 * it when the holder releases it, a row no one renews is taken over, and a waiter gives up naming the holder.
 * Durations are short here (heartbeat 200 ms, stale after 1.5 s); the manager's are 20 s and 2 minutes.
 */
class MigrationLockIT {

    private static final Duration BEAT = Duration.ofMillis(200);
    private static final Duration STALE = Duration.ofMillis(1500);

    private static HikariDataSource pool(TestDatabases.Fresh f) {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(f.url());
        c.setUsername(f.user());
        c.setMaximumPoolSize(4);
        return new HikariDataSource(c);
    }

    @Test
    void a_holder_that_renews_keeps_the_lock_past_the_stale_age_and_a_waiter_gets_it_after() throws Exception {
        try (TestDatabases.Fresh f = TestDatabases.fresh(Kind.MARIADB); HikariDataSource pool = pool(f)) {
            MigrationLock first = MigrationLock.acquire(pool, Duration.ofSeconds(5), BEAT, STALE);
            CompletableFuture<MigrationLock> second = CompletableFuture.supplyAsync(() -> {
                try {
                    return MigrationLock.acquire(pool, Duration.ofSeconds(30), BEAT, STALE);
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            // twice the stale age: without renewals the waiter would have taken the lock over by now
            Thread.sleep(STALE.multipliedBy(2).toMillis());
            assertThat(second).as("the waiter waits while the holder renews").isNotDone();
            String holder = holder(pool);
            first.close();
            MigrationLock taken = second.get(10, TimeUnit.SECONDS);
            assertThat(holder(pool)).isNotNull().isNotEqualTo(holder);
            taken.close();
            assertThat(holder(pool)).as("released").isNull();
        }
    }

    @Test
    void a_row_nobody_renews_is_taken_over_after_the_stale_age() throws Exception {
        try (TestDatabases.Fresh f = TestDatabases.fresh(Kind.MARIADB); HikariDataSource pool = pool(f)) {
            MigrationLock.acquire(pool, Duration.ofSeconds(5), BEAT, STALE).close();
            // a manager killed while migrating: its row stays and is no longer renewed
            try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
                s.execute("INSERT INTO " + MigrationLock.TABLE + " (id, holder, taken_at) VALUES (1, 'dead/1/x', "
                        + "UTC_TIMESTAMP(6))");
            }
            long start = System.nanoTime();
            try (MigrationLock taken = MigrationLock.acquire(pool, Duration.ofSeconds(30), BEAT, STALE)) {
                long waited = (System.nanoTime() - start) / 1_000_000;
                assertThat(waited).as("ms waited for the dead holder's row to go stale").isGreaterThanOrEqualTo(1000);
                assertThat(holder(pool)).isNotEqualTo("dead/1/x");
            }
        }
    }

    @Test
    void a_waiter_gives_up_after_its_timeout_naming_the_holder() throws Exception {
        try (TestDatabases.Fresh f = TestDatabases.fresh(Kind.MARIADB); HikariDataSource pool = pool(f)) {
            try (MigrationLock first = MigrationLock.acquire(pool, Duration.ofSeconds(5), BEAT, STALE)) {
                String holder = holder(pool);
                assertThatThrownBy(() -> MigrationLock.acquire(pool, Duration.ofMillis(2500), BEAT, STALE))
                        .isInstanceOf(StoreException.class).hasMessageContaining(holder)
                        .hasMessageContaining("still renewing it");
            }
        }
    }

    private static String holder(HikariDataSource pool) throws Exception {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT holder FROM " + MigrationLock.TABLE + " WHERE id = 1")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
