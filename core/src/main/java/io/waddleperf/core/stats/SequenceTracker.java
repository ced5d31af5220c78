package io.waddleperf.core.stats;

import java.util.HashMap;
import java.util.Map;

/**
 * Tracks which sequence numbers of a sequenced probe stream arrived, to count loss, duplicates and reordering.
 *
 * <p><b>Numbering.</b> The sender numbers its probes {@code first, first + 1, ...} where {@code first} is 0 by
 * default or any value the sender chose ({@link #SequenceTracker(long)}); positions are taken relative to it
 * modulo 2<sup>64</sup>, so a stream starting near {@link Long#MAX_VALUE} that wraps to negative values stays
 * contiguous. {@link #summary(long) summary(sent)} counts as received the distinct positions in {@code [0, sent)};
 * arrivals outside that range (stale or foreign packets) are never counted as received.
 *
 * <p><b>Counts.</b> Loss is the count of sequence gaps, {@code sent - distinct received}, whenever the replies
 * arrive (a late reply is not lost; the caller decides how long to wait). A <em>duplicate</em> is any arrival of a
 * sequence that already arrived; a <em>reordered</em> arrival is the first arrival of a sequence lower than the
 * highest one seen before it (RFC 4737 Type-P-Reordered: a sequence below NextExp, i.e. it came after a later-sent
 * packet; as in RFC 4737 only the first copy of a duplicated packet is evaluated). So {@code 0, 3, 1, 2} has two
 * reordered arrivals.
 *
 * <p><b>Memory.</b> Seen positions are kept in a sparse bitset: 4096-bit pages (512 bytes) in a hash map keyed by
 * {@code position / 4096}, allocated only when a position in that page arrives. A dense stream costs about one bit
 * per probe; stray huge sequence numbers cost one page each, so memory is bounded by the number of arrivals, never by
 * the magnitude of a sequence number (a plain {@link java.util.BitSet} would allocate up to the largest position,
 * and a hash set of boxed longs costs ~50 bytes per probe on dense streams).
 *
 * <p>Methods are synchronized so a receiver thread can feed arrivals while another thread reads a summary.
 */
public final class SequenceTracker {

    private static final int PAGE_SHIFT = 12;
    private static final int PAGE_BITS = 1 << PAGE_SHIFT;
    private static final int WORDS_PER_PAGE = PAGE_BITS / Long.SIZE;

    private final long firstSequence;
    private final Map<Long, long[]> pages = new HashMap<>();
    private long cachedPageKey = Long.MIN_VALUE;
    private long[] cachedPage;
    private long arrivals;
    private long duplicates;
    private long reordered;
    private boolean anySeen;
    private long highestPosition;

    /** A tracker for a sender that numbers its probes from 0. */
    public SequenceTracker() {
        this(0);
    }

    /** A tracker for a sender whose first probe carries {@code firstSequence}. */
    public SequenceTracker(long firstSequence) {
        this.firstSequence = firstSequence;
    }

    /** Records one arrival of {@code sequence}, in arrival order. */
    public synchronized void received(long sequence) {
        long position = sequence - firstSequence;
        arrivals++;
        long[] page = pageFor(position >> PAGE_SHIFT);
        int bit = (int) (position & (PAGE_BITS - 1));
        long mask = 1L << bit;
        int word = bit >>> 6;
        if ((page[word] & mask) != 0) {
            duplicates++;
            return;
        }
        page[word] |= mask;
        if (anySeen && position < highestPosition) {
            reordered++;
        }
        if (!anySeen || position > highestPosition) {
            highestPosition = position;
            anySeen = true;
        }
    }

    /**
     * Loss figures for a run in which the sender sent {@code sent} probes (positions {@code 0 .. sent-1}).
     *
     * @throws IllegalArgumentException if {@code sent} is negative
     */
    public synchronized LossStats summary(long sent) {
        if (sent < 0) {
            throw new IllegalArgumentException("sent must not be negative, got " + sent);
        }
        return LossStats.of(sent, distinctBelow(sent), duplicates, reordered);
    }

    /** Every arrival fed so far, including duplicates and out-of-range sequences. */
    public synchronized long arrivals() {
        return arrivals;
    }

    /** Number of bitset pages allocated; exposed for tests of the memory bound. */
    synchronized int pageCount() {
        return pages.size();
    }

    private long[] pageFor(long key) {
        if (cachedPage != null && key == cachedPageKey) {
            return cachedPage;
        }
        long[] page = pages.computeIfAbsent(key, k -> new long[WORDS_PER_PAGE]);
        cachedPageKey = key;
        cachedPage = page;
        return page;
    }

    // Counts set bits at positions 0 <= p < limit; pages of negative positions are skipped.
    private long distinctBelow(long limit) {
        long count = 0;
        for (Map.Entry<Long, long[]> entry : pages.entrySet()) {
            long key = entry.getKey();
            if (key < 0) {
                continue;
            }
            long pageStart = key << PAGE_SHIFT;
            if (pageStart >= limit) {
                continue;
            }
            long bitsInRange = Math.min(PAGE_BITS, limit - pageStart);
            long[] words = entry.getValue();
            for (int w = 0; w < WORDS_PER_PAGE && (long) w * Long.SIZE < bitsInRange; w++) {
                long remaining = bitsInRange - (long) w * Long.SIZE;
                long mask = remaining >= Long.SIZE ? -1L : (1L << remaining) - 1;
                count += Long.bitCount(words[w] & mask);
            }
        }
        return count;
    }
}
