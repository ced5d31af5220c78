package io.waddleperf.core.autoperf;

import io.waddleperf.core.config.Problems;
import io.waddleperf.core.config.Validated;
import java.time.Duration;
import java.util.List;

/**
 * AutoPerf: tier 1 runs every {@code interval} (with {@code jitter_percent} of random spread), a crossed tier-1
 * threshold runs tier 2 at once, a crossed tier-2 threshold runs tier 3.
 */
public record Autoperf(boolean enabled, Duration interval, int jitterPercent, Tier tier1, Tier tier2, Tier tier3,
                       Backoff backoff) implements Validated {

    public static Autoperf defaults() {
        return new Autoperf(true, Duration.ofSeconds(300), 15, Tier.defaultTier1(), Tier.defaultTier2(),
                Tier.defaultTier3(), Backoff.defaults());
    }

    public List<Tier> tiers() {
        return java.util.Arrays.asList(tier1, tier2, tier3); // a tier set to null is reported on its own key
    }

    @Override
    public void validate(Problems problems) {
        problems.require(interval != null && interval.compareTo(Duration.ofMillis(100)) >= 0
                        && interval.compareTo(Duration.ofDays(1)) <= 0, "interval",
                "must be between 100ms and 24h, got " + interval);
        problems.require(jitterPercent >= 0 && jitterPercent <= 50, "jitter_percent",
                "must be between 0 and 50, got " + jitterPercent);
    }
}
