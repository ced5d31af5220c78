package io.waddleperf.agent;

import io.waddleperf.agent.autoperf.ProbeOutcome;
import java.time.Instant;

/**
 * One consistent look at a running agent, for a front end beside the status port (the desktop tray): what AutoPerf
 * is doing and what it measured last.
 *
 * @param autoperfEnabled whether AutoPerf runs at all
 * @param paused          scheduled runs are paused
 * @param currentTier     the deepest tier of the episode in progress (1 when healthy)
 * @param lastRun         the tier run that ended last; null before the first has ended
 * @param lastResult      the newest result of any probe; null before the first
 * @param nextRun         when the next scheduled run starts; null when paused, off, or running now
 */
public record AgentView(boolean autoperfEnabled, boolean paused, int currentTier, LastRun lastRun,
                        ProbeOutcome lastResult, Instant nextRun) {

    /** A finished tier run: which tier, when it ended, how many probes ran and how many of them failed. */
    public record LastRun(int tier, Instant endedAt, int probes, int failed) {

        /** Every probe of the run failed: the agent measured nothing this time (no network, target down). */
        public boolean allFailed() {
            return probes > 0 && failed == probes;
        }
    }
}
