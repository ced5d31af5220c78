package io.waddleperf.agent.autoperf;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The AutoPerf escalation rules, as a pure function of the state, the policy and the outcome of one tier run (no
 * clock, no I/O: the scheduler carries the state and acts on the decision).
 *
 * <ul>
 * <li>A crossing on the scheduled (lowest enabled) tier escalates to the next enabled tier at once; a crossing on an
 *     escalated tier escalates to the next one. A tier with {@code require_confirmation} is entered only when the tier
 *     below crosses again on a run {@code confirm_delay} later.</li>
 * <li>Backoff: the first escalation of a streak is immediate; each further escalation from the scheduled tier waits
 *     {@code initial} × 2^(n-1) (capped at {@code max}) after the previous one, so a flapping or lasting problem
 *     does not run the heavy tiers on every round. {@code reset_after_healthy_rounds} healthy rounds in a row end the
 *     streak.</li>
 * <li>A healthy run of the scheduled tier returns to it (recorded as a trigger back to that tier) and cancels a
 *     pending confirmation.</li>
 * </ul>
 */
public final class Escalation {

    private Escalation() {
    }

    public static Decision decide(EscalationPolicy policy, EscalationState s, TierOutcome outcome) {
        int base = policy.baseTier();
        Instant now = outcome.finishedAt();
        if (outcome.tier() == base) {
            return outcome.healthy() ? healthyBase(policy, s, now, base) : crossedBase(policy, s, outcome, base);
        }
        int target = policy.nextAbove(outcome.tier());
        if (outcome.healthy() || target == 0) {
            int awaiting = s.awaitingConfirmation() == target ? 0 : s.awaitingConfirmation();
            return none(new EscalationState(s.currentTier(), s.streak(), s.lastEscalation(), s.healthyRounds(),
                    awaiting, s.heldUntil(), s.episodeStart()));
        }
        return escalate(policy, s, outcome, target, false);
    }

    private static Decision healthyBase(EscalationPolicy policy, EscalationState s, Instant now, int base) {
        int healthy = s.healthyRounds() + 1;
        boolean reset = healthy >= policy.resetAfterHealthyRounds();
        Optional<Trigger> back = Optional.empty();
        if (s.currentTier() != base) {
            Duration lasted = s.episodeStart() == null ? null : Duration.between(s.episodeStart(), now);
            back = Optional.of(new Trigger(now, s.currentTier(), base,
                    "healthy: tier " + base + " within every threshold", lasted));
        }
        EscalationState next = new EscalationState(base, reset ? 0 : s.streak(), reset ? null : s.lastEscalation(),
                healthy, 0, null, null);
        return new Decision(next, back, Optional.empty());
    }

    private static Decision crossedBase(EscalationPolicy policy, EscalationState s, TierOutcome outcome, int base) {
        int target = policy.nextAbove(base);
        Instant now = outcome.finishedAt();
        if (target == 0) {
            return none(new EscalationState(s.currentTier(), s.streak(), s.lastEscalation(), 0, 0, null,
                    s.episodeStart()));
        }
        if (s.streak() > 0) {
            Instant allowed = s.lastEscalation().plus(policy.hold(s.streak()));
            if (now.isBefore(allowed)) {
                return none(new EscalationState(s.currentTier(), s.streak(), s.lastEscalation(), 0, 0, allowed,
                        s.episodeStart()));
            }
        }
        return escalate(policy, new EscalationState(s.currentTier(), s.streak(), s.lastEscalation(), 0,
                s.awaitingConfirmation(), null, s.episodeStart()), outcome, target, true);
    }

    private static Decision escalate(EscalationPolicy policy, EscalationState s, TierOutcome outcome, int target,
                                     boolean fromBase) {
        Instant now = outcome.finishedAt();
        String reason = outcome.crossings().stream().map(Crossing::reason).collect(Collectors.joining("; "));
        if (policy.confirms(target) && s.awaitingConfirmation() != target) {
            EscalationState waiting = new EscalationState(s.currentTier(), s.streak(), s.lastEscalation(),
                    s.healthyRounds(), target, null, s.episodeStart());
            return new Decision(waiting, Optional.empty(), Optional.of(new PlannedRun(outcome.tier(),
                    now.plus(policy.confirmDelayOf(target)), "confirming: " + reason)));
        }
        boolean confirmed = s.awaitingConfirmation() == target;
        Trigger trigger = new Trigger(now, outcome.tier(), target, reason + (confirmed ? " (confirmed)" : ""), null);
        EscalationState next = new EscalationState(Math.max(target, s.currentTier()),
                fromBase ? s.streak() + 1 : s.streak(), fromBase ? now : s.lastEscalation(), s.healthyRounds(), 0,
                null, s.episodeStart() == null ? now : s.episodeStart());
        return new Decision(next, Optional.of(trigger), Optional.of(new PlannedRun(target, now, trigger.reason())));
    }

    private static Decision none(EscalationState s) {
        return new Decision(s, Optional.empty(), Optional.empty());
    }
}
