package io.waddleperf.manager.devices;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Each device's own timing. Its tier-1 interval is the configured one scaled by a factor in [0.85, 1.15] drawn from
 * the device's id: fixed for a device (its runs stay evenly spaced), different between devices, so a fleet given one
 * interval does not measure in lockstep. The next configuration check is drawn anew each time in
 * [{@code recheckMin}, {@code recheckMax}], which spreads the fleet's checks over the window.
 */
public final class AgentSchedule {

    /** The largest share an interval moves by, either way. */
    public static final double JITTER = 0.15;

    private final Duration recheckMin;
    private final Duration recheckMax;

    public AgentSchedule(Duration recheckMin, Duration recheckMax) {
        if (recheckMax.compareTo(recheckMin) < 0) {
            throw new IllegalArgumentException("recheck max " + recheckMax + " is below min " + recheckMin);
        }
        this.recheckMin = recheckMin;
        this.recheckMax = recheckMax;
    }

    /** The device's factor in [1 - {@link #JITTER}, 1 + {@link #JITTER}], the same on every call for the same id. */
    public static double factor(UUID deviceId) {
        // SplittableRandom mixes the seed (SplitMix64), so neighbouring UUIDv7 ids still get unrelated factors
        double u = new SplittableRandom(deviceId.getMostSignificantBits() ^ Long.rotateLeft(deviceId.getLeastSignificantBits(), 17))
                .nextDouble(-1.0, Math.nextUp(1.0));
        return 1.0 + JITTER * u;
    }

    /** {@code interval} as this device runs it, to the millisecond. */
    public static Duration interval(Duration interval, UUID deviceId) {
        return Duration.ofMillis(Math.round(interval.toMillis() * factor(deviceId)));
    }

    /** How long until the device should ask for its configuration again, in whole seconds within the window. */
    public Duration nextRecheck() {
        long min = recheckMin.toSeconds();
        long max = Math.max(min, recheckMax.toSeconds());
        return Duration.ofSeconds(ThreadLocalRandom.current().nextLong(min, max + 1));
    }
}
