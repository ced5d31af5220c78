package io.waddleperf.notify;

import java.util.regex.Pattern;

/**
 * Text from remote peers (target names, probe errors, device host names) made safe for a channel: no control
 * characters (so it cannot add a header line to a mail or break a chat layout), bounded length, and the channel's
 * markup characters escaped so a peer cannot ping a whole channel ({@code <!channel>}, {@code @everyone}) or dress up
 * a link.
 */
public final class SafeText {

    private static final Pattern CONTROL_EXCEPT_NEWLINE = Pattern.compile("[\\p{Cntrl}\u2028\u2029&&[^\n]]");
    private static final Pattern CONTROL = Pattern.compile("[\\p{Cntrl}\u2028\u2029]");
    /** Characters with a meaning in Markdown dialects (Discord, Teams): escaped with a backslash. */
    private static final Pattern MARKDOWN = Pattern.compile("([\\\\`*_~|>\\[\\]()#<@!:])");

    private SafeText() {
    }

    /** One line: every control character (newlines too) becomes a space; cut to {@code max} characters. */
    public static String line(String s, int max) {
        return cut(CONTROL.matcher(s == null ? "" : s).replaceAll(" "), max);
    }

    /** Several lines: control characters other than a newline become spaces; cut to {@code max} characters. */
    public static String lines(String s, int max) {
        String t = (s == null ? "" : s).replace("\r\n", "\n").replace('\r', '\n');
        return cut(CONTROL_EXCEPT_NEWLINE.matcher(t).replaceAll(" "), max);
    }

    /** Slack's mrkdwn: only {@code &}, {@code <} and {@code >} are control characters (Slack's formatting guide). */
    public static String slack(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** Markdown (Discord, Teams' Adaptive Cards): every markup character escaped with a backslash. */
    public static String markdown(String s) {
        return MARKDOWN.matcher(s).replaceAll("\\\\$1");
    }

    static String cut(String s, int max) {
        if (s.length() <= max) {
            return s;
        }
        int end = max - 1;
        if (end > 0 && Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end) + "…";
    }
}
