package io.waddleperf.manager.stats;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * A mergeable latency histogram with fixed, logarithmically spaced bins (the bin layout of DDSketch, Masson et al.,
 * VLDB 2019): bin {@code k} holds the values in {@code (γ^(k-1), γ^k]} with {@code γ = (1 + α) / (1 - α)}, and
 * stands for {@code 2γ^k / (γ + 1)}, which is within {@code α} of every value in the bin, relative to that value.
 * With {@link #RELATIVE_ACCURACY} α = 1 %, every percentile {@link #percentile} reports is within 1 % of the exact
 * Hyndman &amp; Fan definition 7 percentile of the same values: each of the two order statistics it interpolates
 * between is estimated within 1 %, and an interpolation of two such estimates stays within 1 % of the interpolation
 * of the exact ones. Values below {@link #MIN_MS} count as 0 (absolute error under 1 µs); values above
 * {@link #MAX_MS} count in the top bin. Bins are the same everywhere, so histograms of any rollup rows merge by adding
 * counts, and merging is exact.
 *
 * <p>Stored form ({@link #encode}): empty for no values; else a format byte 1, then for each non-empty bin in
 * ascending order the distance to the previous non-empty bin's index (the first: its index + 1) and its count, each
 * an unsigned LEB128 varint. At most {@link #BINS} bins of up to 2 + 10 bytes: under {@link #MAX_ENCODED_BYTES}.
 */
public final class LatencyHistogram {

    /** Relative accuracy α of every value a bin stands for, and so of every percentile. */
    public static final double RELATIVE_ACCURACY = 0.01;
    /** Smallest latency resolved (1 µs); smaller ones count as 0. */
    public static final double MIN_MS = 0.001;
    /** Largest latency resolved (one hour); larger ones count in the top bin. */
    public static final double MAX_MS = 3_600_000;
    private static final double GAMMA = (1 + RELATIVE_ACCURACY) / (1 - RELATIVE_ACCURACY);
    private static final double LOG_GAMMA = Math.log(GAMMA);
    private static final int K_MIN = (int) Math.ceil(Math.log(MIN_MS) / LOG_GAMMA);
    private static final int K_MAX = (int) Math.ceil(Math.log(MAX_MS) / LOG_GAMMA);
    /** Number of bins: the zero bin (index 0) and one per power of γ from MIN_MS to MAX_MS. */
    public static final int BINS = K_MAX - K_MIN + 2;
    /** Longest encoded form. */
    public static final int MAX_ENCODED_BYTES = 1 + BINS * 12;
    private static final byte FORMAT = 1;

    /** Counts of bins {@code base .. base + counts.length - 1}; grown as values arrive, so small ones stay small. */
    private long[] counts = new long[0];
    private int base;
    private long total;

    /** Adds one latency in milliseconds (finite; negative counts as 0). */
    public void add(double ms) {
        if (!Double.isFinite(ms)) {
            throw new IllegalArgumentException("latency must be finite, got " + ms);
        }
        addToBin(bin(ms), 1);
    }

    /** Adds every count of {@code other}. */
    public void merge(LatencyHistogram other) {
        for (int i = 0; i < other.counts.length; i++) {
            if (other.counts[i] != 0) {
                addToBin(other.base + i, other.counts[i]);
            }
        }
    }

    /**
     * Adds the counts of an encoded histogram without decoding it into an object first (statistics merge many).
     *
     * @throws IllegalArgumentException when {@code encoded} is not a histogram of this format
     */
    public void mergeEncoded(byte[] encoded) {
        if (encoded == null || encoded.length == 0) {
            return;
        }
        if (encoded[0] != FORMAT) {
            throw new IllegalArgumentException("unknown latency histogram format " + encoded[0]);
        }
        int[] pos = {1};
        int index = -1;
        while (pos[0] < encoded.length) {
            long gap = readVarint(encoded, pos);
            long count = readVarint(encoded, pos);
            index += (int) gap;
            if (gap <= 0 || index >= BINS || count <= 0) {
                throw new IllegalArgumentException("corrupt latency histogram at byte " + pos[0]);
            }
            addToBin(index, count);
        }
    }

    /** The stored form (see the class description); empty when nothing was added. */
    public byte[] encode() {
        if (total == 0) {
            return new byte[0];
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(16);
        out.write(FORMAT);
        int previous = -1;
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] != 0) {
                writeVarint(out, base + i - previous);
                writeVarint(out, counts[i]);
                previous = base + i;
            }
        }
        return out.toByteArray();
    }

    /** How many values were added. */
    public long count() {
        return total;
    }

    /**
     * The {@code p}-th percentile by Hyndman &amp; Fan definition 7, from the bins, within {@link #RELATIVE_ACCURACY}
     * of the exact one; clamped to {@code [min, max]}, the exact extremes the caller keeps beside (pass
     * {@code 0, +∞} without them).
     *
     * @throws IllegalStateException when the histogram is empty
     */
    public double percentile(double p, double min, double max) {
        if (total == 0) {
            throw new IllegalStateException("an empty histogram has no percentiles");
        }
        if (!(p >= 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile p must be within [0, 100], got " + p);
        }
        double h = (total - 1) * (p / 100.0);
        long lo = (long) Math.floor(h);
        double a = clamp(valueAtRank(lo), min, max);
        if (lo + 1 >= total || h == lo) {
            return a;
        }
        double b = clamp(valueAtRank(lo + 1), min, max);
        return Math.min(b, Math.max(a, a + (b - a) * (h - lo)));
    }

    /** The value the bin of the {@code rank}-th smallest value (0-based) stands for. */
    private double valueAtRank(long rank) {
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen > rank) {
                return representative(base + i);
            }
        }
        return representative(base + counts.length - 1);
    }

    private static double clamp(double v, double min, double max) {
        return Math.max(min, Math.min(max, v));
    }

    /** The bin index of a value: 0 for values under MIN_MS, else 1 + k - K_MIN, capped at the top bin. */
    static int bin(double ms) {
        if (ms < MIN_MS) {
            return 0;
        }
        int k = (int) Math.ceil(Math.log(ms) / LOG_GAMMA);
        return Math.min(BINS - 1, Math.max(1, k - K_MIN + 1));
    }

    /** The value bin {@code index} stands for. */
    static double representative(int index) {
        if (index == 0) {
            return 0;
        }
        int k = index - 1 + K_MIN;
        return 2 * Math.pow(GAMMA, k) / (GAMMA + 1);
    }

    private void addToBin(int index, long n) {
        if (counts.length == 0) {
            counts = new long[1];
            base = index;
        } else if (index < base) {
            long[] grown = new long[counts.length + (base - index)];
            System.arraycopy(counts, 0, grown, base - index, counts.length);
            counts = grown;
            base = index;
        } else if (index >= base + counts.length) {
            counts = Arrays.copyOf(counts, index - base + 1);
        }
        counts[index - base] += n;
        total += n;
    }

    private static void writeVarint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    private static long readVarint(byte[] b, int[] pos) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos[0] >= b.length) {
                throw new IllegalArgumentException("truncated latency histogram");
            }
            int x = b[pos[0]++];
            v |= (long) (x & 0x7F) << shift;
            if ((x & 0x80) == 0) {
                return v;
            }
        }
        throw new IllegalArgumentException("corrupt latency histogram varint");
    }
}
