package io.waddleperf.testserver;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Test server configs for tests: loopback only, any free ports, no HTTPS, a given data folder, plus settings. */
public final class LoopbackConfig {

    private LoopbackConfig() {
    }

    /**
     * The config with {@code keyValues} (key path, value, key path, value, …) over the loopback base, checked like
     * a loaded one.
     */
    public static TestServerConfig of(Path dataDir, String... keyValues) {
        Map<String, String> settings = new LinkedHashMap<>(Map.of("bind", "127.0.0.1", "http_port", "0",
                "https_enabled", "false", "udp_echo_port", "0", "data_dir", dataDir.toString()));
        for (int i = 0; i < keyValues.length; i += 2) {
            settings.put(keyValues[i], keyValues[i + 1]);
        }
        return TestServerConfig.of(settings);
    }
}
