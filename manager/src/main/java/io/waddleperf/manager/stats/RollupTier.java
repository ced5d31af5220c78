package io.waddleperf.manager.stats;

import java.time.Duration;
import java.time.Instant;

/** The rollup resolutions, finest first, each with its table. Buckets start at whole UTC minutes, hours and days. */
public enum RollupTier {
    MINUTE(Duration.ofMinutes(1), "rollup_minute"),
    HOUR(Duration.ofHours(1), "rollup_hour"),
    DAY(Duration.ofDays(1), "rollup_day");

    private final Duration size;
    private final String table;

    RollupTier(Duration size, String table) {
        this.size = size;
        this.table = table;
    }

    public Duration size() {
        return size;
    }

    /** The table holding this tier (a constant, never user input). */
    public String table() {
        return table;
    }

    /** The start of the bucket holding {@code t}. */
    public Instant floor(Instant t) {
        long s = size.toSeconds();
        return Instant.ofEpochSecond(Math.floorDiv(t.getEpochSecond(), s) * s);
    }

    /** The first bucket start at or after {@code t}. */
    public Instant ceil(Instant t) {
        Instant f = floor(t);
        return f.equals(t) ? f : f.plus(size);
    }

    /** The external name: {@code minute}, {@code hour}, {@code day}. */
    public String externalName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
