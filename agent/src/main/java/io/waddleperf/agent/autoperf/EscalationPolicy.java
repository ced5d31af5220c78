package io.waddleperf.agent.autoperf;

import io.waddleperf.core.autoperf.Tier;
import io.waddleperf.core.autoperf.Autoperf;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The escalation rules' parameters, per tier (index 0 = tier 1): whether it is enabled, whether escalating into it
 * needs confirmation and after what delay; and the backoff between repeated escalations from the scheduled tier.
 */
public record EscalationPolicy(List<Boolean> enabled, List<Boolean> requireConfirmation, List<Duration> confirmDelay,
                               Duration backoffInitial, Duration backoffMax, int resetAfterHealthyRounds) {

    public EscalationPolicy {
        enabled = List.copyOf(enabled);
        requireConfirmation = List.copyOf(requireConfirmation);
        confirmDelay = List.copyOf(confirmDelay);
        if (enabled.size() != requireConfirmation.size() || enabled.size() != confirmDelay.size()
                || !enabled.contains(true)) {
            throw new IllegalArgumentException("one entry per tier, at least one tier enabled");
        }
    }

    public static EscalationPolicy of(Autoperf a) {
        List<Tier> tiers = a.tiers();
        return new EscalationPolicy(tiers.stream().map(Tier::enabled).toList(),
                tiers.stream().map(Tier::requireConfirmation).toList(),
                tiers.stream().map(Tier::confirmDelay).toList(),
                a.backoff().initial(), a.backoff().max(), a.backoff().resetAfterHealthyRounds());
    }

    /** The scheduled tier: the lowest enabled one. */
    public int baseTier() {
        return enabled.indexOf(true) + 1;
    }

    /**
     * The tier a crossing on {@code tier} escalates to: the one above when it is enabled, else 0. A disabled tier
     * ends the chain: a tier is entered only when the thresholds of the tier below it crossed.
     */
    public int nextAbove(int tier) {
        return tier < enabled.size() && enabled.get(tier) ? tier + 1 : 0;
    }

    public boolean confirms(int tier) {
        return requireConfirmation.get(tier - 1);
    }

    public Duration confirmDelayOf(int tier) {
        return confirmDelay.get(tier - 1);
    }

    /** The wait after the {@code streak}-th escalation of a streak before the next one: initial × 2^(streak-1), capped. */
    public Duration hold(int streak) {
        if (streak <= 0) {
            return Duration.ZERO;
        }
        Duration d = backoffInitial;
        for (int i = 1; i < streak && d.compareTo(backoffMax) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(backoffMax) > 0 ? backoffMax : d;
    }

    public EscalationPolicy withConfirmation(int tier, Duration delay) {
        List<Boolean> c = new ArrayList<>(requireConfirmation);
        List<Duration> d = new ArrayList<>(confirmDelay);
        c.set(tier - 1, true);
        d.set(tier - 1, delay);
        return new EscalationPolicy(enabled, c, d, backoffInitial, backoffMax, resetAfterHealthyRounds);
    }

    public EscalationPolicy withEnabled(int tier, boolean on) {
        List<Boolean> e = new ArrayList<>(enabled);
        e.set(tier - 1, on);
        return new EscalationPolicy(e, requireConfirmation, confirmDelay, backoffInitial, backoffMax,
                resetAfterHealthyRounds);
    }
}
