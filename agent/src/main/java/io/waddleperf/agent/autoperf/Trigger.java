package io.waddleperf.agent.autoperf;

import java.time.Duration;
import java.time.Instant;

/**
 * A change of tier, as the status API lists it: an escalation ({@code to_tier > from_tier}) with the crossings that
 * caused it, or a return to the scheduled tier once it is healthy.
 *
 * @param duration for an escalation, how long the run of {@code to_tier} took (null while it runs); for a
 *                 return, how long the episode lasted since its first escalation
 */
public record Trigger(Instant timestamp, int fromTier, int toTier, String reason, Duration duration) {

    public boolean escalation() {
        return toTier > fromTier;
    }

    public Trigger withDuration(Duration d) {
        return new Trigger(timestamp, fromTier, toTier, reason, d);
    }
}
