package io.waddleperf.agent.tray;

import io.waddleperf.agent.AgentView;
import io.waddleperf.agent.autoperf.ProbeOutcome;
import io.waddleperf.core.result.ProbeResult;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * What the tray icon shows for one {@link AgentView}: its colour, its tooltip and the label of the pause item. Pure,
 * without AWT.
 *
 * @param colour     the icon's colour
 * @param tooltip    the tooltip, one fact a line
 * @param pauseLabel {@link #PAUSE} or {@link #RESUME}
 */
public record TrayLook(Colour colour, String tooltip, String pauseLabel) {

    public static final String RUN_NOW = "Run now";
    public static final String PAUSE = "Pause";
    public static final String RESUME = "Resume";
    public static final String OPEN_STATUS_PAGE = "Open status page";
    public static final String QUIT = "Quit";

    /** The icon's colours, by what they mean. */
    public enum Colour {
        /** Tier 1: healthy. */
        GREEN(0x2e, 0xa0, 0x43),
        /** Tier 2: a tier-1 threshold crossed. */
        AMBER(0xf0, 0xa0, 0x20),
        /** Tier 3: a tier-2 threshold crossed too. */
        RED(0xd0, 0x30, 0x30),
        /** Paused, AutoPerf off, nothing measured yet, or every probe of the last run failed. */
        GREY(0x90, 0x90, 0x90);

        private final int r;
        private final int g;
        private final int b;

        Colour(int r, int g, int b) {
            this.r = r;
            this.g = g;
            this.b = b;
        }

        /** 0xRRGGBB. */
        public int rgb() {
            return r << 16 | g << 8 | b;
        }
    }

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT);
    /** Windows cuts a tray tooltip at 127 characters; an error message is cut well before that. */
    private static final int MAX_ERROR = 60;

    /** The look of {@code v}, times in {@code zone}. */
    public static TrayLook of(AgentView v, ZoneId zone) {
        AgentView.LastRun run = v.lastRun();
        Colour colour;
        String state;
        if (!v.autoperfEnabled()) {
            colour = Colour.GREY;
            state = "AutoPerf off";
        } else if (v.paused()) {
            colour = Colour.GREY;
            state = "paused";
        } else if (run == null) {
            colour = Colour.GREY;
            state = "first run in progress";
        } else if (run.allFailed()) {
            colour = Colour.GREY;
            state = "failing: every probe of the last run failed";
        } else {
            colour = switch (v.currentTier()) {
                case 1 -> Colour.GREEN;
                case 2 -> Colour.AMBER;
                default -> Colour.RED;
            };
            state = switch (v.currentTier()) {
                case 1 -> "tier 1, healthy";
                default -> "tier " + v.currentTier() + ", escalated";
            };
        }
        StringBuilder tip = new StringBuilder("WaddlePerf agent: ").append(state);
        if (run != null) {
            tip.append("\nLast run: tier ").append(run.tier()).append(" at ").append(time(run.endedAt(), zone))
                    .append(", ").append(run.probes()).append(run.probes() == 1 ? " probe" : " probes")
                    .append(", ").append(run.failed()).append(" failed");
        }
        if (v.lastResult() != null) {
            tip.append("\nLast result: ").append(summary(v.lastResult()));
        }
        if (v.nextRun() != null) {
            tip.append("\nNext run: ").append(time(v.nextRun(), zone));
        }
        return new TrayLook(colour, tip.toString(), v.paused() ? RESUME : PAUSE);
    }

    /** One result in a few words: the probe, and its main figure or its error. */
    static String summary(ProbeOutcome o) {
        ProbeResult r = o.result();
        String head = o.definition().name() + " (tier " + o.definition().tier() + ") ";
        if (!r.success()) {
            String e = r.error() == null ? "no reason given" : r.error();
            return head + "failed: " + (e.length() > MAX_ERROR ? e.substring(0, MAX_ERROR - 1) + "…" : e);
        }
        if (r.downloadMbps() != null || r.uploadMbps() != null) {
            return head + "ok, " + mbps(r.downloadMbps()) + " down / " + mbps(r.uploadMbps()) + " up";
        }
        if (r.throughputMbps() != null) {
            return head + "ok, " + mbps(r.throughputMbps());
        }
        if (r.latencyMs() != null) {
            return head + "ok, " + ms(r.latencyMs());
        }
        if (r.totalTimeMs() != null) {
            return head + "ok, " + ms(r.totalTimeMs());
        }
        return head + "ok";
    }

    private static String ms(double v) {
        return String.format(Locale.ROOT, "%.1f ms", v);
    }

    private static String mbps(Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, "%.1f Mbit/s", v);
    }

    private static String time(Instant t, ZoneId zone) {
        return TIME.format(t.atZone(zone));
    }
}
