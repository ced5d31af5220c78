package io.waddleperf.manager.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A lock that lets one manager of a Galera cluster migrate the schema while the others wait, whichever node each is
 * connected to. Flyway's own lock does not do this on Galera: a named lock is not replicated, so Flyway takes a
 * {@code SELECT … FOR UPDATE} row lock on its history table instead, which is local to one node and released by the
 * implicit commit of the first DDL statement of a migration (two managers on the same node both ran V1 and the second
 * failed with "table already exists").
 *
 * <p>This lock is a row: taking it is inserting row 1 of {@link #TABLE}, a write replicated and certified like any
 * other, so two takers on different nodes cannot both succeed (the second gets a duplicate key, or loses certification
 * with 1213, and waits). Releasing it is deleting the row. While it holds the lock, the holder renews the row's time
 * every {@link #HEARTBEAT}, since a migration may run for many minutes on a large store (filling rollup tables from
 * ten million results took five); a row not renewed for {@link #STALE} belongs to a manager that died, and is taken
 * over with a warning (the schema history tells whether the dead holder left a migration half done). The others wait
 * as long as the holder renews it, up to {@link #WAIT}.
 */
final class MigrationLock implements AutoCloseable {

    /** The lock's table, made on first use beside the schema (not a migration: it must exist before migrating). */
    static final String TABLE = "schema_migration_lock";
    /** How often the holder renews the row's time ({@code taken_at}: when taken or last renewed). */
    static final Duration HEARTBEAT = Duration.ofSeconds(20);
    /** A lock not renewed for this long belongs to a manager that died while migrating. */
    static final Duration STALE = Duration.ofMinutes(2);
    /** How long a manager waits for a holder that keeps renewing the lock before it gives up starting. */
    static final Duration WAIT = Duration.ofHours(2);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final int DUPLICATE_KEY = 1062;
    private static final Logger LOG = LoggerFactory.getLogger(MigrationLock.class);

    private final DataSource source;
    private final String holder;
    private final Thread heartbeat;
    private volatile boolean closed;

    private MigrationLock(DataSource source, String holder, Duration every) {
        this.source = source;
        this.holder = holder;
        this.heartbeat = Thread.ofPlatform().daemon().name("schema-migration-lock").start(() -> renew(every));
    }

    /** Takes the lock as managers do: renewed every {@link #HEARTBEAT}, stale after {@link #STALE}, waiting {@link #WAIT}. */
    static MigrationLock acquire(DataSource source) throws SQLException {
        return acquire(source, WAIT, HEARTBEAT, STALE);
    }

    /**
     * Takes the lock, waiting up to {@code timeout} while another manager holds it, taking it over when its row was
     * not renewed for {@code stale}; renews it every {@code heartbeat} until closed.
     *
     * @throws StoreException when it is still held after {@code timeout}, naming the holder
     */
    static MigrationLock acquire(DataSource source, Duration timeout, Duration heartbeat, Duration stale)
            throws SQLException {
        String holder = hostName() + "/" + ProcessHandle.current().pid() + "/" + UUID.randomUUID().toString().substring(0, 8);
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Connection c = source.getConnection()) {
            c.setAutoCommit(true);
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (id TINYINT NOT NULL PRIMARY KEY, "
                        + "holder VARCHAR(200) NOT NULL, taken_at DATETIME(6) NOT NULL) ENGINE=InnoDB");
            }
            boolean waited = false;
            while (true) {
                try (PreparedStatement p = c.prepareStatement("INSERT INTO " + TABLE
                        + " (id, holder, taken_at) VALUES (1, ?, UTC_TIMESTAMP(6))")) {
                    p.setString(1, holder);
                    p.executeUpdate();
                    if (waited) {
                        LOG.info("schema migration lock taken after waiting for another manager");
                    }
                    return new MigrationLock(source, holder, heartbeat);
                } catch (SQLException e) {
                    if (e.getErrorCode() != DUPLICATE_KEY && !TransientErrors.isTransient(e)) {
                        throw e;
                    }
                }
                if (takeOverStale(c, stale)) {
                    continue;
                }
                if (System.nanoTime() > deadline) {
                    throw new StoreException("another manager (" + currentHolder(c) + ") has held the schema migration "
                            + "lock for over " + timeout.toSeconds() + " s, still renewing it; if it is gone, delete the "
                            + "row of " + TABLE, null);
                }
                if (!waited) {
                    LOG.info("waiting for another manager to finish migrating the schema ({})", currentHolder(c));
                    waited = true;
                }
                try {
                    Thread.sleep(POLL);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StoreException("interrupted while waiting for the schema migration lock", e);
                }
            }
        }
    }

    /** Whether the lock's table is the only table of the connection's schema (a database never migrated). */
    static boolean onlyTableOfSchema(DataSource source) throws SQLException {
        try (Connection c = source.getConnection(); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()")) {
            boolean lock = false;
            while (rs.next()) {
                if (!rs.getString(1).equalsIgnoreCase(TABLE)) {
                    return false;
                }
                lock = true;
            }
            return lock;
        }
    }

    private static boolean takeOverStale(Connection c, Duration stale) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("DELETE FROM " + TABLE
                + " WHERE id = 1 AND taken_at < UTC_TIMESTAMP(6) - INTERVAL ? MICROSECOND")) {
            p.setLong(1, stale.toNanos() / 1000);
            if (p.executeUpdate() > 0) {
                LOG.warn("took over a schema migration lock not renewed for {} s: its manager died while migrating",
                        stale.toSeconds());
                return true;
            }
            return false;
        } catch (SQLException e) {
            if (TransientErrors.isTransient(e)) {
                return false;
            }
            throw e;
        }
    }

    private static String currentHolder(Connection c) {
        try (Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT holder, taken_at FROM " + TABLE + " WHERE id = 1")) {
            return rs.next() ? rs.getString(1) + " since " + rs.getString(2) + " UTC" : "nobody now";
        } catch (SQLException e) {
            return "unknown: " + e.getMessage();
        }
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "unknown-host";
        }
    }

    /**
     * Renews this holder's row every {@code every} until {@link #close} interrupts it. A renewal that fails is tried
     * again at the next beat: a manager loses the lock only by not renewing it for {@link #STALE}.
     */
    private void renew(Duration every) {
        while (!closed) {
            try {
                Thread.sleep(every);
            } catch (InterruptedException e) {
                return;
            }
            try (Connection c = source.getConnection();
                 PreparedStatement p = c.prepareStatement("UPDATE " + TABLE + " SET taken_at = UTC_TIMESTAMP(6) "
                         + "WHERE id = 1 AND holder = ?")) {
                c.setAutoCommit(true);
                p.setString(1, holder);
                if (p.executeUpdate() == 0 && !closed) {
                    LOG.warn("the schema migration lock was taken over while this manager migrated ({} held it)", holder);
                    return;
                }
            } catch (SQLException e) {
                LOG.warn("could not renew the schema migration lock: {}", e.getMessage());
            }
        }
    }

    /** Releases the lock (stops renewing it, deletes this holder's row). */
    @Override
    public void close() {
        closed = true;
        heartbeat.interrupt();
        try {
            heartbeat.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (int attempt = 0; attempt < 5; attempt++) {
            try (Connection c = source.getConnection();
                 PreparedStatement p = c.prepareStatement("DELETE FROM " + TABLE + " WHERE id = 1 AND holder = ?")) {
                c.setAutoCommit(true);
                p.setString(1, holder);
                p.executeUpdate();
                return;
            } catch (SQLException e) {
                if (!TransientErrors.isTransient(e) && !TransientErrors.isConnectionFailure(e)) {
                    LOG.warn("could not release the schema migration lock: {}", e.getMessage());
                    return;
                }
            }
        }
        LOG.warn("could not release the schema migration lock after 5 attempts; it goes stale in {} s", STALE.toSeconds());
    }
}
