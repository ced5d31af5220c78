package io.waddleperf.manager.alerts;

import io.waddleperf.core.result.UuidV7;
import io.waddleperf.manager.store.AlertRepository;
import io.waddleperf.manager.store.AlertRepository.Event;
import io.waddleperf.manager.store.AlertRepository.Window;
import io.waddleperf.manager.store.AlertRule;
import io.waddleperf.manager.store.AlertRule.State;
import io.waddleperf.manager.store.ResultRepository.Incoming;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates alert rules after a batch of results committed: one indexed query finds the enabled rules on the batch's
 * targets (the batch's OU's and the global ones); for each, one range scan of the results index gives the window's
 * mean; a rule whose comparison now holds fires, one whose comparison no longer holds resolves — each change recorded
 * once, and its notifications sent in the background. A batch on targets without rules costs the one query.
 * Evaluation never fails an ingestion: the results are stored already, and the next batch evaluates again.
 */
public final class AlertEvaluator {

    private static final Logger LOG = LoggerFactory.getLogger(AlertEvaluator.class);

    private final AlertRepository alerts;
    private final AlertNotifier notifier;
    private final InstantSource clock;

    public AlertEvaluator(AlertRepository alerts, AlertNotifier notifier, InstantSource clock) {
        this.alerts = alerts;
        this.notifier = notifier;
        this.clock = clock;
    }

    /**
     * Evaluates the rules the stored results touch.
     *
     * @param stored results stored by the batch (duplicates left out)
     * @param ouId   the OU they belong to, or null
     */
    public void afterCommit(List<Incoming> stored, UUID ouId) {
        if (stored.isEmpty()) {
            return;
        }
        try {
            Set<String> targets = new LinkedHashSet<>();
            for (Incoming in : stored) {
                targets.add(in.result().target());
            }
            for (AlertRule rule : alerts.rulesFor(ouId, targets)) {
                if (rule.testType() == null || stored.stream().anyMatch(in -> matches(rule, in))) {
                    evaluate(rule);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("alert evaluation after ingest failed (the results are stored; the next batch evaluates again): {}",
                    e.toString());
        }
    }

    private static boolean matches(AlertRule rule, Incoming in) {
        return in.result().target().equals(rule.target())
                && rule.testType().equals(in.result().testType().wireName());
    }

    /** Evaluates one rule now; returns the change it recorded, if any. */
    public Optional<Event> evaluate(AlertRule rule) {
        Instant now = clock.instant();
        Window w = alerts.window(rule, now.minus(rule.window()));
        if (w.mean() == null || w.samples() < rule.minSamples()) {
            return Optional.empty(); // too few results to say either way: the state stays
        }
        State next = rule.comparison().holds(w.mean(), rule.threshold()) ? State.FIRING : State.RESOLVED;
        Event candidate = new Event(UuidV7.next(), rule.id(), rule.ouId(), rule.name(), rule.target(), next, now,
                rule.metric(), rule.comparison(), rule.threshold(), w.mean(), w.samples(), null);
        Optional<Event> changed = alerts.record(rule.id(), next, w.mean(), w.samples(), now, candidate);
        changed.ifPresent(e -> {
            LOG.info("alert '{}' on {} {}: {} {} {} over {} results", rule.name(), rule.target(),
                    next.externalName(), w.mean(), rule.comparison().symbol, rule.threshold(), w.samples());
            notifier.notifyLater(rule, e);
        });
        return changed;
    }
}
