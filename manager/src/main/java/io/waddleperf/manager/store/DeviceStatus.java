package io.waddleperf.manager.store;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * How recently a device was heard from (its last heartbeat, configuration pull or result upload): {@code online}
 * under 5 minutes ago, {@code recent} under 60 minutes, {@code offline} under 24 hours, {@code stale} longer ago,
 * {@code never} not since it enrolled. An agent heartbeats every minute and pulls its configuration every 30–60
 * minutes, so one missed heartbeat leaves it online, a stopped agent is recent for the hour after, and a device gone
 * for a day is stale.
 */
public enum DeviceStatus {
    ONLINE, RECENT, OFFLINE, STALE, NEVER;

    /** A device heard from less than this long ago is online. */
    public static final Duration ONLINE_WITHIN = Duration.ofMinutes(5);
    /** … less than this long ago, recent. */
    public static final Duration RECENT_WITHIN = Duration.ofMinutes(60);
    /** … less than this long ago, offline; longer, stale. */
    public static final Duration OFFLINE_WITHIN = Duration.ofHours(24);

    /** The status of a device last seen at {@code lastSeen} (null: never), at {@code now}. */
    public static DeviceStatus of(Instant lastSeen, Instant now) {
        if (lastSeen == null) {
            return NEVER;
        }
        Duration age = Duration.between(lastSeen, now);
        if (age.compareTo(ONLINE_WITHIN) < 0) {
            return ONLINE;
        }
        if (age.compareTo(RECENT_WITHIN) < 0) {
            return RECENT;
        }
        return age.compareTo(OFFLINE_WITHIN) < 0 ? OFFLINE : STALE;
    }

    public String externalName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<DeviceStatus> parse(String name) {
        return Arrays.stream(values()).filter(s -> s.externalName().equals(name)).findFirst();
    }

    /**
     * The SQL condition on {@code d.last_seen_at} that holds exactly when {@link #of} gives this status, with the
     * parameters {@code :online_after}, {@code :recent_after}, {@code :offline_after} ({@link #bindTimes}).
     */
    String condition() {
        return switch (this) {
            case ONLINE -> "d.last_seen_at > :online_after";
            case RECENT -> "d.last_seen_at <= :online_after AND d.last_seen_at > :recent_after";
            case OFFLINE -> "d.last_seen_at <= :recent_after AND d.last_seen_at > :offline_after";
            case STALE -> "d.last_seen_at <= :offline_after";
            case NEVER -> "d.last_seen_at IS NULL";
        };
    }

    /** The three boundary instants the conditions compare with, at {@code now}. */
    static java.util.Map<String, Instant> bindTimes(Instant now) {
        return java.util.Map.of("online_after", now.minus(ONLINE_WITHIN), "recent_after", now.minus(RECENT_WITHIN),
                "offline_after", now.minus(OFFLINE_WITHIN));
    }
}
