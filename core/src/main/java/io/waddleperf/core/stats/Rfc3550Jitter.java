package io.waddleperf.core.stats;

/**
 * The RFC 3550 §6.4.1 interarrival jitter estimator, fed one transit-time difference at a time.
 *
 * <p>For packets i and j with send times S and receive times R, the transit difference is
 * {@code D(i,j) = (Rj - Ri) - (Sj - Si)}, and the estimate is smoothed with gain 1/16:
 * {@code J += (|D| - J) / 16}, starting from 0. The gain is the RFC's noise-reduction choice; a constant
 * {@code |D| = d} makes {@code J} converge to {@code d} as {@code d (1 - (15/16)^n)}. Units are whatever the caller
 * feeds (milliseconds here), unlike RTP's timestamp units. Not thread-safe: one receiver owns one instance.
 */
public final class Rfc3550Jitter {

    private double jitterMs;
    private long updates;
    private double lastTransitMs = Double.NaN;

    /**
     * Folds one transit-time difference {@code D} into the estimate.
     *
     * @param transitDifferenceMs {@code D(i,j)} in milliseconds; its sign is ignored
     * @throws IllegalArgumentException if the difference is NaN or infinite
     */
    public void update(double transitDifferenceMs) {
        if (!Double.isFinite(transitDifferenceMs)) {
            throw new IllegalArgumentException("transitDifferenceMs is not finite: " + transitDifferenceMs);
        }
        // RFC 3550 §6.4.1 / A.8: J(i) = J(i-1) + (|D(i-1,i)| - J(i-1)) / 16
        jitterMs += (Math.abs(transitDifferenceMs) - jitterMs) / 16.0;
        updates++;
    }

    /**
     * Folds in one packet's relative transit time {@code R - S} (clock offsets cancel, as in RFC 3550 A.8): the
     * first call only records the baseline, each later call updates with the difference from the previous one.
     *
     * @param transitMs receive time minus send time in milliseconds, on any fixed offset between the two clocks
     * @throws IllegalArgumentException if the transit is NaN or infinite
     */
    public void updateWithTransit(double transitMs) {
        if (!Double.isFinite(transitMs)) {
            throw new IllegalArgumentException("transitMs is not finite: " + transitMs);
        }
        if (!Double.isNaN(lastTransitMs)) {
            update(transitMs - lastTransitMs);
        }
        lastTransitMs = transitMs;
    }

    /** The current jitter estimate in milliseconds; 0 before any update. */
    public double valueMs() {
        return jitterMs;
    }

    /** How many differences have been folded in. */
    public long updates() {
        return updates;
    }
}
