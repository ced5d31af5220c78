package io.waddleperf.manager.stats;

import java.time.Duration;
import java.time.Instant;

/** The rollup resolutions, finest first, each with its table. Buckets start at whole UTC minutes, hours and days. */
public enum RollupTier {
    MINUTE(Duration.ofMinutes(1), "rollup_minute", null),
    HOUR(Duration.ofHours(1), "rollup_hour", "rollup_type_hour"),
    DAY(Duration.ofDays(1), "rollup_day", "rollup_type_day");

    private final Duration size;
    private final String table;
    private final String typeTable;

    RollupTier(Duration size, String table, String typeTable) {
        this.size = size;
        this.table = table;
        this.typeTable = typeTable;
    }

    public Duration size() {
        return size;
    }

    /** The table holding this tier (a constant, never user input). */
    public String table() {
        return table;
    }

    /**
     * The table holding this tier per OU and test type only (V10), or null: minutes have none, since minute rows are
     * read only at a range's edges and for short charts.
     */
    public String typeTable() {
        return typeTable;
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
