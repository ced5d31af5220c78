package io.waddleperf.agent.schedule;

import io.waddleperf.core.autoperf.Tier;
import io.waddleperf.core.autoperf.Autoperf;
import io.waddleperf.core.autoperf.ProbeDefinition;
import io.waddleperf.agent.autoperf.Crossing;
import io.waddleperf.agent.autoperf.Decision;
import io.waddleperf.agent.autoperf.Escalation;
import io.waddleperf.agent.autoperf.EscalationPolicy;
import io.waddleperf.agent.autoperf.EscalationState;
import io.waddleperf.agent.autoperf.PlannedRun;
import io.waddleperf.agent.autoperf.ProbeOutcome;
import io.waddleperf.agent.autoperf.ThresholdCheck;
import io.waddleperf.agent.autoperf.TierOutcome;
import io.waddleperf.agent.autoperf.Trigger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The AutoPerf loop: the scheduled tier (tier 1 unless disabled) at start and then every {@code interval} with
 * ±{@code jitter_percent} of random spread, so that many agents do not measure in lockstep; after each tier run its
 * thresholds are checked and {@link Escalation#decide} says whether a deeper tier runs now (or after a confirmation
 * delay). One tier runs at a time, on one thread; the escalation state lives only here.
 */
public final class Scheduler implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);

    /** What the scheduler reports besides the results themselves. */
    public interface Listener {
        default void tierFinished(int tier, Duration took, List<Crossing> crossings) {
        }

        default void trigger(Trigger trigger) {
        }

        /**
         * A tier run is over and everything it decided (tier, triggers, backoff) is in the status: the moment a view
         * of the agent's state is complete. {@code outcomes} are the run's results.
         */
        default void settled(int tier, List<ProbeOutcome> outcomes) {
        }
    }

    /**
     * What the loop runs: one configuration and its parsed probes, swapped whole by {@link #replace}, so that a tier
     * run always sees one consistent set of tiers, thresholds and probes.
     *
     * @param policy null when AutoPerf is off
     */
    private record Plan(Autoperf autoperf, List<List<ProbeDefinition>> probes, EscalationPolicy policy) {

        static Plan of(Autoperf autoperf, List<List<ProbeDefinition>> probes) {
            return new Plan(autoperf, List.copyOf(probes), autoperf.enabled() ? EscalationPolicy.of(autoperf) : null);
        }
    }

    private volatile Plan plan;
    private final TierRunner runner;
    private final Consumer<ProbeOutcome> sink;
    private final AutoperfStatus status;
    private final Listener listener;
    private final Clock clock;
    private final RandomGenerator random;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private volatile boolean stopped;
    /** Guarded by {@link #lock}: no scheduled run starts while set; a run asked for by {@link #runNow} still does. */
    private boolean paused;
    /** Guarded by {@link #lock}: {@link #runNow} was asked and the loop has not started that run yet. */
    private boolean runNowAsked;
    /** Guarded by {@link #lock}: a tier run is in progress. */
    private boolean running;
    private final Condition idle = lock.newCondition();
    private Thread thread;

    public Scheduler(Autoperf autoperf, List<List<ProbeDefinition>> probes, TierRunner runner,
                     Consumer<ProbeOutcome> sink, AutoperfStatus status, Listener listener, Clock clock,
                     RandomGenerator random) {
        this.plan = Plan.of(autoperf, probes);
        this.runner = runner;
        this.sink = sink;
        this.status = status;
        this.listener = listener;
        this.clock = clock;
        this.random = random;
    }

    /**
     * Swaps the configuration the loop runs (one read by the loop, never half of each): a tier run in progress
     * finishes under the old one; then the escalation state starts afresh (the thresholds it was built on may have
     * changed), any planned escalation is dropped, and the next scheduled run comes one new interval after the last
     * one started (at once if AutoPerf was off or has not run yet). With {@code autoperf.enabled} false the loop
     * idles until the next swap.
     */
    public void replace(Autoperf autoperf, List<List<ProbeDefinition>> probes) {
        Plan p = Plan.of(autoperf, probes);
        lock.lock();
        try {
            plan = p;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The configuration the loop runs now. */
    public Autoperf autoperf() {
        return plan.autoperf();
    }

    /** The delay until the next scheduled run: {@code interval} spread by up to ±{@code percent} %, uniformly. */
    public static Duration jittered(Duration interval, int percent, RandomGenerator random) {
        double factor = 1 + (random.nextDouble() * 2 - 1) * percent / 100.0;
        return Duration.ofNanos(Math.round(interval.toNanos() * factor));
    }

    public synchronized void start() {
        if (thread == null) {
            thread = Thread.ofPlatform().name("autoperf").daemon().start(this::loop);
        }
    }

    private void loop() {
        Plan current = plan;
        EscalationState state = null;
        Instant nextBase = clock.instant();
        Instant lastBaseStart = null;
        PlannedRun planned = null;
        boolean fresh = true;
        while (!stopped) {
            Plan p = plan;
            if (p != current || fresh) {
                if (p != current) {
                    Instant now = clock.instant();
                    nextBase = lastBaseStart == null || current.policy() == null ? now
                            : lastBaseStart.plus(jittered(p.autoperf().interval(), p.autoperf().jitterPercent(), random));
                    planned = null;
                    current = p;
                }
                fresh = false;
                state = p.policy() == null ? null : EscalationState.initial(p.policy());
                status.reconfigured(p.autoperf().enabled(), p.policy() == null ? 1 : p.policy().baseTier());
            }
            if (p.policy() == null) {
                status.scheduled(null, 0);
                waitForChange(p);
                continue;
            }
            int base = p.policy().baseTier();
            boolean now = takeRunNow();
            boolean escalated = !now && planned != null && !planned.at().isAfter(nextBase);
            Instant due = now ? clock.instant() : escalated ? planned.at() : nextBase;
            int tier = escalated ? planned.tier() : base;
            if (!now && isPaused()) {
                status.scheduled(null, 0);
                waitWhilePaused(p);
                continue; // resumed (an overdue run starts at once), asked to run now, stopped, or a new plan
            }
            status.scheduled(due, tier);
            if (!now && !sleepUntil(due, p)) {
                continue; // stopped, a new plan, paused or asked to run now: the loop's head decides
            }
            Instant started = clock.instant();
            if (now) {
                LOG.info("autoperf: tier {} runs now, as asked", tier);
            }
            if (escalated) {
                planned = null;
            } else {
                lastBaseStart = started;
                nextBase = started.plus(jittered(p.autoperf().interval(), p.autoperf().jitterPercent(), random));
            }
            TierOutcome outcome;
            List<ProbeOutcome> results = new java.util.ArrayList<>();
            setRunning(true);
            try {
                outcome = runTier(p, tier, started, results);
            } catch (RuntimeException e) {
                // a bug in one run must not end the schedule: the next round runs as planned
                LOG.error("autoperf: tier {} run failed", tier, e);
                continue;
            } finally {
                setRunning(false);
            }
            if (plan != p) {
                listener.settled(tier, results);
                continue; // the configuration changed during the run: its thresholds no longer decide anything
            }
            Decision d = Escalation.decide(p.policy(), state, outcome);
            state = d.state();
            status.tierDone(outcome.finishedAt(), outcome.crossings(), state.currentTier(), state.heldUntil(),
                    state.awaitingConfirmation());
            d.trigger().ifPresent(t -> {
                LOG.info("autoperf: tier {} -> {}: {}", t.fromTier(), t.toTier(), t.reason());
                status.trigger(t);
                listener.trigger(t);
            });
            if (tier == base && d.trigger().isEmpty() && state.heldUntil() != null) {
                LOG.info("autoperf: tier {} crossed a threshold, but escalation waits until {} (backoff after {} "
                        + "escalations)", tier, state.heldUntil(), state.streak());
            }
            if (d.next().isPresent()) {
                planned = d.next().get();
            }
            listener.settled(tier, results);
        }
    }

    private TierOutcome runTier(Plan p, int tier, Instant started, List<ProbeOutcome> results) {
        Tier config = p.autoperf().tiers().get(tier - 1);
        long t0 = System.nanoTime();
        List<ProbeOutcome> outcomes = runner.run(tier, p.probes().get(tier - 1), config.timeout(), o -> {
            status.probeDone();
            sink.accept(o);
        });
        results.addAll(outcomes);
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        List<Crossing> crossings = ThresholdCheck.check(config.thresholds(), config.escalateOnFailure(), outcomes);
        status.escalationRunTook(tier, took);
        listener.tierFinished(tier, took, crossings);
        LOG.debug("autoperf: tier {} ran {} probes in {} ms, {} crossing(s)", tier, outcomes.size(), took.toMillis(),
                crossings.size());
        return new TierOutcome(tier, started.plus(took), crossings);
    }

    /**
     * Stops starting scheduled runs, and returns once the run in progress (if any) has ended or {@code wait} has
     * passed; the escalation state is kept for {@link #resume}.
     *
     * @return true when no run is in progress any more
     */
    public boolean pause(Duration wait) {
        lock.lock();
        try {
            paused = true;
            status.paused(true);
            wake.signalAll();
            long nanos = wait.toNanos();
            while (running && nanos > 0) {
                nanos = idle.awaitNanos(nanos);
            }
            return !running;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !running;
        } finally {
            lock.unlock();
        }
    }

    /** Starts scheduling again; a run that fell due while paused starts at once. */
    public void resume() {
        lock.lock();
        try {
            paused = false;
            status.paused(false);
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Whether scheduled runs are paused. */
    public boolean isPaused() {
        lock.lock();
        try {
            return paused;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Asks for a run of the scheduled tier now (also while paused: the one run asked for, then the pause goes on);
     * a run in progress finishes first. It counts as the scheduled run: the next one comes an interval after it.
     *
     * @return false when AutoPerf is off, so that there is nothing to run
     */
    public boolean runNow() {
        if (plan.policy() == null) {
            return false;
        }
        lock.lock();
        try {
            runNowAsked = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
        return true;
    }

    private boolean takeRunNow() {
        lock.lock();
        try {
            boolean asked = runNowAsked;
            runNowAsked = false;
            return asked;
        } finally {
            lock.unlock();
        }
    }

    private void setRunning(boolean on) {
        lock.lock();
        try {
            running = on;
            if (!on) {
                idle.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Waits while paused, {@code p} is the plan, the scheduler runs and no run was asked for. */
    private void waitWhilePaused(Plan p) {
        lock.lock();
        try {
            while (!stopped && plan == p && paused && !runNowAsked) {
                wake.await();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped = true;
        } finally {
            lock.unlock();
        }
    }

    /** Waits while {@code p} is the plan and the scheduler runs. */
    private void waitForChange(Plan p) {
        lock.lock();
        try {
            while (!stopped && plan == p) {
                wake.await();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped = true;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until {@code due}; false when stopped, given a new plan, paused or asked to run now meanwhile. */
    private boolean sleepUntil(Instant due, Plan p) {
        lock.lock();
        try {
            while (!stopped && plan == p && !paused && !runNowAsked) {
                long nanos = Duration.between(clock.instant(), due).toNanos();
                if (nanos <= 0) {
                    return true;
                }
                wake.awaitNanos(nanos);
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Stops after the tier run in progress (whose probes end at their own deadlines). */
    @Override
    public void close() {
        stopped = true;
        lock.lock();
        try {
            wake.signalAll();
        } finally {
            lock.unlock();
        }
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            try {
                t.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
