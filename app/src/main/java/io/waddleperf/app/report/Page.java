package io.waddleperf.app.report;

/**
 * Where a report is written: the text so far, the style, and whether the run's progress lines were already shown on
 * the terminal (then a report leaves out what they showed, e.g. iperf3's interval lines).
 */
final class Page {

    private final StringBuilder sb = new StringBuilder();
    private final Style style;
    private final boolean progressShown;

    Page(Style style, boolean progressShown) {
        this.style = style;
        this.progressShown = progressShown;
    }

    Style style() {
        return style;
    }

    boolean progressShown() {
        return progressShown;
    }

    Page line(String text) {
        sb.append(text).append('\n');
        return this;
    }

    Page blank() {
        if (!sb.isEmpty() && !sb.toString().endsWith("\n\n")) {
            sb.append('\n');
        }
        return this;
    }

    Page table(Table t) {
        t.appendTo(sb);
        return this;
    }

    @Override
    public String toString() {
        return sb.toString();
    }
}
