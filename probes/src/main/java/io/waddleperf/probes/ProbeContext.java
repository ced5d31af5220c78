package io.waddleperf.probes;

import io.waddleperf.core.clock.MonotonicClock;
import io.waddleperf.core.result.Device;
import io.waddleperf.core.result.Source;
import java.time.Clock;
import java.time.Duration;

/**
 * Where and for whom a probe runs: clocks (monotonic for intervals, wall for {@code started_at}), the device
 * metadata and source stamped on the result, the AutoPerf tier (null outside the agent), and who watches a long
 * probe's progress ({@link ProgressListener#NONE} unless someone shows it, e.g. the CLI on a terminal).
 */
public record ProbeContext(MonotonicClock clock, Clock wallClock, Device device, Source source, Integer tier,
                           ProgressListener progress) {

    public ProbeContext {
        progress = progress == null ? ProgressListener.NONE : progress;
    }

    /** A context nobody watches the progress of. */
    public ProbeContext(MonotonicClock clock, Clock wallClock, Device device, Source source, Integer tier) {
        this(clock, wallClock, device, source, tier, ProgressListener.NONE);
    }

    public static ProbeContext of(Source source) {
        return new ProbeContext(MonotonicClock.SYSTEM, Clock.systemUTC(), Device.UNKNOWN, source, null);
    }

    public ProbeContext withDevice(Device d) {
        return new ProbeContext(clock, wallClock, d, source, tier, progress);
    }

    public ProbeContext withTier(Integer t) {
        return new ProbeContext(clock, wallClock, device, source, t, progress);
    }

    public ProbeContext withProgress(ProgressListener listener) {
        return new ProbeContext(clock, wallClock, device, source, tier, listener);
    }

    /** Milliseconds in a {@link Duration}, as an int for socket APIs (at least 1). */
    public static int millis(Duration d) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, d.toMillis()));
    }
}
