package io.waddleperf.agent.tray;

import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Why this process can have no tray icon, found in the order a user fixes things: a JVM told to be headless, no
 * display to talk to, a Java runtime without desktop support, a display without a tray host. The checks that need no
 * AWT come first, so that an agent without a display does not load it at all.
 */
public final class TraySupport {

    private TraySupport() {
    }

    /**
     * The reason there can be no tray that is known without AWT: {@code java.awt.headless=true}, or (on Linux and
     * the other X11 systems) no {@code DISPLAY}.
     *
     * @param env       the process environment
     * @param headless  the {@code java.awt.headless} property, or null
     * @param osName    the {@code os.name} property
     */
    public static Optional<String> withoutAwt(Map<String, String> env, String headless, String osName) {
        if ("true".equalsIgnoreCase(headless)) {
            return Optional.of("this Java runs headless (java.awt.headless=true)");
        }
        String os = osName == null ? "" : osName.toLowerCase(Locale.ROOT);
        boolean x11 = !os.startsWith("windows") && !os.startsWith("mac");
        String display = env.get("DISPLAY");
        if (x11 && (display == null || display.isBlank())) {
            return Optional.of(env.get("WAYLAND_DISPLAY") != null
                    ? "no X display (DISPLAY is not set; the tray needs X11 or Xwayland)"
                    : "no display (DISPLAY is not set: started outside a desktop session, e.g. over ssh or as a service)");
        }
        return Optional.empty();
    }

    /** The reason for a display that is there but has no tray host (a panel's notification area, trayer, …). */
    public static String noTrayHost(String display) {
        return "no system tray on display " + (display == null ? "(default)" : display)
                + " (no tray host such as a desktop panel's notification area is running)";
    }

    /** The reason for AWT failing to start: a runtime without desktop libraries or a display it cannot open. */
    public static String awtFailed(String display, Throwable t) {
        if (t instanceof UnsatisfiedLinkError) {
            return "this Java runtime has no desktop support (" + t.getMessage()
                    + "; a headless runtime package, install the full one)";
        }
        return "cannot use the display " + (display == null ? "(default)" : display) + ": " + t;
    }

    /**
     * What the agent prints when {@code --tray} cannot be honoured: the reason, that the agent goes on without the
     * icon, and where its state can be seen instead.
     */
    public static String fallbackMessage(String reason, Optional<URI> statusPage) {
        return "waddleperf agent: --tray: no tray icon: " + reason + ". The agent goes on measuring without it; "
                + statusPage.map(u -> "its status page is at " + u + ".")
                .orElse("its status port is off (status.enabled=false), so its log is the place to look.");
    }
}
