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
 * with 1213, and waits). Releasing it is deleting the row. A holder that died leaves the row; after {@link #STALE} it
 * is taken over with a warning (a migration never takes that long here; the schema history tells whether the dead
 * holder left a migration half done).
 */
final class MigrationLock implements AutoCloseable {

    /** The lock's table, made on first use beside the schema (not a migration: it must exist before migrating). */
    static final String TABLE = "schema_migration_lock";
    /** A lock older than this belongs to a manager that died while migrating. */
    static final Duration STALE = Duration.ofMinutes(10);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final int DUPLICATE_KEY = 1062;
    private static final Logger LOG = LoggerFactory.getLogger(MigrationLock.class);

    private final DataSource source;
    private final String holder;

    private MigrationLock(DataSource source, String holder) {
        this.source = source;
        this.holder = holder;
    }

    /**
     * Takes the lock, waiting up to {@code timeout} while another manager holds it.
     *
     * @throws StoreException when it is still held after {@code timeout}, naming the holder
     */
    static MigrationLock acquire(DataSource source, Duration timeout) throws SQLException {
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
                    return new MigrationLock(source, holder);
                } catch (SQLException e) {
                    if (e.getErrorCode() != DUPLICATE_KEY && !TransientErrors.isTransient(e)) {
                        throw e;
                    }
                }
                if (takeOverStale(c)) {
                    continue;
                }
                if (System.nanoTime() > deadline) {
                    throw new StoreException("another manager (" + currentHolder(c) + ") has held the schema migration "
                            + "lock for over " + timeout.toSeconds() + " s; if it is gone, delete the row of " + TABLE, null);
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

    private static boolean takeOverStale(Connection c) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("DELETE FROM " + TABLE
                + " WHERE id = 1 AND taken_at < UTC_TIMESTAMP(6) - INTERVAL ? SECOND")) {
            p.setLong(1, STALE.toSeconds());
            if (p.executeUpdate() > 0) {
                LOG.warn("took over a schema migration lock older than {} s: its manager died while migrating", STALE.toSeconds());
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

    /** Releases the lock (deletes this holder's row). */
    @Override
    public void close() {
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
