package io.waddleperf.probes.speedtest;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Goodput of one direction as bytes arrive: everything before the grace period ends is discarded (LibreSpeed's
 * {@code time_dlGraceTime}/{@code time_ulGraceTime}, iperf3's {@code --omit}); afterwards the rate is bytes since
 * the grace ended over time since then. "Stable" means the rate of the last {@code window} ticks varied by less than
 * {@code tolerance} of its mean, after at least {@code window} ticks past the grace period.
 */
final class RateWindow {

    private final long graceNanos;
    private final int window;
    private final double tolerance;
    private final Deque<Double> recent = new ArrayDeque<>();
    private long startNanos = -1;
    private long startBytes;
    private double rateBitsPerSecond;

    RateWindow(long graceNanos, int window, double tolerance) {
        this.graceNanos = graceNanos;
        this.window = window;
        this.tolerance = tolerance;
    }

    /** One tick: {@code elapsedNanos} since the direction started and {@code bytes} counted so far. */
    void tick(long elapsedNanos, long bytes) {
        if (startNanos < 0) {
            // the grace period ends at the first tick past it that has seen any bytes
            if (elapsedNanos >= graceNanos && bytes > 0) {
                startNanos = elapsedNanos;
                startBytes = bytes;
            }
            return;
        }
        long dt = elapsedNanos - startNanos;
        if (dt <= 0) {
            return;
        }
        rateBitsPerSecond = (bytes - startBytes) * 8.0 / (dt / 1e9);
        recent.addLast(rateBitsPerSecond);
        if (recent.size() > window) {
            recent.removeFirst();
        }
    }

    boolean measuring() {
        return startNanos >= 0;
    }

    /** True once a tick after the grace period has given a rate (the tick that ends the grace period gives none). */
    boolean hasRate() {
        return !recent.isEmpty();
    }

    /** Goodput so far in bit/s (0 before the grace period ended). */
    double rateBitsPerSecond() {
        return rateBitsPerSecond;
    }

    boolean stable() {
        if (recent.size() < window) {
            return false;
        }
        double min = recent.stream().mapToDouble(Double::doubleValue).min().orElse(0);
        double max = recent.stream().mapToDouble(Double::doubleValue).max().orElse(0);
        double mean = recent.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        return mean > 0 && (max - min) <= tolerance * mean;
    }
}
