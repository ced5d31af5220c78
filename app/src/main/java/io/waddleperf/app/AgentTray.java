package io.waddleperf.app;

import io.waddleperf.agent.Agent;
import io.waddleperf.agent.tray.DesktopTray;
import io.waddleperf.agent.tray.TraySupport;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Optional;

/**
 * {@code waddleperf agent --tray}: puts the agent's icon in the desktop's tray, or says why not. A class of its own so
 * that {@link AgentCommand} names no tray class: an agent started without {@code --tray} loads neither these nor AWT.
 */
final class AgentTray {

    private AgentTray() {
    }

    /**
     * Starts the tray; without one, prints the reason and lets the agent go on headless: it is a monitor first, and
     * a desktop session that starts it before its panel is up, or over ssh, must not lose the measurements.
     *
     * @param quit stops the agent as {@code SIGTERM} does
     * @return the tray to close at the end, or null when there is none
     */
    static AutoCloseable start(Agent agent, Runnable quit, Map<String, String> env, PrintWriter err) {
        // asked before DesktopTray is loaded: without a display not even its AWT types are
        Optional<String> none = TraySupport.withoutAwt(env, System.getProperty("java.awt.headless"),
                System.getProperty("os.name"));
        if (none.isPresent()) {
            err.println(TraySupport.fallbackMessage(none.get(), agent.statusPage()));
            err.flush();
            return null;
        }
        return switch (DesktopTray.start(agent, quit, env)) {
            case DesktopTray.Started s -> s.tray();
            case DesktopTray.Unavailable u -> {
                err.println(u.message());
                err.flush();
                yield null;
            }
        };
    }
}
