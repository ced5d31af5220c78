package io.waddleperf.manager;

import io.waddleperf.core.address.Cidr;
import io.waddleperf.core.config.Bytes;
import io.waddleperf.core.config.ConfigException;
import io.waddleperf.core.config.ConfigLoader;
import io.waddleperf.core.config.Problems;
import io.waddleperf.core.config.Secret;
import io.waddleperf.core.config.Validated;
import io.waddleperf.manager.auth.Role;
import io.waddleperf.manager.auth.ServerKey;
import io.waddleperf.manager.store.Database;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The manager's settings, snake_case in YAML, {@code WADDLEPERF_MANAGER_*} environment variables and flags (every key
 * is listed in docs/CONFIGURATION.md), loaded by {@link #loader()}. Running components only see instances that
 * passed the loader's checks.
 *
 * @param bind            address the HTTP listener binds to
 * @param port            HTTP port of the API (0 = any free port)
 * @param dataDir         folder of the embedded database when {@code db.url} is not set
 * @param shutdownTimeout how long a stopping manager waits for requests in progress
 * @param db              the database: embedded (default) or MariaDB
 * @param http            limits of the HTTP listener
 * @param auth            sessions, login rate limits, MFA and the secret key
 * @param httpsEnabled    whether the HTTPS listener runs too
 * @param httpsPort       HTTPS port (0 = any free port)
 * @param tlsCertFile     PEM certificate chain for HTTPS; with {@code tlsKeyFile}, else a self-signed one is made in
 *                        {@code data_dir}
 * @param tlsKeyFile      PEM private key (PKCS#8, or PKCS#1/SEC1) for {@code tlsCertFile}
 * @param trustedProxies  CIDRs of reverse proxies whose {@code X-Forwarded-For} and {@code X-Forwarded-Proto} are
 *                        believed
 * @param enrollment      device enrolment: heartbeats and configuration re-checks the manager asks of devices
 * @param geoip           GeoIP databases that enrich results on ingest (none: no enrichment)
 * @param alerts          how alert notifications go out (SMTP server, webhook timeouts) and rule limits
 * @param retention       how long raw results (per AutoPerf tier) and rollups are kept
 */
public record ManagerConfig(
        String bind,
        int port,
        Path dataDir,
        Duration shutdownTimeout,
        Db db,
        Http http,
        Auth auth,
        boolean httpsEnabled,
        int httpsPort,
        Path tlsCertFile,
        Path tlsKeyFile,
        List<String> trustedProxies,
        Enrollment enrollment,
        GeoIp geoip,
        Alerts alerts,
        Retention retention,
        Speedtest speedtest) implements Validated {

    /** Prefix of the environment variables that set keys ({@code WADDLEPERF_MANAGER_PORT}). */
    public static final String ENV_PREFIX = "WADDLEPERF_MANAGER";

    private static final ConfigLoader<ManagerConfig> LOADER = ConfigLoader.of(ManagerConfig.class, ENV_PREFIX);

    public ManagerConfig {
        trustedProxies = List.copyOf(trustedProxies);
        retention = Objects.requireNonNullElse(retention, Retention.defaults());
        speedtest = Objects.requireNonNullElse(speedtest, Speedtest.defaults());
    }

    /** All defaults: the one place they are written (nested sections default in their constructors). */
    public static ManagerConfig defaults() {
        return new ManagerConfig("0.0.0.0", 5000, Path.of("data"), Duration.ofSeconds(10), Db.defaults(),
                Http.defaults(), Auth.defaults(), false, 5443, null, null, List.of(), Enrollment.defaults(),
                GeoIp.defaults(), Alerts.defaults(), Retention.defaults(), Speedtest.defaults());
    }

    public static ConfigLoader<ManagerConfig> loader() {
        return LOADER;
    }

    /**
     * A checked configuration from settings by key path over the defaults (tests, the demo).
     *
     * @throws ConfigException listing every problem, each naming its key path
     */
    public static ManagerConfig of(Map<String, String> settings) {
        return LOADER.load(settings);
    }

    /**
     * The JDBC URL the manager connects to: {@code db.url}, or the embedded H2 database in {@code data_dir} in its
     * MariaDB mode, so that both run the same SQL.
     */
    public String jdbcUrl() {
        if (db.url() != null) {
            return db.url();
        }
        return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("manager") + ";" + Database.H2_OPTIONS;
    }

    @Override
    public void validate(Problems problems) {
        problems.require(!bind.isBlank() && bind.matches("[A-Za-z0-9_.:%-]+"), "bind",
                "'" + bind + "' is not an address or host name");
        problems.require(port >= 0 && port <= 65535, "port", "must be between 0 (any free port) and 65535, got " + port);
        problems.require(!shutdownTimeout.isNegative() && shutdownTimeout.compareTo(Duration.ofMinutes(5)) <= 0,
                "shutdown_timeout", "must be between 0s and 5m, got " + shutdownTimeout);
        problems.require(httpsPort >= 0 && httpsPort <= 65535, "https_port",
                "must be between 0 (any free port) and 65535, got " + httpsPort);
        problems.require(!httpsEnabled || httpsPort == 0 || httpsPort != port, "https_port",
                "must differ from port (" + port + ")");
        problems.require((tlsCertFile == null) == (tlsKeyFile == null), tlsCertFile == null ? "tls_cert_file" : "tls_key_file",
                "tls_cert_file and tls_key_file go together");
        for (String key : List.of("tls_cert_file", "tls_key_file")) {
            Path f = key.equals("tls_cert_file") ? tlsCertFile : tlsKeyFile;
            problems.require(f == null || Files.isReadable(f), key, "cannot read " + f);
        }
        for (int i = 0; i < trustedProxies.size(); i++) {
            try {
                Cidr.parse(trustedProxies.get(i));
            } catch (IllegalArgumentException e) {
                problems.add("trusted_proxies[" + i + "]", e.getMessage());
            }
        }
    }

    /** Where the manager's secret key is read from or made: {@code auth.secret_key}, else this file. */
    public Path secretKeyFile() {
        return dataDir.resolve(ServerKey.FILE_NAME);
    }

    /**
     * The database (YAML section {@code db:}).
     *
     * @param url            JDBC URL; unset means the embedded database under {@code data_dir}. MariaDB:
     *                       {@code jdbc:mariadb://host:3306/waddleperf}; several Galera nodes:
     *                       {@code jdbc:mariadb:sequential://node1,node2,node3/waddleperf} (fail over in order)
     * @param user           database user (MariaDB); unset for the embedded database
     * @param password       database password
     * @param poolSize       connections in the pool
     * @param connectTimeout how long a request waits for a free connection before failing
     * @param queryTimeout   longest a single statement may run
     * @param maxRetries     times a transaction is retried after a deadlock, lock wait timeout or Galera
     *                       certification failure
     */
    public record Db(String url, String user, Secret password, Integer poolSize, Duration connectTimeout,
                     Duration queryTimeout, Integer maxRetries) implements Validated {
        public Db {
            poolSize = Objects.requireNonNullElse(poolSize, 10);
            connectTimeout = Objects.requireNonNullElse(connectTimeout, Duration.ofSeconds(10));
            queryTimeout = Objects.requireNonNullElse(queryTimeout, Duration.ofSeconds(30));
            maxRetries = Objects.requireNonNullElse(maxRetries, 5);
        }

        public static Db defaults() {
            return new Db(null, null, null, null, null, null, null);
        }

        @Override
        public void validate(Problems problems) {
            problems.require(url == null || url.startsWith("jdbc:mariadb:") || url.startsWith("jdbc:h2:"), "url",
                    "must be a jdbc:mariadb: or jdbc:h2: URL, got '" + url + "'");
            problems.require(poolSize >= 1 && poolSize <= 500, "pool_size", "must be 1-500, got " + poolSize);
            problems.require(connectTimeout.compareTo(Duration.ofMillis(250)) >= 0
                    && connectTimeout.compareTo(Duration.ofMinutes(5)) <= 0, "connect_timeout",
                    "must be between 250ms and 5m, got " + connectTimeout);
            problems.require(queryTimeout.compareTo(Duration.ofSeconds(1)) >= 0
                    && queryTimeout.compareTo(Duration.ofHours(1)) <= 0, "query_timeout",
                    "must be between 1s and 1h, got " + queryTimeout);
            problems.require(maxRetries >= 0 && maxRetries <= 100, "max_retries", "must be 0-100, got " + maxRetries);
        }
    }

    /**
     * Limits of the HTTP listener (YAML section {@code http:}).
     *
     * @param idleTimeout             a connection that sends or reads nothing for this long is closed (slow clients)
     * @param maxBodyBytes            largest request body accepted; larger ones get 413
     * @param maxBatchResults         most results one {@code POST /api/v1/results} may carry (one transaction each)
     * @param headerTimeout           a connection must send a complete request head within this of opening or of its
     *                                previous answer, else it is closed (a head trickled a byte at a time, which the
     *                                idle timeout never ends, or a kept-alive connection left unused)
     * @param minBodyRate             a request body arriving slower than this many bytes a second on average is refused
     *                                (408)
     * @param maxConnectionsPerClient connections one client address may hold; further ones are closed as they open
     *                                ({@code trusted_proxies} are exempt: they carry many clients)
     */
    public record Http(Duration idleTimeout, @Bytes Long maxBodyBytes, Integer maxBatchResults, Duration headerTimeout,
                       @Bytes Long minBodyRate, Integer maxConnectionsPerClient) implements Validated {
        public Http {
            idleTimeout = Objects.requireNonNullElse(idleTimeout, Duration.ofSeconds(30));
            maxBodyBytes = Objects.requireNonNullElse(maxBodyBytes, 16L << 20);
            maxBatchResults = Objects.requireNonNullElse(maxBatchResults, 1000);
            headerTimeout = Objects.requireNonNullElse(headerTimeout, Duration.ofSeconds(10));
            minBodyRate = Objects.requireNonNullElse(minBodyRate, 1024L);
            // agents behind one NAT address share it: more room than the test server's 64
            maxConnectionsPerClient = Objects.requireNonNullElse(maxConnectionsPerClient, 256);
        }

        public static Http defaults() {
            return new Http(null, null, null, null, null, null);
        }

        @Override
        public void validate(Problems problems) {
            problems.require(idleTimeout.compareTo(Duration.ofMillis(100)) >= 0
                    && idleTimeout.compareTo(Duration.ofHours(1)) <= 0, "idle_timeout",
                    "must be between 100ms and 1h, got " + idleTimeout);
            problems.require(maxBodyBytes >= 1024 && maxBodyBytes <= 1L << 30, "max_body_bytes",
                    "must be between 1K and 1G, got " + maxBodyBytes);
            problems.require(maxBatchResults >= 1 && maxBatchResults <= 10_000, "max_batch_results",
                    "must be 1-10000, got " + maxBatchResults);
            problems.require(headerTimeout.compareTo(Duration.ofMillis(100)) >= 0
                    && headerTimeout.compareTo(Duration.ofMinutes(10)) <= 0, "header_timeout",
                    "must be between 100ms and 10m, got " + headerTimeout);
            problems.require(minBodyRate >= 0, "min_body_rate", "must not be negative, got " + minBodyRate);
            problems.require(maxConnectionsPerClient >= 1 && maxConnectionsPerClient <= 1_000_000,
                    "max_connections_per_client", "must be between 1 and 1000000, got " + maxConnectionsPerClient);
        }
    }

    /**
     * Sessions and login limits (YAML section {@code auth:}).
     *
     * @param sessionTtl             how long a login session token stays valid
     * @param refreshTtl             how long the refresh token of a login stays valid (each use replaces it)
     * @param maxFailuresPerAccount  failed logins one account may have per {@code failure_window} before its logins
     *                               are refused (429) for the rest of the window
     * @param maxFailuresPerIp       failed logins one client address may have per {@code failure_window}
     * @param failureWindow          the window over which failed logins are counted
     * @param mfaRequiredRoles       roles whose users must have MFA; their logins without it may only set it up
     * @param secretKey              the manager's 256-bit key in Base64 (encrypts MFA secrets, signs CSRF tokens);
     *                               unset: {@code secret.key} in {@code data_dir}, made at first start. Every manager
     *                               of one database needs the same key
     */
    public record Auth(Duration sessionTtl, Duration refreshTtl, Integer maxFailuresPerAccount, Integer maxFailuresPerIp,
                       Duration failureWindow, List<Role> mfaRequiredRoles, Secret secretKey) implements Validated {
        public Auth {
            sessionTtl = Objects.requireNonNullElse(sessionTtl, Duration.ofHours(12));
            refreshTtl = Objects.requireNonNullElse(refreshTtl, Duration.ofDays(7));
            maxFailuresPerAccount = Objects.requireNonNullElse(maxFailuresPerAccount, 5);
            maxFailuresPerIp = Objects.requireNonNullElse(maxFailuresPerIp, 20);
            failureWindow = Objects.requireNonNullElse(failureWindow, Duration.ofMinutes(15));
            mfaRequiredRoles = List.copyOf(Objects.requireNonNullElse(mfaRequiredRoles, List.of()));
        }

        public static Auth defaults() {
            return new Auth(null, null, null, null, null, null, null);
        }

        @Override
        public void validate(Problems problems) {
            problems.require(sessionTtl.compareTo(Duration.ofMinutes(1)) >= 0
                    && sessionTtl.compareTo(Duration.ofDays(30)) <= 0, "session_ttl",
                    "must be between 1m and 30d, got " + sessionTtl);
            problems.require(refreshTtl.compareTo(sessionTtl) >= 0 && refreshTtl.compareTo(Duration.ofDays(365)) <= 0,
                    "refresh_ttl", "must be between session_ttl and 365d, got " + refreshTtl);
            problems.require(maxFailuresPerAccount >= 1 && maxFailuresPerAccount <= 1000, "max_failures_per_account",
                    "must be 1-1000, got " + maxFailuresPerAccount);
            problems.require(maxFailuresPerIp >= 1 && maxFailuresPerIp <= 100_000, "max_failures_per_ip",
                    "must be 1-100000, got " + maxFailuresPerIp);
            problems.require(failureWindow.compareTo(Duration.ofSeconds(1)) >= 0
                    && failureWindow.compareTo(Duration.ofDays(1)) <= 0, "failure_window",
                    "must be between 1s and 1d, got " + failureWindow);
            if (secretKey != null) {
                try {
                    ServerKey.decode(secretKey.reveal());
                } catch (IllegalArgumentException e) {
                    problems.add("secret_key", e.getMessage());
                }
            }
        }
    }

    /**
     * Device enrolment (YAML section {@code enrollment:}).
     *
     * @param heartbeatInterval  how often devices are asked to send a heartbeat (the status buckets assume about a
     *                           minute: a device is online while its last contact is under 5 minutes old)
     * @param configRecheckMin   shortest time a device is told to wait before it asks for its configuration again
     * @param configRecheckMax   longest such time; each answer picks one at random in between, so devices spread
     */
    public record Enrollment(Duration heartbeatInterval, Duration configRecheckMin, Duration configRecheckMax)
            implements Validated {
        public Enrollment {
            heartbeatInterval = Objects.requireNonNullElse(heartbeatInterval, Duration.ofMinutes(1));
            configRecheckMin = Objects.requireNonNullElse(configRecheckMin, Duration.ofMinutes(30));
            configRecheckMax = Objects.requireNonNullElse(configRecheckMax, Duration.ofMinutes(60));
        }

        public static Enrollment defaults() {
            return new Enrollment(null, null, null);
        }

        @Override
        public void validate(Problems problems) {
            problems.require(heartbeatInterval.compareTo(Duration.ofSeconds(5)) >= 0
                    && heartbeatInterval.compareTo(Duration.ofMinutes(4)) <= 0, "heartbeat_interval",
                    "must be between 5s and 4m (a device is online while heard from within 5m), got " + heartbeatInterval);
            problems.require(configRecheckMin.compareTo(Duration.ofSeconds(10)) >= 0, "config_recheck_min",
                    "must be at least 10s, got " + configRecheckMin);
            problems.require(configRecheckMax.compareTo(configRecheckMin) >= 0
                    && configRecheckMax.compareTo(Duration.ofDays(1)) <= 0, "config_recheck_max",
                    "must be between config_recheck_min and 24h, got " + configRecheckMax);
        }
    }

    /**
     * GeoIP enrichment of results on ingest (YAML section {@code geoip:}).
     *
     * @param databases     {@code .mmdb} files (MaxMind GeoLite2/GeoIP2 City and ASN, DB-IP lite); empty: no enrichment
     * @param checkInterval how often the files are checked for replacement (hot reload)
     */
    public record GeoIp(List<Path> databases, Duration checkInterval) implements Validated {
        public GeoIp {
            databases = List.copyOf(Objects.requireNonNullElse(databases, List.of()));
            checkInterval = Objects.requireNonNullElse(checkInterval, Duration.ofMinutes(1));
        }

        public static GeoIp defaults() {
            return new GeoIp(null, null);
        }

        @Override
        public void validate(Problems problems) {
            for (int i = 0; i < databases.size(); i++) {
                problems.require(Files.isReadable(databases.get(i)), "databases[" + i + "]",
                        "cannot read " + databases.get(i));
            }
            problems.require(databases.size() <= 16, "databases", "at most 16 files, got " + databases.size());
            problems.require(checkInterval.compareTo(Duration.ofSeconds(1)) >= 0
                    && checkInterval.compareTo(Duration.ofDays(1)) <= 0, "check_interval",
                    "must be between 1s and 1d, got " + checkInterval);
        }
    }

    /**
     * Alert notifications and limits (YAML section {@code alerts:}).
     *
     * @param smtpHost        SMTP server of the rules' e-mail channel; unset: rules cannot mail
     * @param smtpPort        its port
     * @param starttls        {@code none}, {@code optional} or {@code required}
     * @param smtpUsername    SMTP AUTH user, or unset
     * @param smtpPassword    SMTP AUTH password
     * @param mailFrom        sender address of alert mail
     * @param timeout         longest one webhook post or SMTP conversation may take
     * @param webhookAttempts tries per webhook notification
     * @param webhookBackoff  wait before the second try, doubled for each further one (up to 1 min)
     * @param maxRulesPerOu   most rules one OU (or the global scope) may have
     */
    public record Alerts(String smtpHost, Integer smtpPort, io.waddleperf.notify.Mailer.StartTls starttls,
                         String smtpUsername, Secret smtpPassword, String mailFrom, Duration timeout,
                         Integer webhookAttempts, Duration webhookBackoff, Integer maxRulesPerOu) implements Validated {
        public Alerts {
            smtpPort = Objects.requireNonNullElse(smtpPort, 25);
            starttls = Objects.requireNonNullElse(starttls, io.waddleperf.notify.Mailer.StartTls.OPTIONAL);
            mailFrom = Objects.requireNonNullElse(mailFrom, "waddleperf@localhost");
            timeout = Objects.requireNonNullElse(timeout, Duration.ofSeconds(10));
            webhookAttempts = Objects.requireNonNullElse(webhookAttempts, 3);
            webhookBackoff = Objects.requireNonNullElse(webhookBackoff, Duration.ofSeconds(2));
            maxRulesPerOu = Objects.requireNonNullElse(maxRulesPerOu, 200);
        }

        public static Alerts defaults() {
            return new Alerts(null, null, null, null, null, null, null, null, null, null);
        }

        @Override
        public void validate(Problems problems) {
            problems.require(smtpPort >= 1 && smtpPort <= 65535, "smtp_port", "must be between 1 and 65535");
            problems.require((smtpUsername == null) == (smtpPassword == null || smtpPassword.isEmpty()), "smtp_password",
                    "give smtp_username and smtp_password together, or neither");
            problems.require(mailFrom.matches("[^@\\s<>\"]+@[^@\\s<>\"]+"), "mail_from",
                    "'" + mailFrom + "' is not a mail address");
            problems.require(timeout.compareTo(Duration.ofSeconds(1)) >= 0 && timeout.compareTo(Duration.ofMinutes(2)) <= 0,
                    "timeout", "must be between 1s and 2m, got " + timeout);
            problems.require(webhookAttempts >= 1 && webhookAttempts <= 10, "webhook_attempts",
                    "must be 1-10, got " + webhookAttempts);
            problems.require(webhookBackoff.compareTo(Duration.ofMillis(10)) >= 0
                    && webhookBackoff.compareTo(Duration.ofMinutes(1)) <= 0, "webhook_backoff",
                    "must be between 10ms and 1m, got " + webhookBackoff);
            problems.require(maxRulesPerOu >= 1 && maxRulesPerOu <= 10_000, "max_rules_per_ou",
                    "must be 1-10000, got " + maxRulesPerOu);
        }
    }

    /**
     * How long stored data is kept (YAML section {@code retention:}); older data is deleted in small batches by the
     * housekeeping job. Raw results are kept per AutoPerf tier: tier 1 runs all the time and is the bulk, tiers 2 and
     * 3 are the escalations worth keeping longer. Rollups outlive the raw results, so long-range statistics stay.
     *
     * @param results       results of no AutoPerf tier (CLI, test servers, browsers, the original clients)
     * @param tier1Results  results of AutoPerf tier 1
     * @param tier2Results  results of AutoPerf tier 2
     * @param tier3Results  results of AutoPerf tier 3
     * @param minuteRollups per-minute rollups
     * @param hourRollups   per-hour rollups
     * @param dayRollups    per-day rollups
     * @param audit         audit log entries (who changed users, roles, OUs, secrets, configurations, settings)
     * @param batchSize     rows deleted per transaction (small transactions, as Galera wants)
     */
    public record Retention(Duration results, Duration tier1Results, Duration tier2Results, Duration tier3Results,
                            Duration minuteRollups, Duration hourRollups, Duration dayRollups, Duration audit,
                            Integer batchSize)
            implements Validated {
        public Retention {
            results = Objects.requireNonNullElse(results, Duration.ofDays(30));
            tier1Results = Objects.requireNonNullElse(tier1Results, Duration.ofDays(7));
            tier2Results = Objects.requireNonNullElse(tier2Results, Duration.ofDays(30));
            tier3Results = Objects.requireNonNullElse(tier3Results, Duration.ofDays(90));
            minuteRollups = Objects.requireNonNullElse(minuteRollups, Duration.ofDays(7));
            hourRollups = Objects.requireNonNullElse(hourRollups, Duration.ofDays(365));
            dayRollups = Objects.requireNonNullElse(dayRollups, Duration.ofDays(365));
            // two years: long enough to answer "who changed this, and when" about last year's change
            audit = Objects.requireNonNullElse(audit, Duration.ofDays(730));
            batchSize = Objects.requireNonNullElse(batchSize, 500);
        }

        public static Retention defaults() {
            return new Retention(null, null, null, null, null, null, null, null, null);
        }

        /** The retention of raw results of AutoPerf tier {@code tier} (null: of no tier). */
        public Duration ofResults(Integer tier) {
            if (tier == null) {
                return results;
            }
            return switch (tier) {
                case 1 -> tier1Results;
                case 2 -> tier2Results;
                default -> tier3Results;
            };
        }

        /** The retention of a rollup tier. */
        public Duration ofRollups(io.waddleperf.manager.stats.RollupTier tier) {
            return switch (tier) {
                case MINUTE -> minuteRollups;
                case HOUR -> hourRollups;
                case DAY -> dayRollups;
            };
        }

        @Override
        public void validate(Problems problems) {
            Duration longest = Duration.ofDays(36_500);
            for (var e : List.of(Map.entry("results", results), Map.entry("tier1_results", tier1Results),
                    Map.entry("tier2_results", tier2Results), Map.entry("tier3_results", tier3Results),
                    Map.entry("minute_rollups", minuteRollups), Map.entry("hour_rollups", hourRollups),
                    Map.entry("day_rollups", dayRollups))) {
                problems.require(e.getValue().compareTo(Duration.ofHours(1)) >= 0 && e.getValue().compareTo(longest) <= 0,
                        e.getKey(), "must be between 1h and 36500d, got " + e.getValue());
            }
            // statistics read a range's older end from the finest tier that still holds it, so coarser tiers must
            // hold at least as long
            problems.require(hourRollups.compareTo(minuteRollups) >= 0, "hour_rollups",
                    "must be at least minute_rollups (" + minuteRollups + "), got " + hourRollups);
            problems.require(dayRollups.compareTo(hourRollups) >= 0, "day_rollups",
                    "must be at least hour_rollups (" + hourRollups + "), got " + dayRollups);
            problems.require(audit.compareTo(Duration.ofDays(1)) >= 0 && audit.compareTo(longest) <= 0, "audit",
                    "must be between 1d and 36500d, got " + audit);
            problems.require(batchSize >= 1 && batchSize <= 10_000, "batch_size", "must be 1-10000, got " + batchSize);
        }
    }

    /**
     * The browser speed test (YAML section {@code speedtest:}).
     *
     * @param testServers base URLs of test servers the speed test page offers besides the manager itself: where
     *                    LibreSpeed's {@code garbage}, {@code empty} (a WaddlePerf test server's root, or a LibreSpeed
     *                    backend's folder); the page's Content-Security-Policy lets it connect to their origins
     */
    public record Speedtest(List<URI> testServers) implements Validated {
        public Speedtest {
            testServers = List.copyOf(Objects.requireNonNullElse(testServers, List.of()));
        }

        public static Speedtest defaults() {
            return new Speedtest(null);
        }

        @Override
        public void validate(Problems problems) {
            problems.require(testServers.size() <= 32, "test_servers", "at most 32, got " + testServers.size());
            for (int i = 0; i < testServers.size(); i++) {
                URI u = testServers.get(i);
                String key = "test_servers[" + i + "]";
                boolean http = "http".equalsIgnoreCase(u.getScheme()) || "https".equalsIgnoreCase(u.getScheme());
                problems.require(http && u.getHost() != null && u.getRawUserInfo() == null && u.getRawQuery() == null
                        && u.getRawFragment() == null, key, "'" + u + "' is not an http:// or https:// base URL "
                        + "(host, optional port and path; no user, query or fragment)");
                problems.require(testServers.indexOf(u) == i, key, "'" + u + "' is listed twice");
            }
        }

        /** The origins ({@code scheme://host[:port]}) of the test servers, for the page's connect-src. */
        public List<String> origins() {
            return testServers.stream().map(u -> u.getScheme().toLowerCase(java.util.Locale.ROOT) + "://"
                    + u.getRawAuthority()).distinct().toList();
        }
    }
}
