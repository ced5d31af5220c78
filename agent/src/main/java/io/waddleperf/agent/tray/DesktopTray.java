package io.waddleperf.agent.tray;

import io.waddleperf.agent.AgentControls;
import java.awt.AWTError;
import java.awt.AWTException;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Desktop;
import java.awt.Dimension;
import java.awt.EventQueue;
import java.awt.Graphics2D;
import java.awt.GraphicsEnvironment;
import java.awt.HeadlessException;
import java.awt.MenuItem;
import java.awt.PopupMenu;
import java.awt.RenderingHints;
import java.awt.SystemTray;
import java.awt.TrayIcon;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.net.URI;
import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tray icon of {@code waddleperf agent --tray} and its menu. Every menu item's action runs on one thread of its
 * own, in order, never on AWT's event thread (pausing waits for the run in progress); the icon follows the agent's
 * listener on the event thread.
 */
public final class DesktopTray implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DesktopTray.class);
    private static final String CAPTION = "WaddlePerf agent";

    /** How {@link #start} went. */
    public sealed interface Start permits Started, Unavailable {
    }

    /** The icon is in the tray. */
    public record Started(DesktopTray tray) implements Start {
    }

    /** There is no tray; {@code message} says why, that the agent goes on, and where to look instead. */
    public record Unavailable(String message) implements Start {
    }

    private final AgentControls agent;
    private final Runnable quit;
    private final ZoneId zone = ZoneId.systemDefault();
    private final ExecutorService actions = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "tray-actions");
        t.setDaemon(true);
        return t;
    });
    private TrayIcon icon;
    private MenuItem pauseItem;
    private TrayLook.Colour shown;

    private DesktopTray(AgentControls agent, Runnable quit) {
        this.agent = agent;
        this.quit = quit;
    }

    /**
     * Puts the agent's icon in the system tray, or says why it cannot.
     *
     * @param quit what the Quit item does after removing the icon: stop the agent as {@code SIGTERM} does
     * @param env  the process environment (for {@code DISPLAY})
     */
    public static Start start(AgentControls agent, Runnable quit, Map<String, String> env) {
        Optional<String> early = TraySupport.withoutAwt(env, System.getProperty("java.awt.headless"),
                System.getProperty("os.name"));
        if (early.isPresent()) {
            return new Unavailable(TraySupport.fallbackMessage(early.get(), agent.statusPage()));
        }
        String display = env.get("DISPLAY");
        String reason;
        try {
            if (GraphicsEnvironment.isHeadless()) {
                reason = "this Java runs headless (it found no graphics environment)";
            } else if (!SystemTray.isSupported()) {
                reason = TraySupport.noTrayHost(display);
            } else {
                DesktopTray tray = new DesktopTray(agent, quit);
                String refused = tray.install();
                if (refused == null) {
                    return new Started(tray);
                }
                reason = refused;
            }
        } catch (UnsatisfiedLinkError | AWTError | HeadlessException | InternalError e) {
            reason = TraySupport.awtFailed(display, e);
        }
        return new Unavailable(TraySupport.fallbackMessage(reason, agent.statusPage()));
    }

    /** Builds the icon and its menu on the event thread and adds it; the reason when the tray refuses it. */
    private String install() {
        String[] refused = new String[1];
        onEventThread(() -> {
            PopupMenu menu = new PopupMenu();
            menu.add(item(TrayLook.RUN_NOW, this::runNow));
            pauseItem = item(TrayLook.PAUSE, this::togglePause);
            menu.add(pauseItem);
            menu.add(item(TrayLook.OPEN_STATUS_PAGE, this::openStatusPage));
            menu.addSeparator();
            menu.add(item(TrayLook.QUIT, this::quit));
            TrayLook look = TrayLook.of(agent.view(), zone);
            icon = new TrayIcon(image(look.colour()), look.tooltip(), menu);
            icon.setImageAutoSize(true);
            shown = look.colour();
            pauseItem.setLabel(look.pauseLabel());
            try {
                SystemTray.getSystemTray().add(icon);
            } catch (AWTException e) {
                refused[0] = "the system tray refused the icon: " + e.getMessage();
            }
        });
        if (refused[0] == null) {
            agent.addListener(v -> {
                TrayLook look = TrayLook.of(v, zone);
                EventQueue.invokeLater(() -> show(look));
            });
            LOG.info("tray icon added");
        }
        return refused[0];
    }

    private MenuItem item(String label, Runnable action) {
        MenuItem item = new MenuItem(label);
        item.addActionListener(e -> actions.execute(() -> {
            try {
                action.run();
            } catch (RuntimeException ex) {
                LOG.error("tray: '{}' failed", label, ex);
            }
        }));
        return item;
    }

    private void show(TrayLook look) {
        if (icon == null) {
            return;
        }
        if (look.colour() != shown) {
            icon.setImage(image(look.colour()));
            shown = look.colour();
        }
        icon.setToolTip(look.tooltip());
        pauseItem.setLabel(look.pauseLabel());
    }

    /** A filled circle of the colour with a darker rim, at the size the tray asks for. */
    static BufferedImage image(TrayLook.Colour colour) {
        Dimension d = SystemTray.getSystemTray().getTrayIconSize();
        int size = Math.max(16, Math.min(d.width, d.height));
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            Color fill = new Color(colour.rgb());
            int inset = Math.max(1, size / 8);
            g.setColor(fill);
            g.fillOval(inset, inset, size - 2 * inset, size - 2 * inset);
            g.setColor(fill.darker());
            g.setStroke(new BasicStroke(Math.max(1f, size / 16f)));
            g.drawOval(inset, inset, size - 2 * inset - 1, size - 2 * inset - 1);
        } finally {
            g.dispose();
        }
        return img;
    }

    private void runNow() {
        if (agent.runNow()) {
            LOG.info("tray: run now");
        } else {
            notice("AutoPerf is off (autoperf.enabled=false): there is nothing to run.", TrayIcon.MessageType.WARNING);
        }
    }

    private void togglePause() {
        if (agent.view().paused()) {
            agent.resume();
        } else {
            agent.pause();
        }
    }

    private void openStatusPage() {
        Optional<URI> page = agent.statusPage();
        if (page.isEmpty()) {
            notice("The status port is off (status.enabled=false): there is no status page to open.",
                    TrayIcon.MessageType.WARNING);
            return;
        }
        URI uri = page.get();
        if (!Desktop.isDesktopSupported() || !Desktop.getDesktop().isSupported(Desktop.Action.BROWSE)) {
            // java.awt.Desktop browses only where the desktop gives it a way to (on Linux, GNOME's libraries)
            notice("This desktop gives Java no way to open a browser. The status page is at " + uri,
                    TrayIcon.MessageType.WARNING);
            return;
        }
        try {
            Desktop.getDesktop().browse(uri);
            LOG.info("tray: opened the status page {} in the browser", uri);
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            notice("Could not open a browser (" + e.getMessage() + "). The status page is at " + uri,
                    TrayIcon.MessageType.WARNING);
        }
    }

    private void quit() {
        LOG.info("tray: quit");
        close();
        quit.run();
    }

    /** Said twice: in the log, where it stays, and as the tray's balloon, where the user looks. */
    private void notice(String text, TrayIcon.MessageType type) {
        LOG.warn("tray: {}", text);
        EventQueue.invokeLater(() -> {
            if (icon != null) {
                icon.displayMessage(CAPTION, text, type);
            }
        });
    }

    /** Removes the icon (once). */
    @Override
    public void close() {
        onEventThread(() -> {
            if (icon != null) {
                SystemTray.getSystemTray().remove(icon);
                icon = null;
            }
        });
    }

    private static void onEventThread(Runnable r) {
        if (EventQueue.isDispatchThread()) {
            r.run();
            return;
        }
        try {
            EventQueue.invokeAndWait(r);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
