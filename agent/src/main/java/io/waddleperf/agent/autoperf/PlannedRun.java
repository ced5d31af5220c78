package io.waddleperf.agent.autoperf;

import java.time.Instant;

/** A run of {@code tier} the escalation rules ask for, at {@code at} (now, or after a confirmation delay). */
public record PlannedRun(int tier, Instant at, String reason) {
}
