package io.waddleperf.manager.stats;

import java.time.Duration;
import java.time.Instant;

/** The rollup resolutions, finest first, each with its table. Buckets start at whole UTC minutes, hours and days. */
public enum RollupTier {
    MINUTE(Duration.ofMinutes(1), "rollup_minute", null, null),
    HOUR(Duration.ofHours(1), "rollup_hour", "rollup_type_hour", "rollup_target_hour"),
    DAY(Duration.ofDays(1), "rollup_day", "rollup_type_day", "rollup_target_day");

    private final Duration size;
    private final String table;
    private final String typeTable;
    private final String targetTable;

    RollupTier(Duration size, String table, String typeTable, String targetTable) {
        this.size = size;
        this.table = table;
        this.typeTable = typeTable;
        this.targetTable = targetTable;
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

    /**
     * The table holding this tier per OU, target and test type (V12), or null: minutes have none, as for
     * {@link #typeTable()}.
     */
    public String targetTable() {
        return targetTable;
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
