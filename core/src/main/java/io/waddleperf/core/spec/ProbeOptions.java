package io.waddleperf.core.spec;

import java.time.Duration;
import java.util.Map;

/**
 * Options common to every probe as given by a user (CLI flags, test API fields, agent config); null means
 * "the probe type's default". {@code params} holds the remaining type-specific options by snake_case name
 * (URI query parameters are merged in by {@link TargetParser}).
 */
public record ProbeOptions(Integer count, Duration interval, Duration timeout, Long sizeBytes, Map<String, String> params) {

    /** The largest {@code --size} of any probe type (an ssh upload). */
    public static final long MAX_SIZE_BYTES = 1L << 30;

    public static final ProbeOptions DEFAULTS = new ProbeOptions(null, null, null, null, Map.of());

    public ProbeOptions {
        params = params == null ? Map.of() : Map.copyOf(params);
        if (count != null && (count < 1 || count > 100_000)) {
            throw new InvalidSpecException("count", "must be between 1 and 100000, got " + count);
        }
        if (interval != null && (interval.isNegative() || interval.compareTo(Duration.ofHours(1)) > 0)) {
            throw new InvalidSpecException("interval", "must be between 0 and 1h, got " + interval);
        }
        if (timeout != null && (timeout.isNegative() || timeout.isZero()
                || timeout.compareTo(Duration.ofHours(1)) > 0)) {
            throw new InvalidSpecException("timeout", "must be above 0 and at most 1h, got " + timeout);
        }
        // Each probe type bounds its own size (a datagram, an upload); this is only the outer limit of any.
        if (sizeBytes != null && (sizeBytes < 0 || sizeBytes > MAX_SIZE_BYTES)) {
            throw new InvalidSpecException("size", "must be between 0 and 1 GiB, got " + sizeBytes + " bytes");
        }
    }

    public int countOr(int dflt) {
        return count == null ? dflt : count;
    }

    public Duration intervalOr(Duration dflt) {
        return interval == null ? dflt : interval;
    }

    public Duration timeoutOr(Duration dflt) {
        return timeout == null ? dflt : timeout;
    }

    public String param(String name, String dflt) {
        return params.getOrDefault(name, dflt);
    }

    public ProbeOptions withParams(Map<String, String> extra) {
        var merged = new java.util.HashMap<>(extra);
        merged.putAll(params);
        return new ProbeOptions(count, interval, timeout, sizeBytes, merged);
    }
}
