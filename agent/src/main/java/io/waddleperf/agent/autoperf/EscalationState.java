package io.waddleperf.agent.autoperf;

import java.time.Instant;

/**
 * Where the escalation rules stand between runs.
 *
 * @param currentTier          the deepest tier the current episode reached (the scheduled tier when healthy)
 * @param streak               escalations from the scheduled tier since the backoff was last reset
 * @param lastEscalation       when the latest of them happened (null when the streak is 0)
 * @param healthyRounds        healthy runs of the scheduled tier in a row
 * @param awaitingConfirmation the tier an escalation into waits for a confirming run (0: none)
 * @param heldUntil            when a crossing was held back by the backoff: the earliest next escalation (else null)
 * @param episodeStart         when the current episode's first escalation happened (null when healthy)
 */
public record EscalationState(int currentTier, int streak, Instant lastEscalation, int healthyRounds,
                              int awaitingConfirmation, Instant heldUntil, Instant episodeStart) {

    public static EscalationState initial(EscalationPolicy policy) {
        return new EscalationState(policy.baseTier(), 0, null, 0, 0, null, null);
    }
}
