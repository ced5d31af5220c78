package io.waddleperf.app;

import io.waddleperf.core.config.ConfigException;
import io.waddleperf.manager.Admins;
import io.waddleperf.manager.ManagerConfig;
import io.waddleperf.manager.ManagerServer;
import io.waddleperf.manager.store.ConflictException;
import io.waddleperf.manager.store.Database;
import io.waddleperf.manager.store.StoreException;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code waddleperf manager create-admin --username U}: creates a {@code global_admin} in the manager's database. The
 * password never comes from a flag (command lines are visible to every local user): from the environment variable
 * {@value #PASSWORD_ENV}, else the first line of standard input (asked for without echo on a terminal).
 */
@Command(name = "create-admin", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Create a global_admin account in the manager's database (the manager has no default account).",
            "The password comes from " + CreateAdminCommand.PASSWORD_ENV + " or the first line of standard input."},
        footer = {"", "Examples:",
            "  printf '%s\\n' \"$PASSWORD\" | waddleperf manager create-admin --username admin",
            "  WADDLEPERF_ADMIN_PASSWORD=... waddleperf manager create-admin --username admin --db jdbc:mariadb://db:3306/wp"})
public final class CreateAdminCommand implements Callable<Integer> {

    /** The environment variable holding the new admin's password (not under WADDLEPERF_MANAGER_: no config key). */
    public static final String PASSWORD_ENV = "WADDLEPERF_ADMIN_PASSWORD";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ManagerFlags common = new ManagerFlags();

    @Option(names = "--username", required = true, paramLabel = "NAME", description = "The new admin's user name.")
    String username;

    @Override
    public Integer call() {
        return run(System.getenv(), System.in, System.console(), spec.commandLine().getOut(), spec.commandLine().getErr());
    }

    int run(Map<String, String> env, InputStream in, Console console, PrintWriter out, PrintWriter err) {
        try {
            String password = password(env, in, console);
            if (password == null || password.isEmpty()) {
                err.println("waddleperf manager create-admin: no password: set " + PASSWORD_ENV
                        + " or give it on standard input");
                return ExitCode.USAGE.code();
            }
            ManagerConfig config = common.load(without(env, PASSWORD_ENV));
            try (Database db = ManagerServer.openDatabase(config)) {
                Admins.create(db, username, password);
            }
            out.println("created global_admin '" + username + "' in " + ManagerCommand.describeDb(config));
            return ExitCode.OK.code();
        } catch (ConfigException e) {
            err.println("waddleperf manager create-admin: invalid configuration:");
            e.problems().forEach(p -> err.println("  " + p));
            return ExitCode.USAGE.code();
        } catch (IllegalArgumentException | ConflictException e) {
            err.println("waddleperf manager create-admin: " + e.getMessage());
            return ExitCode.USAGE.code();
        } catch (StoreException e) {
            err.println("waddleperf manager create-admin: " + e.getMessage());
            return ExitCode.UNREACHABLE.code();
        } finally {
            out.flush();
            err.flush();
        }
    }

    private static String password(Map<String, String> env, InputStream in, Console console) {
        String fromEnv = env.get(PASSWORD_ENV);
        if (fromEnv != null) {
            return fromEnv;
        }
        if (console != null && System.console() == console && console.isTerminal()) {
            char[] typed = console.readPassword("Password for the new admin: ");
            return typed == null ? null : new String(typed);
        }
        try {
            String line = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
            // only the line ending goes: a password may begin or end with spaces
            return line == null ? null : line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
        } catch (IOException e) {
            return null;
        }
    }

    private static Map<String, String> without(Map<String, String> env, String name) {
        Map<String, String> copy = new java.util.HashMap<>(env);
        copy.remove(name);
        return copy;
    }
}
