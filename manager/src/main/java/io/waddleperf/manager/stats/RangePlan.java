package io.waddleperf.manager.stats;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * How a time range is read from the rollups: widened to whole buckets of the finest tier that still holds each end
 * (minutes for recent ends, hours or days where minute rollups have been deleted), then covered by the coarsest
 * buckets that fit — days in the middle, hours and minutes only at the edges — so a long range reads few rows per
 * series and a short one stays precise to the minute.
 *
 * @param from   the covered range's start (at or before the requested one)
 * @param to     its end (at or after the requested one)
 * @param pieces the tier and bucket range of each part, together exactly {@code [from, to)}
 */
public record RangePlan(Instant from, Instant to, List<Piece> pieces) {

    /**
     * One part of a plan: buckets of {@code tier} starting in {@code [from, to)}.
     *
     * @param tier the rollup tier
     * @param from first bucket start
     * @param to   end (exclusive)
     */
    public record Piece(RollupTier tier, Instant from, Instant to) {
    }

    /**
     * The plan for {@code [from, to)}.
     *
     * @param now       the current time
     * @param retention how long each tier is kept
     */
    public static RangePlan of(Instant from, Instant to, Instant now, Function<RollupTier, Duration> retention) {
        return of(from, to, now, retention, RollupTier.DAY);
    }

    /**
     * The plan for {@code [from, to)} reading no bucket coarser than {@code coarsest}: a time series whose points are
     * {@code coarsest} buckets or whole multiples of them (aligned to the epoch) then finds every row it reads inside
     * exactly one point.
     *
     * @param now       the current time
     * @param retention how long each tier is kept
     * @param coarsest  the coarsest tier to read
     */
    public static RangePlan of(Instant from, Instant to, Instant now, Function<RollupTier, Duration> retention,
                               RollupTier coarsest) {
        Instant start = min(holder(from, now, retention), coarsest).floor(from);
        Instant end = min(holder(to, now, retention), coarsest).ceil(to);
        List<Piece> pieces = new ArrayList<>();
        cover(start, end, coarsest, pieces);
        return new RangePlan(start, end, List.copyOf(pieces));
    }

    private static RollupTier min(RollupTier a, RollupTier b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** The finest tier that still holds the bucket of {@code t}; the coarsest when none does. */
    static RollupTier holder(Instant t, Instant now, Function<RollupTier, Duration> retention) {
        for (RollupTier tier : RollupTier.values()) {
            if (!tier.floor(t).isBefore(now.minus(retention.apply(tier)))) {
                return tier;
            }
        }
        return RollupTier.DAY;
    }

    /** Covers {@code [a, b)} (both whole minutes) with the coarsest buckets that fit, in time order. */
    private static void cover(Instant a, Instant b, RollupTier coarsest, List<Piece> out) {
        if (!a.isBefore(b)) {
            return;
        }
        RollupTier[] coarseFirst = {RollupTier.DAY, RollupTier.HOUR, RollupTier.MINUTE};
        for (RollupTier tier : coarseFirst) {
            if (tier.compareTo(coarsest) > 0) {
                continue;
            }
            Instant s = tier.ceil(a);
            Instant e = tier.floor(b);
            if (s.isBefore(e)) {
                cover(a, s, coarsest, out);
                out.add(new Piece(tier, s, e));
                cover(e, b, coarsest, out);
                return;
            }
        }
        throw new IllegalArgumentException("range ends are not whole minutes: " + a + " .. " + b);
    }

    /** The tiers the plan reads, finest first, by external name. */
    public List<String> resolutions() {
        return pieces.stream().map(Piece::tier).distinct().sorted().map(RollupTier::externalName).toList();
    }
}
