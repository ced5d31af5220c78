package io.waddleperf.agent.schedule;

import io.waddleperf.agent.autoperf.Crossing;
import io.waddleperf.agent.autoperf.Trigger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * What the AutoPerf loop is doing, for the status API: current tier, last and next run, the recent triggers (the
 * newest {@value #KEPT_TRIGGERS}), the probes run so far. Written by the scheduler, read by the status server;
 * every method is synchronized and readers get copies.
 */
public final class AutoperfStatus {

    static final int KEPT_TRIGGERS = 100;

    /** One read of the status. */
    public record Snapshot(boolean enabled, int currentTier, Instant lastRun, Instant nextRun, int nextTier,
                           List<Trigger> triggers, long testCount, List<Crossing> lastCrossings, Instant heldUntil,
                           int awaitingConfirmation, boolean paused) {
    }

    private boolean enabled;
    private int currentTier;
    private Instant lastRun;
    private Instant nextRun;
    private int nextTier;
    private final Deque<Trigger> triggers = new ArrayDeque<>();
    private long testCount;
    private List<Crossing> lastCrossings = List.of();
    private Instant heldUntil;
    private int awaitingConfirmation;
    private boolean paused;

    public AutoperfStatus(boolean enabled, int baseTier) {
        this.enabled = enabled;
        this.currentTier = baseTier;
    }

    public synchronized Snapshot snapshot() {
        return new Snapshot(enabled, currentTier, lastRun, nextRun, nextTier, List.copyOf(triggers), testCount,
                lastCrossings, heldUntil, awaitingConfirmation, paused);
    }

    /** A new configuration took over: AutoPerf on or off, and its escalation starts again from the scheduled tier. */
    synchronized void reconfigured(boolean on, int baseTier) {
        enabled = on;
        currentTier = baseTier;
        heldUntil = null;
        awaitingConfirmation = 0;
    }

    /** Scheduled runs paused (from the desktop tray) or resumed. */
    synchronized void paused(boolean on) {
        paused = on;
    }

    synchronized void scheduled(Instant at, int tier) {
        nextRun = at;
        nextTier = tier;
    }

    synchronized void probeDone() {
        testCount++;
    }

    synchronized void tierDone(Instant finished, List<Crossing> crossings, int current, Instant held, int awaiting) {
        lastRun = finished;
        lastCrossings = List.copyOf(crossings);
        currentTier = current;
        heldUntil = held;
        awaitingConfirmation = awaiting;
    }

    synchronized void trigger(Trigger t) {
        triggers.addLast(t);
        while (triggers.size() > KEPT_TRIGGERS) {
            triggers.removeFirst();
        }
    }

    /** Fills in how long the run an escalation started took, once it has finished. */
    synchronized void escalationRunTook(int tier, Duration took) {
        Trigger last = triggers.peekLast();
        if (last != null && last.escalation() && last.toTier() == tier && last.duration() == null) {
            triggers.removeLast();
            triggers.addLast(last.withDuration(took));
        }
    }

    /** The triggers, oldest first. */
    public synchronized List<Trigger> triggers() {
        return new ArrayList<>(triggers);
    }
}
