package io.waddleperf.notify;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One message to send, independent of the channel: a title, a text, a severity, labelled facts shown as a list, and
 * machine-readable data that only the generic JSON format carries. Any text may come from a remote peer (a target
 * name, a probe's error); each format makes it safe on the way out, never the caller.
 *
 * @param event    a short machine name of what happened ({@code alert.firing}, {@code agent.tier3})
 * @param title    one line
 * @param text     the body, may span lines
 * @param severity how bad it is
 * @param facts    label → value, in order
 * @param data     extra fields of the generic format's {@code data} object (text, numbers, booleans, lists, maps)
 * @param at       when it happened
 */
public record Notification(String event, String title, String text, Severity severity, Map<String, String> facts,
                           Map<String, Object> data, Instant at) {

    /** How bad it is; decides the colour in the chat formats. */
    public enum Severity {
        INFO("#439fe0", 0x439FE0), WARNING("#daa038", 0xDAA038), CRITICAL("#d00000", 0xD00000),
        RESOLVED("#2eb67d", 0x2EB67D);

        final String hex;
        final int rgb;

        Severity(String hex, int rgb) {
            this.hex = hex;
            this.rgb = rgb;
        }

        public String externalName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public Notification {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(title, "title");
        text = text == null ? "" : text;
        Objects.requireNonNull(severity, "severity");
        facts = Collections.unmodifiableMap(new LinkedHashMap<>(facts == null ? Map.of() : facts));
        data = Collections.unmodifiableMap(new LinkedHashMap<>(data == null ? Map.of() : data));
        Objects.requireNonNull(at, "at");
    }
}
