package io.waddleperf.core.autoperf;

import io.waddleperf.core.config.BitRate;
import io.waddleperf.core.config.Problems;
import io.waddleperf.core.config.Validated;
import io.waddleperf.core.units.Units;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A tier's thresholds, by the original AutoPerf's names (null = not checked): latency-like values are upper
 * bounds, {@code bandwidth} and {@code ssl_expiry} lower bounds; {@code custom} adds checks of any numeric result
 * field.
 */
public record Thresholds(Duration pingLatency, Double packetLoss, Duration httpResponse, Duration dnsTimeout,
                         @BitRate Long bandwidth, Duration jitter, Integer hopCount, Duration sslExpiry,
                         List<CustomThreshold> custom) implements Validated {

    public Thresholds {
        custom = List.copyOf(custom);
    }

    public static Thresholds none() {
        return new Thresholds(null, null, null, null, null, null, null, null, List.of());
    }

    @Override
    public void validate(Problems problems) {
        // A bare number is seconds in this configuration; the original wrote these in milliseconds, so 100
        // (meant as 100 ms) would silently become 100 s. The ranges catch that mistake and say how to write it.
        latency(problems, "ping_latency", pingLatency, Duration.ofMinutes(1));
        latency(problems, "http_response", httpResponse, Duration.ofMinutes(10));
        latency(problems, "dns_timeout", dnsTimeout, Duration.ofMinutes(1));
        latency(problems, "jitter", jitter, Duration.ofMinutes(1));
        if (packetLoss != null) {
            problems.require(packetLoss >= 0 && packetLoss < 100, "packet_loss",
                    "must be a percentage from 0 to below 100, got " + packetLoss);
        }
        if (bandwidth != null) {
            problems.require(bandwidth > 0, "bandwidth", "must be above 0 bit/s");
        }
        if (hopCount != null) {
            problems.require(hopCount >= 1 && hopCount <= 255, "hop_count", "must be between 1 and 255, got "
                    + hopCount);
        }
        if (sslExpiry != null) {
            problems.require(sslExpiry.compareTo(Duration.ofHours(1)) >= 0
                            && sslExpiry.compareTo(Duration.ofDays(3650)) <= 0, "ssl_expiry",
                    "must be between 1h and 87600h (10 years), got " + sslExpiry
                            + "; write days as hours, e.g. 168h for 7 days");
        }
        Set<String> names = new HashSet<>();
        for (CustomThreshold c : custom) {
            problems.require(names.add(c.name()), "custom", "two custom thresholds are named '" + c.name() + "'");
        }
    }

    private static void latency(Problems problems, String key, Duration value, Duration max) {
        if (value != null) {
            problems.require(value.isPositive() && value.compareTo(max) <= 0, key, "must be above 0 and at most "
                    + Units.formatDuration(max) + ", got "
                    + Units.formatDuration(value)
                    + " (a bare number means seconds: write 100ms for 100 milliseconds)");
        }
    }
}
