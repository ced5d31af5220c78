package io.waddleperf.notify;

import java.util.regex.Pattern;

/**
 * Text from remote peers (target names, probe errors, device host names) made safe for a channel: control and
 * invisible format characters made visible escapes by core's {@link io.waddleperf.core.text.SafeText} (so text cannot
 * add a header line to a mail, break a chat layout or hide part of itself), bounded length, and the channel's markup
 * characters escaped so a peer cannot ping a whole channel ({@code <!channel>}, {@code @everyone}) or dress up a link.
 */
public final class SafeText {

    /** Characters with a meaning in Markdown dialects (Discord, Teams): escaped with a backslash. */
    private static final Pattern MARKDOWN = Pattern.compile("([\\\\`*_~|>\\[\\]()#<@!:])");

    private SafeText() {
    }

    /** One line: line breaks become spaces, every other control character a visible escape; cut to {@code max}. */
    public static String line(String s, int max) {
        String t = (s == null ? "" : s).replace("\r\n", " ").replace('\r', ' ').replace('\n', ' ');
        return cut(io.waddleperf.core.text.SafeText.line(t), max);
    }

    /** Several lines: line breaks kept (as {@code \n}), every other control character a visible escape; cut to {@code max}. */
    public static String lines(String s, int max) {
        String t = (s == null ? "" : s).replace("\r\n", "\n").replace('\r', '\n');
        return cut(io.waddleperf.core.text.SafeText.block(t), max);
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
