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

    private Database(HikariDataSource pool, int maxRetries) {
        this.pool = pool;
        this.maxRetries = maxRetries;
        this.mariadb = pool.getJdbcUrl().startsWith("jdbc:mariadb:");
        this.jdbi = Jdbi.create(pool);
        jdbi.registerArgument(new UuidArgument());
        jdbi.registerArgument(new InstantArgument());
        jdbi.registerColumnMapper(UUID.class, (rs, col, ctx) -> Uuids.fromBytes(rs.getBytes(col)));
        jdbi.registerColumnMapper(Instant.class, (rs, col, ctx) -> {
            LocalDateTime t = rs.getObject(col, LocalDateTime.class);
            return t == null ? null : t.toInstant(ZoneOffset.UTC);
        });
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
            Flyway.configure().dataSource(pool).locations(MIGRATIONS).failOnMissingLocations(true).load().migrate();
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

    /** Runs {@code work} in one transaction, retried after deadlocks, lock wait timeouts and certification failures. */
    public <R> R inTransaction(HandleCallback<R, RuntimeException> work) {
        for (int attempt = 0; ; attempt++) {
            try {
                return jdbi.inTransaction(work); // READ COMMITTED, the pool's default for every connection
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

    /** Reads without an explicit transaction (one statement sees one consistent snapshot). */
    public <R> R read(HandleCallback<R, RuntimeException> work) {
        try {
            return jdbi.withHandle(work);
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
     * Whether the database answers and, on a Galera node, whether the node is synced and part of the primary
     * component ({@code wsrep_ready = ON}, {@code wsrep_cluster_status = Primary}); the reason when not.
     */
    public Optional<String> notReadyReason() {
        try {
            return read(h -> {
                h.createQuery("SELECT 1").mapTo(Integer.class).one();
                if (!mariadb) {
                    return Optional.<String>empty();
                }
                // a MariaDB built with Galera reports wsrep status even when it is no cluster node; wsrep_on says
                boolean galera = h.createQuery("SHOW GLOBAL VARIABLES LIKE 'wsrep_on'")
                        .map((rs, ctx) -> rs.getString(2)).findOne().map(v -> v.equalsIgnoreCase("ON")).orElse(false);
                if (!galera) {
                    return Optional.<String>empty();
                }
                var status = h.createQuery("SHOW GLOBAL STATUS WHERE variable_name IN ('wsrep_ready', 'wsrep_cluster_status')")
                        .map((rs, ctx) -> new String[] {rs.getString(1).toLowerCase(java.util.Locale.ROOT), rs.getString(2)})
                        .list();
                for (String[] s : status) {
                    if (s[0].equals("wsrep_ready") && !s[1].equalsIgnoreCase("ON")) {
                        return Optional.of("galera node not ready (wsrep_ready=" + s[1] + ")");
                    }
                    if (s[0].equals("wsrep_cluster_status") && !s[1].equalsIgnoreCase("Primary")) {
                        return Optional.of("galera node not in the primary component (wsrep_cluster_status=" + s[1] + ")");
                    }
                }
                return Optional.<String>empty();
            });
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
