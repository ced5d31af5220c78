package io.waddleperf.app;

import java.awt.Color;
import java.awt.EventQueue;
import java.awt.MenuItem;
import java.awt.PopupMenu;
import java.awt.Rectangle;
import java.awt.Robot;
import java.awt.SystemTray;
import java.awt.Toolkit;
import java.awt.TrayIcon;
import java.awt.event.ActionEvent;
import java.awt.event.ActionListener;
import java.awt.event.InputEvent;
import java.awt.event.KeyEvent;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import javax.imageio.ImageIO;

/**
 * The real {@code waddleperf agent} ({@link WaddlePerf#main}, exit code included) in a child JVM on an X display,
 * with a line protocol on standard input for {@link AgentTrayIT}: it clicks the tray icon's menu items by firing
 * their own action listeners on AWT's event thread (what AWT does for a click), reads the icon back and takes
 * screenshots. Answers are lines starting with {@code CHILD }.
 */
public final class TrayAgentChild {

    private TrayAgentChild() {
    }

    public static void main(String[] args) {
        Thread.ofPlatform().daemon().name("tray-test-commands").start(TrayAgentChild::commands);
        WaddlePerf.main(args);
    }

    private static void commands() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                String answer;
                try {
                    answer = answer(line.strip());
                } catch (Exception | Error e) {
                    answer = "ERROR " + e;
                }
                synchronized (System.out) {
                    System.out.println("CHILD " + answer);
                    System.out.flush();
                }
            }
        } catch (Exception e) {
            e.printStackTrace();
        }
    }

    private static String answer(String command) throws Exception {
        String[] w = command.split(" ", 2);
        AtomicReference<String> out = new AtomicReference<>();
        switch (w[0]) {
            // ICONS <n> <colour of the icon image's centre, rrggbb> <tooltip with \n as |>
            case "icons" -> EventQueue.invokeAndWait(() -> {
                TrayIcon[] icons = SystemTray.getSystemTray().getTrayIcons();
                if (icons.length == 0) {
                    out.set("ICONS 0");
                    return;
                }
                TrayIcon i = icons[0];
                BufferedImage img = (BufferedImage) i.getImage();
                int rgb = img.getRGB(img.getWidth() / 2, img.getHeight() / 2) & 0xffffff;
                out.set("ICONS " + icons.length + " " + String.format("%06x", rgb) + " "
                        + i.getToolTip().replace('\n', '|'));
            });
            // fires the menu item's listeners as a click does: an ACTION_PERFORMED event from the item
            case "click" -> EventQueue.invokeAndWait(() -> {
                TrayIcon[] icons = SystemTray.getSystemTray().getTrayIcons();
                if (icons.length == 0) {
                    out.set("NO ICON");
                    return;
                }
                PopupMenu menu = icons[0].getPopupMenu();
                for (int k = 0; k < menu.getItemCount(); k++) {
                    MenuItem item = menu.getItem(k);
                    if (item.getLabel().equals(w[1])) {
                        ActionEvent e = new ActionEvent(item, ActionEvent.ACTION_PERFORMED,
                                item.getActionCommand());
                        for (ActionListener l : item.getActionListeners()) {
                            l.actionPerformed(e);
                        }
                        out.set("CLICKED " + w[1]);
                        return;
                    }
                }
                StringBuilder labels = new StringBuilder();
                for (int k = 0; k < menu.getItemCount(); k++) {
                    labels.append('[').append(menu.getItem(k).getLabel()).append(']');
                }
                out.set("NO ITEM " + w[1] + " in " + labels);
            });
            // PIXEL <rrggbb> of the screen at x y
            case "pixel" -> {
                String[] xy = w[1].split(" ");
                Color c = new Robot().getPixelColor(Integer.parseInt(xy[0]), Integer.parseInt(xy[1]));
                out.set("PIXEL " + String.format("%06x", c.getRGB() & 0xffffff));
            }
            // a real right click (X events from the XTEST extension) at x y, as a user opens the menu
            case "rightclick" -> {
                String[] xy = w[1].split(" ");
                Robot r = new Robot();
                r.mouseMove(Integer.parseInt(xy[0]), Integer.parseInt(xy[1]));
                r.mousePress(InputEvent.BUTTON3_DOWN_MASK);
                r.mouseRelease(InputEvent.BUTTON3_DOWN_MASK);
                out.set("RIGHTCLICKED");
            }
            case "escape" -> {
                Robot r = new Robot();
                r.keyPress(KeyEvent.VK_ESCAPE);
                r.keyRelease(KeyEvent.VK_ESCAPE);
                r.mouseMove(10, 300);
                out.set("ESCAPED");
            }
            case "shot" -> {
                BufferedImage s = new Robot().createScreenCapture(new Rectangle(Toolkit.getDefaultToolkit().getScreenSize()));
                ImageIO.write(s, "png", new File(w[1]));
                out.set("SHOT " + w[1]);
            }
            default -> out.set("UNKNOWN " + command);
        }
        return out.get();
    }
}
