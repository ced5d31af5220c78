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

    /**
     * The test API limits with these values and every other limit at its default; {@code maxTestDuration} null for
     * the default.
     */
    public static TestServerConfig.Limits limits(int perClientConcurrency, int perClientRequestsPerMinute,
                                                 int perClientBurst, int globalConcurrency,
                                                 java.time.Duration maxTestDuration) {
        Map<String, String> settings = new LinkedHashMap<>(Map.of(
                "limits.per_client_concurrency", Integer.toString(perClientConcurrency),
                "limits.per_client_requests_per_minute", Integer.toString(perClientRequestsPerMinute),
                "limits.per_client_burst", Integer.toString(perClientBurst),
                "limits.global_concurrency", Integer.toString(globalConcurrency)));
        if (maxTestDuration != null) {
            settings.put("limits.max_test_duration", maxTestDuration.toMillis() + "ms");
        }
        return TestServerConfig.of(settings).limits();
    }
}
