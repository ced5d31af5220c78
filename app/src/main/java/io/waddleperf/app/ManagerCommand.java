package io.waddleperf.app;

import io.waddleperf.core.config.ConfigException;
import io.waddleperf.manager.ManagerConfig;
import io.waddleperf.manager.ManagerServer;
import io.waddleperf.manager.store.StoreException;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code waddleperf manager}: the centre — users, roles, organisation units, result ingestion and statistics over an
 * HTTP API (docs/MANAGER.md). Settings come from defaults, {@code --config}, {@code WADDLEPERF_MANAGER_*} variables and
 * flags, flags winning. No account exists until {@code waddleperf manager create-admin} makes one.
 */
@Command(name = "manager", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        subcommands = CreateAdminCommand.class,
        description = {"Run the manager: HTTP API for users, organisation units, results and statistics.",
            "Settings: defaults < --config YAML < WADDLEPERF_MANAGER_* environment < flags "
                + "(see 'waddleperf config manager --keys')."},
        footer = {"", "Examples:",
            "  waddleperf manager create-admin --username admin     # password from stdin or WADDLEPERF_ADMIN_PASSWORD",
            "  waddleperf manager --bind 127.0.0.1 --port 5000",
            "  waddleperf manager --https-port 5443 --tls-cert /etc/waddleperf/cert.pem --tls-key /etc/waddleperf/key.pem",
            "  WADDLEPERF_MANAGER_DB__USER=wp WADDLEPERF_MANAGER_DB__PASSWORD_FILE=/etc/waddleperf/db-password \\",
            "    waddleperf manager --db jdbc:mariadb://db1:3306/waddleperf"})
public final class ManagerCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ManagerFlags common = new ManagerFlags();

    @Option(names = "--bind", paramLabel = "ADDR", description = "Address to listen on (default 0.0.0.0).")
    void bind(String v) {
        common.flags.put("bind", v);
    }

    @Option(names = "--port", paramLabel = "PORT", description = "HTTP port (default 5000; 0 = any free port).")
    void port(int v) {
        common.flags.put("port", Integer.toString(v));
    }

    @Option(names = "--https-port", paramLabel = "PORT",
            description = "Also serve HTTPS on this port (certificate from --tls-cert/--tls-key, else self-signed in --data-dir).")
    void httpsPort(int v) {
        common.flags.put("https_enabled", "true");
        common.flags.put("https_port", Integer.toString(v));
    }

    @Option(names = "--tls-cert", paramLabel = "FILE", description = "PEM certificate chain for HTTPS (with --tls-key).")
    void tlsCert(java.nio.file.Path v) {
        common.flags.put("tls_cert_file", v.toString());
    }

    @Option(names = "--tls-key", paramLabel = "FILE", description = "PEM private key of --tls-cert.")
    void tlsKey(java.nio.file.Path v) {
        common.flags.put("tls_key_file", v.toString());
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        ManagerServer server;
        try {
            server = start(System.getenv());
        } catch (ConfigException e) {
            err.println("waddleperf manager: invalid configuration:");
            e.problems().forEach(p -> err.println("  " + p));
            err.flush();
            return ExitCode.USAGE.code();
        } catch (StoreException e) {
            err.println("waddleperf manager: " + e.getMessage());
            err.flush();
            return ExitCode.UNREACHABLE.code();
        } catch (RuntimeException e) {
            if (isBindFailure(e)) {
                err.println("waddleperf manager: cannot listen on " + common.flags.getOrDefault("bind", "0.0.0.0") + " port "
                        + common.flags.getOrDefault("port", "5000") + ": " + e.getMessage()
                        + " (is another server using the port?)");
                err.flush();
                return ExitCode.USAGE.code();
            }
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "manager-shutdown"));
        PrintWriter out = spec.commandLine().getOut();
        out.println("waddleperf manager " + VersionProvider.version() + " listening on " + server.config().bind() + ":"
                + server.port() + (server.httpsPort().isPresent() ? ", HTTPS port " + server.httpsPort().getAsInt() : "")
                + " (database " + describeDb(server.config()) + ")");
        out.flush();
        stopped.await();
        return ExitCode.OK.code();
    }

    /** Loads the configuration and starts the server (tests call this instead of {@link #call}). */
    ManagerServer start(Map<String, String> env) {
        return ManagerServer.start(common.load(env));
    }

    /** Javalin reports a port in use as its own exception, with or without the JDK's BindException as the cause. */
    static boolean isBindFailure(Throwable e) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof java.net.BindException || t.getClass().getSimpleName().equals("JavalinBindException")) {
                return true;
            }
        }
        return false;
    }

    static String describeDb(ManagerConfig c) {
        return c.db().url() == null ? "embedded in " + c.dataDir().toAbsolutePath() : c.db().url().replaceAll("(?i)(password=)[^&;]*", "$1****");
    }
}
