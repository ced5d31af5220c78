package io.waddleperf.manager;

import io.javalin.Javalin;
import io.javalin.json.JavalinJackson;
import io.waddleperf.core.address.Cidr;
import io.waddleperf.core.address.ClientAddress;
import io.waddleperf.core.config.ConfigException;
import io.waddleperf.core.result.Json;
import io.waddleperf.geo.GeoIp;
import io.waddleperf.manager.alerts.AlertEvaluator;
import io.waddleperf.manager.alerts.AlertNotifier;
import io.waddleperf.manager.api.AlertsApi;
import io.waddleperf.manager.api.ApiErrors;
import io.waddleperf.manager.geo.GeoEnricher;
import io.waddleperf.manager.store.AlertRepository;
import io.waddleperf.notify.Mailer;
import io.waddleperf.notify.WebhookSender;
import io.waddleperf.speed.SpeedConfig;
import io.waddleperf.manager.api.AuditApi;
import io.waddleperf.manager.api.AuthApi;
import io.waddleperf.manager.api.ConfigApi;
import io.waddleperf.manager.api.DeviceRequests;
import io.waddleperf.manager.api.DevicesApi;
import io.waddleperf.manager.api.EnrollmentApi;
import io.waddleperf.manager.api.ExportApi;
import io.waddleperf.manager.api.HealthApi;
import io.waddleperf.manager.api.MfaApi;
import io.waddleperf.manager.api.OpenApi;
import io.waddleperf.manager.api.IntrospectionApi;
import io.waddleperf.manager.api.OrganizationsApi;
import io.waddleperf.manager.api.Requests;
import io.waddleperf.manager.api.ResultsApi;
import io.waddleperf.manager.api.SpeedTestApi;
import io.waddleperf.manager.api.StatisticsApi;
import io.waddleperf.manager.api.TestsApi;
import io.waddleperf.manager.api.UsersApi;
import io.waddleperf.manager.audit.AuditLog;
import io.waddleperf.manager.auth.AuthService;
import io.waddleperf.manager.auth.LoginRateLimiter;
import io.waddleperf.manager.auth.MfaService;
import io.waddleperf.manager.auth.PasswordHasher;
import io.waddleperf.manager.auth.Role;
import io.waddleperf.manager.auth.ServerKey;
import io.waddleperf.manager.ingest.Ingestor;
import io.waddleperf.manager.ingest.ResultValidator;
import io.waddleperf.manager.store.AuditRepository;
import io.waddleperf.manager.store.Database;
import io.waddleperf.manager.store.MfaRepository;
import io.waddleperf.manager.devices.AgentSchedule;
import io.waddleperf.manager.store.AgentConfigRepository;
import io.waddleperf.manager.store.DeviceRepository;
import io.waddleperf.manager.store.EnrollmentSecretRepository;
import io.waddleperf.manager.store.OrganizationRepository;
import io.waddleperf.manager.store.ResultRepository;
import io.waddleperf.manager.store.RollupRepository;
import io.waddleperf.manager.store.SessionRepository;
import io.waddleperf.manager.store.UserRepository;
import io.waddleperf.manager.ui.WebUi;
import io.waddleperf.tls.SelfSignedCertificate;
import io.waddleperf.tls.TlsCredentials;
import io.waddleperf.web.ConnectionGuard;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.InstantSource;
import java.util.EnumSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running manager: the database (migrated at start) and the HTTP API on Javalin/Jetty with every handler on a
 * virtual thread, on HTTP and, when enabled, HTTPS (TLS 1.2 and 1.3; the configured PEM files or a self-signed
 * certificate kept in the data folder). Closing is graceful: new requests get 503, those in progress get up to
 * {@code shutdown_timeout} to finish (so an ingestion in progress commits and answers), then the listeners and the
 * pool close.
 */
public final class ManagerServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ManagerServer.class);

    private final ManagerConfig config;
    private final Database db;
    private final Javalin app;
    private final GracefulHandler graceful;
    private final Housekeeping housekeeping;
    private final RollupFolder folder;
    private final int port;
    private final OptionalInt httpsPort;
    private final TlsCredentials tls;

    private final AlertNotifier notifier;
    private final GeoIp geoIp;
    private final SpeedTestApi speedTest;
    private final ConnectionGuard guard;

    private ManagerServer(ManagerConfig config, Database db, Javalin app, GracefulHandler graceful,
                          ConnectionGuard guard, Housekeeping housekeeping, RollupFolder folder, int port,
                          OptionalInt httpsPort, TlsCredentials tls, AlertNotifier notifier, GeoIp geoIp,
                          SpeedTestApi speedTest) {
        this.guard = guard;
        this.speedTest = speedTest;
        this.notifier = notifier;
        this.geoIp = geoIp;
        this.config = config;
        this.db = db;
        this.app = app;
        this.graceful = graceful;
        this.housekeeping = housekeeping;
        this.folder = folder;
        this.port = port;
        this.httpsPort = httpsPort;
        this.tls = tls;
    }

    /** Opens (and migrates) the configured database; the caller closes it. */
    public static Database openDatabase(ManagerConfig config) {
        ManagerConfig.Db d = config.db();
        return Database.open(config.jdbcUrl(), d.user(), d.password() == null ? null : d.password().reveal(),
                d.poolSize(), d.connectTimeout(), d.queryTimeout(), d.maxRetries());
    }

    /**
     * Opens the database and starts listening.
     *
     * @throws io.waddleperf.manager.store.StoreException when the database cannot be reached or migrated
     * @throws ConfigException when the secret key or the TLS files cannot be read or made
     */
    public static ManagerServer start(ManagerConfig config) {
        Database db = openDatabase(config);
        try {
            return start(config, db, InstantSource.system());
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    static ManagerServer start(ManagerConfig config, Database db, InstantSource clock) {
        UserRepository users = new UserRepository(db);
        SessionRepository sessions = new SessionRepository(db);
        OrganizationRepository organizations = new OrganizationRepository(db);
        ResultRepository results = new ResultRepository(db);
        RollupRepository rollups = new RollupRepository(db);
        PasswordHasher hasher = new PasswordHasher();
        ManagerConfig.Auth a = config.auth();
        ServerKey key = serverKey(config);
        TlsCredentials tls = config.httpsEnabled() ? tlsCredentials(config) : null;
        List<Role> required = a.mfaRequiredRoles();
        MfaService mfa = new MfaService(new MfaRepository(db), key,
                required.isEmpty() ? EnumSet.noneOf(Role.class) : EnumSet.copyOf(required), clock);
        AuthService auth = new AuthService(users, sessions, hasher,
                new LoginRateLimiter(a.maxFailuresPerAccount(), a.maxFailuresPerIp(), a.failureWindow(), clock),
                mfa, a.sessionTtl(), a.refreshTtl(), clock);
        AuditRepository auditEntries = new AuditRepository(db);
        AuditLog audit = new AuditLog(auditEntries, clock);
        Requests requests = new Requests(auth, config.http().maxBodyBytes(), new ClientAddress(config.trustedProxies()), key);
        GeoIp geoIp = geoIp(config);
        ManagerConfig.Alerts al = config.alerts();
        AlertRepository alertRules = new AlertRepository(db, key);
        int sealed = alertRules.sealClearWebhooks();
        if (sealed > 0) {
            LOG.info("sealed the webhooks of {} alert rules stored in clear by an earlier version", sealed);
        }
        AlertNotifier notifier = new AlertNotifier(alertRules, new WebhookSender(al.timeout(), al.webhookAttempts(),
                al.webhookBackoff(), Duration.ofMinutes(1), clock), mailer(al));
        AlertEvaluator evaluator = new AlertEvaluator(alertRules, notifier, clock);
        Ingestor ingestor = new Ingestor(results, new ResultValidator(), config.http().maxBatchResults(), clock,
                new GeoEnricher(geoIp), evaluator);
        OpenApi openApi = new OpenApi(version());
        SpeedTestApi speedTest = new SpeedTestApi(SpeedConfig.defaults(), new ClientAddress(config.trustedProxies()), geoIp,
                ingestor, requests, config.speedtest().testServers());
        DeviceRepository devices = new DeviceRepository(db);
        EnrollmentSecretRepository secrets = new EnrollmentSecretRepository(db);
        AgentConfigRepository agentConfigs = new AgentConfigRepository(db);
        DeviceRequests deviceRequests = new DeviceRequests(devices, clock);
        ManagerConfig.Enrollment en = config.enrollment();
        // failed enrolments are limited like failed logins (per serial, per address), with the same settings
        LoginRateLimiter enrolLimiter = new LoginRateLimiter(a.maxFailuresPerAccount(), a.maxFailuresPerIp(),
                a.failureWindow(), clock);

        GracefulHandler graceful = new GracefulHandler();
        ManagerConfig.Http http = config.http();
        // a head trickled a byte at a time resets the idle timeout forever: the guard ends it, and caps what one
        // address may hold (docs/RELIABILITY.md, "Attacks on the manager")
        ConnectionGuard guard = new ConnectionGuard(http.headerTimeout(), http.maxConnectionsPerClient(),
                config.trustedProxies().stream().map(Cidr::parse).toList());
        ServerConnector[] connector = new ServerConnector[2];
        Javalin app = Javalin.create(c -> {
            c.startup.showJavalinBanner = false;
            c.startup.showOldJavalinVersionWarning = false;
            c.concurrency.useVirtualThreads = true;
            c.jsonMapper(new JavalinJackson(Json.mapper(), true));
            c.http.maxRequestSize = config.http().maxBodyBytes();
            c.jetty.modifyServer(server -> {
                server.setStopTimeout(0); // close() waits for requests in progress itself
                // Javalin attaches its servlet context inside the innermost wrapper: graceful → guard → Javalin
                graceful.setHandler(guard);
                server.setHandler(graceful);
            });
            c.jetty.modifyHttpConfiguration(h -> {
                h.setSendServerVersion(false);
                // a body trickled slower than this on average is refused with 408 (Jetty checks it on every read)
                h.setMinRequestDataRate(http.minBodyRate());
            });
            c.jetty.addConnector((server, httpConfig) -> {
                ServerConnector sc = new ServerConnector(server, new HttpConnectionFactory(httpConfig));
                sc.setHost(config.bind());
                sc.setPort(config.port());
                // a client that sends or reads nothing for this long is cut off (slow-loris guard)
                sc.setIdleTimeout(config.http().idleTimeout().toMillis());
                sc.addEventListener(guard);
                connector[0] = sc;
                return sc;
            });
            if (tls != null) {
                c.jetty.addConnector((server, httpConfig) -> {
                    HttpConfiguration httpsConfig = new HttpConfiguration(httpConfig);
                    SecureRequestCustomizer secure = new SecureRequestCustomizer();
                    // a self-signed certificate names localhost and loopback; clients may use any name
                    secure.setSniHostCheck(false);
                    httpsConfig.addCustomizer(secure);
                    ServerConnector sc = new ServerConnector(server, new SslConnectionFactory(sslContextFactory(tls), "http/1.1"),
                            new HttpConnectionFactory(httpsConfig));
                    sc.setHost(config.bind());
                    sc.setPort(config.httpsPort());
                    sc.setIdleTimeout(config.http().idleTimeout().toMillis());
                    sc.addEventListener(guard);
                    connector[1] = sc;
                    return sc;
                });
            }
            c.requestLogger.http((ctx, ms) -> LOG.debug("{} {} {} {} ms client={}", ctx.method(), ctx.path(),
                    ctx.statusCode(), Math.round(ms), ctx.req().getRemoteAddr()));
            ApiErrors.register(c.routes);
            requests.addFilters(c.routes);
            WebUi.configure(c, config.speedtest().origins());
            new HealthApi(version(), db).addRoutes(c.routes);
            openApi.addRoutes(c.routes);
            new AuthApi(auth, mfa, users, hasher, requests, audit, clock).addRoutes(c.routes);
            new MfaApi(mfa, auth, users, hasher, requests, audit).addRoutes(c.routes);
            new UsersApi(users, auth, hasher, requests, mfa, audit, clock).addRoutes(c.routes);
            new OrganizationsApi(organizations, requests, audit, clock).addRoutes(c.routes);
            new AuditApi(auditEntries, requests).addRoutes(c.routes);
            new ResultsApi(ingestor, results, requests, deviceRequests).addRoutes(c.routes);
            new TestsApi(ingestor, requests).addRoutes(c.routes);
            speedTest.addRoutes(c.routes);
            new StatisticsApi(results, rollups, requests, config.retention(), clock).addRoutes(c.routes);
            new ExportApi(results, requests, clock).addRoutes(c.routes);
            new EnrollmentApi(secrets, devices, organizations, agentConfigs, requests, deviceRequests, enrolLimiter,
                    audit, en.heartbeatInterval(), clock).addRoutes(c.routes);
            new DevicesApi(devices, organizations, secrets, agentConfigs, requests, audit, clock).addRoutes(c.routes);
            new ConfigApi(agentConfigs, devices, organizations, requests, deviceRequests, audit,
                    new AgentSchedule(en.configRecheckMin(), en.configRecheckMax()), en.heartbeatInterval(), clock)
                    .addRoutes(c.routes);
            new IntrospectionApi(auth, requests, deviceRequests).addRoutes(c.routes);
            new AlertsApi(alertRules, evaluator, notifier, organizations, requests, audit, al.maxRulesPerOu(), clock)
                    .addRoutes(c.routes);
        });
        openApi.complete(routes(app));
        try {
            app.start();
        } catch (RuntimeException e) {
            guard.close();
            throw e;
        }
        Housekeeping housekeeping = new Housekeeping(sessions, results, rollups, auditEntries, config.retention(),
                clock);
        housekeeping.start();
        RollupFolder folder = new RollupFolder(rollups);
        folder.start();
        OptionalInt httpsPort = connector[1] == null ? OptionalInt.empty() : OptionalInt.of(connector[1].getLocalPort());
        ManagerServer m = new ManagerServer(config, db, app, graceful, guard, housekeeping, folder, connector[0].getLocalPort(),
                httpsPort, tls, notifier, geoIp, speedTest);
        LOG.info("manager listening on {}:{}{}", config.bind(), m.port(),
                httpsPort.isPresent() ? ", HTTPS on port " + httpsPort.getAsInt() : "");
        return m;
    }

    /**
     * Every registered API route as {@code METHOD /path} (the OpenAPI description and its test check against these);
     * the web UI's library files, served by routes of their own, are files rather than API.
     */
    static List<String> routes(Javalin app) {
        return app.unsafe.internalRouter.allHttpHandlers().stream()
                .filter(e -> e.endpoint.method.isHttpMethod())
                .filter(e -> !e.endpoint.path.startsWith(WebUi.VENDOR_PREFIX))
                .map(e -> e.endpoint.method.name() + " " + e.endpoint.path)
                .toList();
    }

    /** The routes this manager serves, as {@code METHOD /path}. */
    public List<String> routes() {
        return routes(app);
    }

    /** Stops the background folding of rollup deltas until the handle is closed (tests). */
    AutoCloseable pauseRollupFolding() {
        return folder.pause();
    }

    /** The manager's secret key: {@code auth.secret_key}, else the key file in the data folder (made if missing). */
    static ServerKey serverKey(ManagerConfig config) {
        if (config.auth().secretKey() != null) {
            return ServerKey.fromBase64(config.auth().secretKey().reveal());
        }
        try {
            ServerKey key = ServerKey.loadOrCreate(config.secretKeyFile());
            if (config.db().url() != null && config.db().url().startsWith("jdbc:mariadb:")) {
                LOG.info("secret key from {}: every manager of this database needs the same key (auth.secret_key_file)",
                        config.secretKeyFile().toAbsolutePath());
            }
            return key;
        } catch (IOException e) {
            throw new ConfigException(List.of("auth.secret_key: not set, and " + config.secretKeyFile().toAbsolutePath()
                    + " cannot be read or made (" + e.getMessage() + "); set auth.secret_key_file"));
        }
    }

    private static TlsCredentials tlsCredentials(ManagerConfig config) {
        try {
            if (config.tlsCertFile() != null) {
                return TlsCredentials.load(config.tlsCertFile(), config.tlsKeyFile());
            }
            return SelfSignedCertificate.loadOrCreate(config.dataDir(), config.bind(), Clock.systemUTC());
        } catch (IOException e) {
            throw new ConfigException(List.of((config.tlsCertFile() != null ? "tls_cert_file: " : "data_dir: cannot keep "
                    + "the self-signed certificate: ") + e.getMessage()));
        }
    }

    /** The configured GeoIP databases (none: no enrichment); a file that cannot be opened stops the start. */
    static GeoIp geoIp(ManagerConfig config) {
        ManagerConfig.GeoIp g = config.geoip();
        if (g.databases().isEmpty()) {
            return GeoIp.none();
        }
        try {
            return GeoIp.open(g.databases(), g.checkInterval());
        } catch (IOException e) {
            throw new ConfigException(List.of("geoip.databases: " + e.getMessage()));
        }
    }

    /** The mailer of alert e-mail, or null without {@code alerts.smtp_host}. */
    static Mailer mailer(ManagerConfig.Alerts a) {
        if (a.smtpHost() == null) {
            return null;
        }
        try {
            return new Mailer(a.smtpHost(), a.smtpPort(), a.starttls(), a.smtpUsername(), a.smtpPassword(), a.mailFrom(),
                    a.timeout());
        } catch (IOException e) {
            throw new ConfigException(List.of("alerts.mail_from: " + e.getMessage()));
        }
    }

    /** TLS 1.3 and 1.2 only (RFC 8996 retires the older ones) with the given key and chain. */
    private static SslContextFactory.Server sslContextFactory(TlsCredentials tls) {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setSslContext(tls.sslContext());
        ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
        return ssl;
    }

    /** The bound HTTP port. */
    public int port() {
        return port;
    }

    /** The bound HTTPS port; empty when HTTPS is off. */
    public OptionalInt httpsPort() {
        return httpsPort;
    }

    /** The certificate and key HTTPS serves; null when HTTPS is off. */
    public TlsCredentials tls() {
        return tls;
    }

    public ManagerConfig config() {
        return config;
    }

    public Database database() {
        return db;
    }

    /** The manager's version (the jar's, or {@code dev} when run from classes). */
    public static String version() {
        String v = ManagerServer.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    @Override
    public void close() {
        Duration timeout = config.shutdownTimeout();
        try {
            graceful.shutdown().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn("requests still running after {} s; stopping anyway", timeout.toSeconds());
        } catch (ExecutionException e) {
            LOG.warn("graceful shutdown failed; stopping anyway", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        housekeeping.close();
        app.stop();
        guard.close(); // its sweeper thread
        speedTest.close(); // its stall guard's timer
        // after the last request: a fold under way finishes before the pool closes
        folder.close();
        // notifications in progress finish before the pool they note their delivery in closes
        notifier.close();
        try {
            geoIp.close();
        } catch (IOException e) {
            LOG.debug("closing the GeoIP databases: {}", e.toString());
        }
        db.close();
    }
}
