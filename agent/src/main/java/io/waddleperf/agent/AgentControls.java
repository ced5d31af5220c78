package io.waddleperf.agent;

import java.net.URI;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What a front end of a running agent (the desktop tray) may see and do, and nothing more: it never reaches into the
 * scheduler or the outbox. Stopping the agent is not here: that is the launcher's, as on {@code SIGTERM}.
 */
public interface AgentControls {

    /** The agent's state now. */
    AgentView view();

    /**
     * Calls {@code listener} with a fresh view after every result, every finished tier run and every pause or
     * resume; on the agent's own threads, so a listener must hand the work on and return quickly.
     */
    void addListener(Consumer<AgentView> listener);

    /**
     * Runs the scheduled tier now (also while paused), after the run in progress if any.
     *
     * @return false when AutoPerf is off and there is nothing to run
     */
    boolean runNow();

    /** Stops starting scheduled runs; returns once the run in progress has ended (or after 10 s). */
    void pause();

    /** Schedules again; a run that fell due meanwhile starts at once. */
    void resume();

    /** The status page's address as a browser on this machine reaches it; empty when the status port is off. */
    Optional<URI> statusPage();
}
