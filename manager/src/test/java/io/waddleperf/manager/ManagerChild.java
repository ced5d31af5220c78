package io.waddleperf.manager;

import io.waddleperf.manager.store.Database;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * A manager in a child JVM for the crash test: {@code args} are {@code key=value} settings as {@code --set} takes them;
 * with {@code create_admin=true} among them the test's admin is made first. Prints {@code READY <port>} and runs
 * until its standard input ends, then closes as Ctrl-C would. {@code kill -9} needs no cooperation.
 */
public final class ManagerChild {

    private ManagerChild() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> settings = new HashMap<>();
        boolean createAdmin = false;
        for (String a : args) {
            int eq = a.indexOf('=');
            String key = a.substring(0, eq);
            String value = a.substring(eq + 1);
            if (key.equals("create_admin")) {
                createAdmin = Boolean.parseBoolean(value);
            } else {
                settings.put(key, value);
            }
        }
        ManagerConfig config = ManagerConfig.of(settings);
        Database db = ManagerServer.openDatabase(config);
        if (createAdmin) {
            Admins.create(db, Harness.ADMIN, Harness.ADMIN_PASSWORD);
        }
        try (ManagerServer server = ManagerServer.start(config, db, java.time.InstantSource.system())) {
            System.out.println("READY " + server.port());
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            while (in.readLine() != null) {
                // only the end of input matters
            }
        }
    }
}
