package io.waddleperf.manager.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.PreparedStatement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.argument.AbstractArgumentFactory;
import org.jdbi.v3.core.argument.Argument;
import org.jdbi.v3.core.config.ConfigRegistry;
import org.jdbi.v3.core.statement.SqlStatements;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The manager's database: a HikariCP pool, the schema brought up to date by Flyway at start, and JDBI on top. Every
 * repository works through {@link #inTransaction}, which retries a transaction that lost a lock or a Galera
 * certification with exponential backoff and jitter, so concurrent writers on one node or several converge.
 *
 * <p>Types are kept identical on both databases: UUIDs are {@code BINARY(16)} ({@link Uuids}), instants are
 * {@code DATETIME(6)} in UTC (bound as {@link LocalDateTime}, which neither database converts by session time zone).
 */
public final class Database implements AutoCloseable {

    /**
     * URL options of the embedded H2 database: MariaDB's SQL dialect and lower-case identifiers as MariaDB keeps them,
     * so migrations and queries are the same text on both. {@code WRITE_DELAY=0}: by default H2 writes committed
     * transactions to its file up to a second later, so results already acknowledged to an uploader were lost when
     * the process was killed within that second (ManagerCrashIT: 851 of them in one run). Now each commit reaches the
     * file (the kernel's cache) before the answer goes out, which survives the process being killed; surviving a
     * power cut takes MariaDB, which syncs its log at commit.
     */
    public static final String H2_OPTIONS = "MODE=MariaDB;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0";

    /**
     * MariaDB Connector/J settings for batches: a batch of inserts goes to the server as one bulk command
     * (COM_STMT_BULK_EXECUTE over a server-side prepared statement) instead of one statement per row.
     */
    public static final Map<String, String> MARIADB_PROPERTIES = Map.of(
            "useServerPrepStmts", "true", "useBulkStmts", "true", "useBulkStmtsForInserts", "true");

    /** Where the versioned migrations live on the class path. */
    static final String MIGRATIONS = "classpath:io/waddleperf/manager/db/migration";

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(10);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(1);

    private final HikariDataSource pool;
    private final Jdbi jdbi;
    private final int maxRetries;
    private final boolean mariadb;
    /**
     * On H2, held by every write transaction from its first statement to its commit, so one runs at a time. H2 writes
     * its file at each commit ({@code WRITE_DELAY=0}) as a snapshot of each table and index taken one after the
     * other; a transaction of another connection changing tables meanwhile can land in the file half-made, and after
     * the process is killed that half is read back as committed (a known H2 limitation, reported upstream as
     * h2database issue 2080). ManagerCrashIT met it as rollup rows that held a fold's figures while the fold's
     * deltas were still there: 23 batches counted twice. With one writer at a time each snapshot falls between two
     * transactions. Null on MariaDB, whose redo log makes each commit whole.
     */
    private final java.util.concurrent.locks.ReentrantLock h2Writer;

    private Database(HikariDataSource pool, int maxRetries) {
        this.pool = pool;
        this.maxRetries = maxRetries;
        this.mariadb = pool.getJdbcUrl().startsWith("jdbc:mariadb:");
        this.h2Writer = mariadb ? null : new java.util.concurrent.locks.ReentrantLock(true);
        this.jdbi = configure(Jdbi.create(pool));
    }

    /** The argument and column mappings every query relies on (UUIDs as 16 bytes, instants as UTC DATETIMEs). */
    static Jdbi configure(Jdbi jdbi) {
        jdbi.registerArgument(new UuidArgument());
        jdbi.registerArgument(new InstantArgument());
        jdbi.registerColumnMapper(UUID.class, (rs, col, ctx) -> Uuids.fromBytes(rs.getBytes(col)));
        jdbi.registerColumnMapper(Instant.class, (rs, col, ctx) -> {
            LocalDateTime t = rs.getObject(col, LocalDateTime.class);
            return t == null ? null : t.toInstant(ZoneOffset.UTC);
        });
        return jdbi;
    }

    /**
     * Runs {@code work} with a handle on a connection someone else owns and closes (a Java migration's, which Flyway
     * commits or rolls back), with the mappings of {@link #configure}.
     */
    public static <T> T withBorrowed(java.sql.Connection connection, java.util.function.Function<org.jdbi.v3.core.Handle, T> work) {
        Jdbi borrowed = configure(Jdbi.create(new org.jdbi.v3.core.ConnectionFactory() {
            @Override
            public java.sql.Connection openConnection() {
                return connection;
            }

            @Override
            public void closeConnection(java.sql.Connection c) {
                // Flyway's: it ends the transaction and closes it
            }
        }));
        try (org.jdbi.v3.core.Handle h = borrowed.open()) {
            return work.apply(h);
        }
    }

    /**
     * Connects, migrates the schema and returns the ready database.
     *
     * @param url            JDBC URL ({@code jdbc:h2:…} with {@link #H2_OPTIONS}, or {@code jdbc:mariadb:…})
     * @param user           user name, or null
     * @param password       password, or null
     * @param poolSize       connections in the pool
     * @param connectTimeout how long to wait for a connection
     * @param queryTimeout   longest one statement may run
     * @param maxRetries     retries of a transaction after a transient error
     * @throws StoreException when the database cannot be reached or migrated
     */
    public static Database open(String url, String user, String password, int poolSize, Duration connectTimeout,
                                Duration queryTimeout, int maxRetries) {
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(url);
        hc.setUsername(user);
        hc.setPassword(password);
        hc.setMaximumPoolSize(poolSize);
        hc.setConnectionTimeout(connectTimeout.toMillis());
        hc.setPoolName("manager-db");
        // READ COMMITTED: fewer gap locks than MariaDB's REPEATABLE READ default, so concurrent ingestion deadlocks
        // less; Galera certifies write sets the same way under either
        hc.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        if (url.startsWith("jdbc:mariadb:")) {
            // timestamps are bound as LocalDateTime in UTC; the session zone must not shift DATETIME defaults
            hc.addDataSourceProperty("connectionTimeZone", "UTC");
            for (Map.Entry<String, String> p : MARIADB_PROPERTIES.entrySet()) {
                hc.addDataSourceProperty(p.getKey(), p.getValue());
            }
        }
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(hc);
        } catch (RuntimeException e) {
            throw new StoreException("cannot connect to the database at " + redact(url) + ": " + rootMessage(e), e);
        }
        try {
            migrate(pool, url, user, password, maxRetries);
        } catch (RuntimeException e) {
            pool.close();
            throw new StoreException("cannot bring the database schema up to date at " + redact(url) + ": "
                    + rootMessage(e), e);
        }
        Database db = new Database(pool, maxRetries);
        db.jdbi.getConfig(SqlStatements.class).setQueryTimeout(Math.toIntExact(Math.max(1, queryTimeout.toSeconds())));
        LOG.info("database ready: {}", redact(url));
        return db;
    }

    /**
     * Brings the schema up to date, once even when several managers start together. On a single MariaDB Flyway's
     * own named lock serialises them. On a Galera node it cannot (named locks are not replicated, and the row lock
     * Flyway uses there is released by a migration's first DDL statement), so the managers first take
     * {@link MigrationLock}, a replicated row. A deadlock or certification failure that still reaches Flyway is
     * retried; the next attempt finds what the other manager applied. Flyway gets connections of its own without
     * server-side prepared statements: a lock wait aborted by a replicated DDL statement left a binary-protocol
     * statement waiting for an answer the server never sent (seen on MariaDB 10.11 with Galera 26.4).
     */
    private static void migrate(HikariDataSource pool, String url, String user, String password, int maxRetries) {
        try (MigrationLock lock = isGaleraNode(pool) ? MigrationLock.acquire(pool) : null) {
            // on a new database the lock's table is the only one; Flyway refuses a non-empty schema without its
            // history unless told to start from an empty baseline (version 0, before every migration)
            boolean onlyLock = lock != null && MigrationLock.onlyTableOfSchema(pool);
            for (int attempt = 0; ; attempt++) {
                try {
                    Flyway.configure().dataSource(url, user, password).locations(MIGRATIONS).failOnMissingLocations(true)
                            .baselineOnMigrate(onlyLock).baselineVersion("0")
                            .baselineDescription("empty schema with the migration lock").load().migrate();
                    return;
                } catch (RuntimeException e) {
                    if (!TransientErrors.isTransient(e) || attempt >= maxRetries) {
                        throw e;
                    }
                    LOG.info("schema migration met another writer ({}), retry {} of {}", rootMessage(e), attempt + 1,
                            maxRetries);
                    sleep(backoff(attempt + 4));
                }
            }
        } catch (java.sql.SQLException e) {
            throw new StoreException("cannot take the schema migration lock: " + e.getMessage(), e);
        }
    }

    private static boolean isGaleraNode(HikariDataSource pool) {
        if (!pool.getJdbcUrl().startsWith("jdbc:mariadb:")) {
            return false;
        }
        try (java.sql.Connection c = pool.getConnection(); java.sql.Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SHOW GLOBAL VARIABLES LIKE 'wsrep_on'")) {
            return rs.next() && rs.getString(2).equalsIgnoreCase("ON");
        } catch (java.sql.SQLException e) {
            throw new StoreException("cannot read wsrep_on: " + e.getMessage(), e);
        }
    }

    /** Runs {@code work} in one transaction, retried after deadlocks, lock wait timeouts and certification failures. */
    public <R> R inTransaction(HandleCallback<R, RuntimeException> work) {
        for (int attempt = 0; ; attempt++) {
            try {
                return h2Writer == null ? jdbi.inTransaction(work) : inH2Transaction(work);
            } catch (RuntimeException e) {
                if (!TransientErrors.isTransient(e)) {
                    throw unavailableOr(e);
                }
                if (attempt >= maxRetries) {
                    throw new StoreException("transaction still conflicting after " + (attempt + 1) + " attempts: "
                            + rootMessage(e), e);
                }
                LOG.debug("transient database error, retry {} of {}: {}", attempt + 1, maxRetries, rootMessage(e));
                sleep(backoff(attempt));
            }
        }
    }

    /** {@code work} in a transaction under {@link #h2Writer}, READ COMMITTED as every pooled connection. */
    private <R> R inH2Transaction(HandleCallback<R, RuntimeException> work) {
        h2Writer.lock();
        try {
            return jdbi.inTransaction(work);
        } finally {
            h2Writer.unlock();
        }
    }

    /** Reads without an explicit transaction (one statement sees one consistent snapshot). */
    public <R> R read(HandleCallback<R, RuntimeException> work) {
        try {
            return jdbi.withHandle(work);
        } catch (RuntimeException e) {
            throw unavailableOr(e);
        }
    }

    /** H2's own isolation level SNAPSHOT (not among java.sql.Connection's constants). */
    private static final int H2_SNAPSHOT = 6;

    /**
     * Reads in one read-only transaction that sees one snapshot of every table, as of its first read: a write that
     * commits meanwhile is seen by none of its statements. MariaDB's REPEATABLE READ gives that (one consistent read
     * view per transaction); H2's REPEATABLE READ does not (each table is read as of its first access), its SNAPSHOT
     * does. The connection goes back to READ COMMITTED afterwards.
     */
    public <R> R readSnapshot(HandleCallback<R, RuntimeException> work) {
        try {
            return jdbi.withHandle(h -> {
                java.sql.Connection c = h.getConnection();
                try {
                    c.setTransactionIsolation(mariadb ? java.sql.Connection.TRANSACTION_REPEATABLE_READ : H2_SNAPSHOT);
                    h.begin();
                    try {
                        return work.withHandle(h);
                    } finally {
                        h.rollback();
                    }
                } catch (java.sql.SQLException e) {
                    throw new StoreException("cannot start a snapshot read: " + e.getMessage(), e);
                } finally {
                    try {
                        c.setTransactionIsolation(java.sql.Connection.TRANSACTION_READ_COMMITTED);
                    } catch (java.sql.SQLException e) {
                        LOG.debug("cannot reset the isolation level; the pool resets it: {}", e.getMessage());
                    }
                }
            });
        } catch (RuntimeException e) {
            throw unavailableOr(e);
        }
    }

    /** A lost or unobtainable connection becomes a {@link StoreException} (answered 503); anything else stays. */
    static RuntimeException unavailableOr(RuntimeException e) {
        return e instanceof StoreException || !TransientErrors.isConnectionFailure(e) ? e
                : new StoreException("database unavailable: " + rootMessage(e), e);
    }

    /** Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff and Jitter"). */
    static Duration backoff(int attempt) {
        long cap = Math.min(MAX_BACKOFF.toMillis(), FIRST_BACKOFF.toMillis() << Math.min(attempt, 16));
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(cap / 2, cap + 1));
    }

    /**
     * What this manager's database node says of its Galera cluster: {@code wsrep_cluster_size},
     * {@code wsrep_cluster_status} (Primary or not), {@code wsrep_local_state_comment} (Synced, Donor/Desynced, Joining,
     * Joined …), {@code wsrep_ready}, and the node's name and incoming address. Empty on H2 and on a MariaDB that is no
     * cluster node ({@code wsrep_on} off).
     *
     * @param clusterSize   nodes in this node's component
     * @param clusterStatus {@code Primary}, or {@code non-Primary} / {@code Disconnected} when it lost the quorum
     * @param localState    this node's state
     * @param ready         whether the node accepts queries ({@code wsrep_ready = ON})
     * @param nodeName      {@code wsrep_node_name}
     * @param nodeAddress   {@code wsrep_incoming_addresses} entry of this node, as clients reach it
     */
    public record ClusterView(int clusterSize, String clusterStatus, String localState, boolean ready, String nodeName,
                              String nodeAddress) {

        /** Why a manager should not take traffic through this node, or empty when it may. */
        public Optional<String> notReadyReason() {
            if (!ready) {
                return Optional.of("galera node not ready (wsrep_ready=OFF)");
            }
            if (!"Primary".equalsIgnoreCase(clusterStatus)) {
                return Optional.of("galera node not in the primary component (wsrep_cluster_status=" + clusterStatus + ")");
            }
            // a donor or desynced node still answers, but lags the cluster or blocks writes during the transfer
            if (!"Synced".equalsIgnoreCase(localState)) {
                return Optional.of("galera node not synced (wsrep_local_state_comment=" + localState + ")");
            }
            return Optional.empty();
        }
    }

    /**
     * The Galera cluster as the node this manager is connected to sees it; empty when the database is not a Galera
     * node. {@link StoreException} when the database cannot be reached.
     */
    public Optional<ClusterView> clusterView() {
        if (!mariadb) {
            return Optional.empty();
        }
        return read(h -> {
            // a MariaDB built with Galera reports wsrep status even when it is no cluster node; wsrep_on says
            boolean galera = h.createQuery("SHOW GLOBAL VARIABLES LIKE 'wsrep_on'")
                    .map((rs, ctx) -> rs.getString(2)).findOne().map(v -> v.equalsIgnoreCase("ON")).orElse(false);
            if (!galera) {
                return Optional.<ClusterView>empty();
            }
            Map<String, String> s = new java.util.HashMap<>();
            h.createQuery("SHOW GLOBAL STATUS WHERE variable_name IN ('wsrep_ready', 'wsrep_cluster_status', "
                            + "'wsrep_cluster_size', 'wsrep_local_state_comment')")
                    .map((rs, ctx) -> s.put(rs.getString(1).toLowerCase(java.util.Locale.ROOT), rs.getString(2))).list();
            h.createQuery("SHOW GLOBAL VARIABLES WHERE variable_name IN ('wsrep_node_name', 'wsrep_node_incoming_address')")
                    .map((rs, ctx) -> s.put(rs.getString(1).toLowerCase(java.util.Locale.ROOT), rs.getString(2))).list();
            int size;
            try {
                size = Integer.parseInt(s.getOrDefault("wsrep_cluster_size", "0"));
            } catch (NumberFormatException e) {
                size = 0;
            }
            return Optional.of(new ClusterView(size, s.getOrDefault("wsrep_cluster_status", "unknown"),
                    s.getOrDefault("wsrep_local_state_comment", "unknown"), "ON".equalsIgnoreCase(s.get("wsrep_ready")),
                    s.getOrDefault("wsrep_node_name", ""), s.getOrDefault("wsrep_node_incoming_address", "")));
        });
    }

    /**
     * Whether the database answers and, on a Galera node, whether the node is ready, in the primary component and
     * synced ({@link ClusterView#notReadyReason()}); the reason when not.
     */
    public Optional<String> notReadyReason() {
        try {
            read(h -> h.createQuery("SELECT 1").mapTo(Integer.class).one());
            return clusterView().flatMap(ClusterView::notReadyReason);
        } catch (RuntimeException e) {
            return Optional.of("database unreachable: " + rootMessage(e));
        }
    }

    /** True on MariaDB, false on the embedded H2 database. */
    public boolean isMariaDb() {
        return mariadb;
    }

    @Override
    public void close() {
        pool.close();
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting to retry a transaction", e);
        }
    }

    /** The URL without a password someone may have put in it. */
    static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1****");
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    private static final class UuidArgument extends AbstractArgumentFactory<UUID> {
        UuidArgument() {
            super(Types.BINARY);
        }

        @Override
        protected Argument build(UUID value, ConfigRegistry config) {
            return (int position, PreparedStatement st, org.jdbi.v3.core.statement.StatementContext ctx) ->
                    st.setBytes(position, Uuids.toBytes(value));
        }
    }

    private static final class InstantArgument extends AbstractArgumentFactory<Instant> {
        InstantArgument() {
            super(Types.TIMESTAMP);
        }

        @Override
        protected Argument build(Instant value, ConfigRegistry config) {
            return (int position, PreparedStatement st, org.jdbi.v3.core.statement.StatementContext ctx) ->
                    st.setObject(position, LocalDateTime.ofInstant(value, ZoneOffset.UTC));
        }
    }
}
