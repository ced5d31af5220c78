package io.waddleperf.app;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * iperf3's line prefixes: {@code --timestamps[=format]} (strftime, default {@code "%c "}) and then {@code -T title}
 * as {@code "title:  "}, at the start of every output line.
 */
final class LinePrefix {

    private final String title;
    private final String timestamps;

    LinePrefix(String title, String timestamps) {
        this.title = title;
        this.timestamps = timestamps;
    }

    /** {@code target} itself when there is no prefix, else a writer that starts each line with it. */
    PrintWriter wrap(PrintWriter target) {
        if (title == null && timestamps == null) {
            return target;
        }
        return new PrintWriter(new Writer() {
            private boolean lineStart = true;

            @Override
            public void write(char[] buf, int off, int len) {
                for (int i = off; i < off + len; i++) {
                    if (lineStart) {
                        target.write(prefix());
                        lineStart = false;
                    }
                    target.write(buf[i]);
                    lineStart = buf[i] == '\n';
                }
            }

            @Override
            public void flush() {
                target.flush();
            }

            @Override
            public void close() throws IOException {
                target.flush();
            }
        });
    }

    String prefix() {
        return (timestamps == null ? "" : strftime(timestamps, ZonedDateTime.now()))
                + (title == null ? "" : title + ":  ");
    }

    /** The strftime(3) conversions iperf3 users write; others are kept as written. */
    static String strftime(String format, ZonedDateTime t) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c != '%' || i + 1 == format.length()) {
                sb.append(c);
                continue;
            }
            char k = format.charAt(++i);
            String pattern = switch (k) {
                case 'a' -> "EEE";
                case 'A' -> "EEEE";
                case 'b', 'h' -> "MMM";
                case 'B' -> "MMMM";
                case 'c' -> "EEE MMM ppd HH:mm:ss yyyy";
                case 'd' -> "dd";
                case 'e' -> "ppd";
                case 'H' -> "HH";
                case 'I' -> "hh";
                case 'j' -> "DDD";
                case 'm' -> "MM";
                case 'M' -> "mm";
                case 'p' -> "a";
                case 'S' -> "ss";
                case 'T' -> "HH:mm:ss";
                case 'F' -> "yyyy-MM-dd";
                case 'D' -> "MM/dd/yy";
                case 'y' -> "yy";
                case 'Y' -> "yyyy";
                case 'Z' -> "zzz";
                case 'z' -> "xx";
                default -> null;
            };
            if (k == '%') {
                sb.append('%');
            } else if (k == 's') {
                sb.append(t.toEpochSecond());
            } else if (pattern == null) {
                sb.append('%').append(k);
            } else {
                sb.append(DateTimeFormatter.ofPattern(pattern, Locale.ROOT).format(t));
            }
        }
        return sb.toString();
    }
}
