package io.waddleperf.agent.autoperf;

import java.time.Instant;
import java.util.List;

/** What one run of a tier found: the thresholds it crossed (none: healthy), and when it finished. */
public record TierOutcome(int tier, Instant finishedAt, List<Crossing> crossings) {

    public TierOutcome {
        crossings = List.copyOf(crossings);
    }

    public boolean healthy() {
        return crossings.isEmpty();
    }
}
