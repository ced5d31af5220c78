package io.waddleperf.app.report;

import io.waddleperf.core.text.SafeText;
import io.waddleperf.probes.Progress;
import io.waddleperf.probes.ProgressListener;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Shows a long probe's progress as it runs, one line per step in iperf3's interval layout
 * ({@code download  0.00-1.00  sec   112 MiB   941 Mbit/s}). Only for a person at a terminal: the CLI attaches it
 * when standard output is one and {@code --json} was not asked for, so nothing extra reaches a pipe or a JSON reader.
 */
public final class ProgressPrinter implements ProgressListener {

    private final PrintWriter out;
    private final Style style;
    private boolean printed;

    public ProgressPrinter(PrintWriter out, Style style) {
        this.out = out;
        this.style = style;
    }

    @Override
    public synchronized void progress(Progress p) {
        out.println(line(p, style));
        out.flush();
        printed = true;
    }

    /** Whether any line was shown (then the report need not repeat the intervals). */
    public synchronized boolean printedAny() {
        return printed;
    }

    /** One step as a line; fixed widths, since later lines cannot widen earlier ones. */
    static String line(Progress p, Style style) {
        String text = String.format(Locale.ROOT, "%-8s %6.2f-%-6.2f sec  %9s  %12s", p.phase(), p.startSeconds(),
                p.endSeconds(), Units.bytes(p.bytes()), Units.rate(p.mbps()));
        return style.dim(text.substring(0, 8)) + text.substring(8) + (p.note() == null ? "" : "  " + style.dim(SafeText.line(p.note())));
    }
}
