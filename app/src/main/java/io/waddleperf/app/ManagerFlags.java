package io.waddleperf.app;

import io.waddleperf.manager.ManagerConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The flags {@code waddleperf manager} and {@code waddleperf manager create-admin} share: where the configuration and
 * the database are. Each flag is a shorthand for a configuration key (docs/CONFIGURATION.md), so both commands open
 * the same database however it was given.
 */
public final class ManagerFlags {

    /** Key path → value from the flags below, in the loader's flag layer. */
    final Map<String, String> flags = new LinkedHashMap<>();

    @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration file (keys as in the docs, snake_case).")
    Path configFile;

    @Option(names = "--db", paramLabel = "JDBC_URL",
            description = "Database: jdbc:mariadb://host:3306/waddleperf (user and password from WADDLEPERF_MANAGER_DB__USER "
                    + "and WADDLEPERF_MANAGER_DB__PASSWORD); default an embedded database in --data-dir.")
    void db(String v) {
        flags.put("db.url", v);
    }

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Folder of the embedded database (default ./data).")
    void dataDir(Path v) {
        flags.put("data_dir", v.toString());
    }

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Set any configuration key by its dotted path (repeatable).")
    Map<String, String> overrides = new LinkedHashMap<>();

    ManagerConfig load(Map<String, String> env) {
        Map<String, String> all = new LinkedHashMap<>(flags);
        all.putAll(overrides);
        return ManagerConfig.loader().load(configFile, env, all);
    }
}
