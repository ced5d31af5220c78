package io.waddleperf.speed;

import io.waddleperf.core.config.Bytes;
import io.waddleperf.core.config.Problems;
import io.waddleperf.core.config.Validated;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * Settings of the speed test endpoints (YAML section {@code speed:}); every default lives in the constructor.
 *
 * @param perClientStreams     download/upload streams one client (IP address) may have open at once
 * @param globalStreams        streams open at once, all clients together
 * @param perClientBytes       bytes one client may move (both directions) per {@code bytesWindow}
 * @param bytesWindow          the window over which {@code perClientBytes} refills
 * @param minBytesPerSecond    a stream slower than this over {@code stallTimeout} is cut off (slow-loris guard)
 * @param stallTimeout         how long a stream may stay below {@code minBytesPerSecond}
 * @param resultsMaxBytes      size of the local results file ({@code speedtest-results.jsonl}) before it rotates
 * @param geoipDatabases       {@code .mmdb} files for {@code getIP} (MaxMind City/ASN, DB-IP lite); empty: none
 * @param geoipCheckInterval   how often the GeoIP files are checked for changes
 * @param serverLatitude       this server's latitude, for {@code getIP}'s distance; null when unknown
 * @param serverLongitude      this server's longitude
 */
public record SpeedConfig(Integer perClientStreams, Integer globalStreams, @Bytes Long perClientBytes,
                          Duration bytesWindow, @Bytes Long minBytesPerSecond, Duration stallTimeout,
                          @Bytes Long resultsMaxBytes, List<Path> geoipDatabases, Duration geoipCheckInterval,
                          Double serverLatitude, Double serverLongitude) implements Validated {

    public SpeedConfig {
        perClientStreams = Objects.requireNonNullElse(perClientStreams, 32);
        globalStreams = Objects.requireNonNullElse(globalStreams, 512);
        perClientBytes = Objects.requireNonNullElse(perClientBytes, 100L << 30);
        bytesWindow = Objects.requireNonNullElse(bytesWindow, Duration.ofMinutes(10));
        minBytesPerSecond = Objects.requireNonNullElse(minBytesPerSecond, 1024L);
        stallTimeout = Objects.requireNonNullElse(stallTimeout, Duration.ofSeconds(15));
        resultsMaxBytes = Objects.requireNonNullElse(resultsMaxBytes, 16L << 20);
        geoipDatabases = geoipDatabases == null ? List.of() : List.copyOf(geoipDatabases);
        geoipCheckInterval = Objects.requireNonNullElse(geoipCheckInterval, Duration.ofMinutes(1));
    }

    public static SpeedConfig defaults() {
        return new SpeedConfig(null, null, null, null, null, null, null, null, null, null, null);
    }

    @Override
    public void validate(Problems problems) {
        check(problems::add);
    }

    /** Reports each problem as (key, message). */
    public void check(BiConsumer<String, String> problem) {
        if (perClientStreams < 1 || perClientStreams > 10_000) {
            problem.accept("per_client_streams", "must be between 1 and 10000, got " + perClientStreams);
        }
        if (globalStreams < perClientStreams || globalStreams > 100_000) {
            problem.accept("global_streams", "must be between per_client_streams and 100000, got " + globalStreams);
        }
        if (perClientBytes < 1 << 20) {
            problem.accept("per_client_bytes", "must be at least 1 MiB, got " + perClientBytes);
        }
        if (bytesWindow.compareTo(Duration.ofSeconds(1)) < 0 || bytesWindow.compareTo(Duration.ofDays(1)) > 0) {
            problem.accept("bytes_window", "must be between 1s and 1d, got " + bytesWindow);
        }
        if (minBytesPerSecond < 0) {
            problem.accept("min_bytes_per_second", "must not be negative, got " + minBytesPerSecond);
        }
        if (stallTimeout.compareTo(Duration.ofMillis(100)) < 0 || stallTimeout.compareTo(Duration.ofHours(1)) > 0) {
            problem.accept("stall_timeout", "must be between 100ms and 1h, got " + stallTimeout);
        }
        if (resultsMaxBytes < 4096) {
            problem.accept("results_max_bytes", "must be at least 4 KiB, got " + resultsMaxBytes);
        }
        if (geoipCheckInterval.isNegative()) {
            problem.accept("geoip_check_interval", "must not be negative, got " + geoipCheckInterval);
        }
        if ((serverLatitude == null) != (serverLongitude == null)) {
            problem.accept(serverLatitude == null ? "server_latitude" : "server_longitude",
                    "server_latitude and server_longitude go together");
        } else if (serverLatitude != null && (!(Math.abs(serverLatitude) <= 90) || !(Math.abs(serverLongitude) <= 180))) {
            problem.accept("server_latitude", "must be within -90..90 (and server_longitude within -180..180)");
        }
    }

    /** A copy with other stream limits (tests). */
    public SpeedConfig withStreams(int perClient, int global) {
        return new SpeedConfig(perClient, global, perClientBytes, bytesWindow, minBytesPerSecond, stallTimeout,
                resultsMaxBytes, geoipDatabases, geoipCheckInterval, serverLatitude, serverLongitude);
    }

    /** A copy with another byte quota (tests). */
    public SpeedConfig withBytes(long perClient, Duration window) {
        return new SpeedConfig(perClientStreams, globalStreams, perClient, window, minBytesPerSecond, stallTimeout,
                resultsMaxBytes, geoipDatabases, geoipCheckInterval, serverLatitude, serverLongitude);
    }

    /** A copy with another stall guard (tests). */
    public SpeedConfig withStall(long minPerSecond, Duration timeout) {
        return new SpeedConfig(perClientStreams, globalStreams, perClientBytes, bytesWindow, minPerSecond, timeout,
                resultsMaxBytes, geoipDatabases, geoipCheckInterval, serverLatitude, serverLongitude);
    }

    /** A copy with GeoIP files and this server's location (null, null: unknown). */
    public SpeedConfig withGeoIp(List<Path> databases, Double latitude, Double longitude) {
        return new SpeedConfig(perClientStreams, globalStreams, perClientBytes, bytesWindow, minBytesPerSecond,
                stallTimeout, resultsMaxBytes, databases, geoipCheckInterval, latitude, longitude);
    }
}
