package io.waddleperf.agent.autoperf;

import java.util.Optional;

/** What {@link Escalation#decide} concluded: the next state, the tier change to record, and an extra run to make. */
public record Decision(EscalationState state, Optional<Trigger> trigger, Optional<PlannedRun> next) {
}
