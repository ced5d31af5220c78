package io.waddleperf.core.stats;

/**
 * Loss, duplication and reordering counts for one run of sequenced probes (loss counts sequence gaps, not timeouts alone).
 *
 * @param sent probes the sender sent
 * @param received distinct sequences among those sent that arrived at least once
 * @param lost {@code sent - received}
 * @param duplicates arrivals of a sequence that had already arrived
 * @param reordered first arrivals of a sequence lower than one that arrived before it (RFC 4737 Type-P-Reordered)
 * @param lossPercent {@code 100 * lost / sent}, 0 when nothing was sent
 */
public record LossStats(long sent, long received, long lost, long duplicates, long reordered, double lossPercent) {

    /**
     * Builds the record from counts, deriving {@code lost} and {@code lossPercent}; for probes that count replies
     * themselves (e.g. one reply per request) rather than through a {@link SequenceTracker}.
     *
     * @throws IllegalArgumentException if a count is negative or {@code received > sent}
     */
    public static LossStats of(long sent, long received, long duplicates, long reordered) {
        if (sent < 0 || received < 0 || duplicates < 0 || reordered < 0) {
            throw new IllegalArgumentException("counts must not be negative: sent=" + sent + ", received=" + received
                    + ", duplicates=" + duplicates + ", reordered=" + reordered);
        }
        if (received > sent) {
            throw new IllegalArgumentException(
                    "received (" + received + ") exceeds sent (" + sent + "): count distinct sequences only");
        }
        long lost = sent - received;
        double lossPercent = sent == 0 ? 0.0 : 100.0 * lost / sent;
        return new LossStats(sent, received, lost, duplicates, reordered, lossPercent);
    }
}
