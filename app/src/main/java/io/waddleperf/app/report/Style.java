package io.waddleperf.app.report;

import java.util.Map;

/**
 * Colour for a report, or none. Colour is only for a person at a terminal: never when the output goes to a file or
 * a pipe, never when {@code NO_COLOR} is set to anything (no-color.org), never on a {@code TERM=dumb} terminal.
 * Colour marks a verdict only; the text reads the same without it.
 */
public final class Style {

    public static final Style PLAIN = new Style(false);
    public static final Style COLOUR = new Style(true);

    private static final String RESET = "\u001b[0m";

    private final boolean colour;

    private Style(boolean colour) {
        this.colour = colour;
    }

    /** The style for output that goes to a terminal ({@code terminal}) under this environment. */
    public static Style decide(boolean terminal, Map<String, String> env) {
        String noColor = env.get("NO_COLOR");
        boolean off = (noColor != null && !noColor.isEmpty()) || "dumb".equals(env.get("TERM"));
        return terminal && !off ? COLOUR : PLAIN;
    }

    /** Whether standard output is a terminal (and standard input: what the JDK's console can tell). */
    public static boolean stdoutIsTerminal() {
        java.io.Console console = System.console();
        return console != null && console.isTerminal();
    }

    public boolean colour() {
        return colour;
    }

    /** Headings. */
    public String bold(String s) {
        return wrap("1", s);
    }

    /** A good verdict. */
    public String good(String s) {
        return wrap("32", s);
    }

    /** Something to look at: loss, a certificate close to expiry, an unverified peer. */
    public String warn(String s) {
        return wrap("33", s);
    }

    /** A failure. */
    public String bad(String s) {
        return wrap("1;31", s);
    }

    /** Secondary detail. */
    public String dim(String s) {
        return wrap("2", s);
    }

    private String wrap(String code, String s) {
        return colour && !s.isEmpty() ? "\u001b[" + code + "m" + s + RESET : s;
    }
}
