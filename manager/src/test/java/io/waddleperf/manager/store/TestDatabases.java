package io.waddleperf.manager.store;

import io.waddleperf.testkit.Requirements;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Fresh databases for tests, of both kinds the manager runs on: the embedded H2 database in MariaDB mode, and the
 * machine's MariaDB (127.0.0.1:3306, root without password). Each MariaDB one is a database of its own named
 * {@code wp_test_<random>}, dropped on close, so parallel runs never meet. Without a reachable MariaDB the test is
 * skipped with the reason printed, and fails under {@code CI=true}.
 */
public final class TestDatabases {

    /** Which database a test runs on. */
    public enum Kind {
        H2, MARIADB;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static final String MARIADB_SERVER = "jdbc:mariadb://127.0.0.1:3306/";
    public static final String MARIADB_USER = "root";

    private TestDatabases() {
    }

    /** Both kinds, for {@code @MethodSource}. */
    public static Stream<Kind> kinds() {
        return Stream.of(Kind.values());
    }

    /**
     * A fresh empty database's JDBC URL of this kind.
     *
     * @return the URL and the clean-up that drops it
     */
    public static Fresh fresh(Kind kind) {
        String name = "wp_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        if (kind == Kind.H2) {
            return new Fresh(kind, "jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1;" + Database.H2_OPTIONS, null, name);
        }
        try (Connection c = DriverManager.getConnection(MARIADB_SERVER, MARIADB_USER, "");
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name + " CHARACTER SET utf8mb4");
        } catch (SQLException e) {
            Requirements.require(false, "MariaDB is not reachable at 127.0.0.1:3306 as root: " + e.getMessage());
        }
        return new Fresh(kind, MARIADB_SERVER + name, MARIADB_USER, name);
    }

    /** A fresh, migrated database of this kind. */
    public static Opened open(Kind kind) {
        Fresh f = fresh(kind);
        Database db = Database.open(f.url(), f.user(), null, 8, Duration.ofSeconds(10), Duration.ofSeconds(30), 8);
        return new Opened(f, db);
    }

    /**
     * A fresh database not yet opened.
     *
     * @param kind which database
     * @param url  its JDBC URL
     * @param user user name (MariaDB) or null
     * @param name database name
     */
    public record Fresh(Kind kind, String url, String user, String name) implements AutoCloseable {
        @Override
        public void close() {
            if (kind == Kind.MARIADB) {
                try (Connection c = DriverManager.getConnection(MARIADB_SERVER, MARIADB_USER, "");
                     Statement s = c.createStatement()) {
                    s.execute("DROP DATABASE IF EXISTS " + name);
                } catch (SQLException e) {
                    throw new IllegalStateException("cannot drop test database " + name, e);
                }
            } else {
                try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
                    s.execute("SHUTDOWN");
                } catch (SQLException e) {
                    // already gone
                }
            }
        }
    }

    /**
     * An opened database and the fresh one under it; closing closes the pool and drops the database.
     *
     * @param fresh the database
     * @param db    the open manager database on it
     */
    public record Opened(Fresh fresh, Database db) implements AutoCloseable {
        @Override
        public void close() {
            db.close();
            fresh.close();
        }
    }
}
