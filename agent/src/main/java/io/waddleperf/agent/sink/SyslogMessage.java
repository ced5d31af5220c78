package io.waddleperf.agent.sink;

import io.waddleperf.core.result.ProbeResult;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * One result as an RFC 5424 syslog message:
 * {@code <PRI>1 TIMESTAMP HOSTNAME APP-NAME - MSGID [waddleperf@32473 id=".." …] {result JSON}}.
 * <p>
 * Everything in it that came from outside the agent (a target, an error text, a peer's version) is made safe here:
 * in the header fields only printable US-ASCII without spaces is allowed (anything else becomes {@code _}, and the
 * field is cut to its RFC length); structured-data values escape {@code "}, {@code \} and {@code ]} with a backslash
 * as RFC 5424 §6.3.3 requires, and control characters become spaces, so no text can end the element early, forge
 * another element or start a new line in a receiver's file. The MSG part is the result's JSON, which has no raw
 * control characters (JSON escapes them).
 */
public final class SyslogMessage {

    /** SD-ID of the element: RFC 5612 reserves enterprise number 32473 for examples and documentation. */
    public static final String SD_ID = "waddleperf@32473";

    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX")
            .withZone(ZoneOffset.UTC);

    /** Severity of a successful result: informational. */
    public static final int INFO = 6;
    /** Severity of a failed result: warning (the measurement failed; the agent itself is fine). */
    public static final int WARNING = 4;

    private SyslogMessage() {
    }

    /**
     * The message for {@code result} (its JSON text {@code json}), at most {@code maxBytes} octets: a longer one is cut at a
     * character boundary, as receivers with a message size limit would cut it anyway.
     */
    public static byte[] format(int facility, String hostname, String appName, ProbeResult result, String json,
                                int maxBytes) {
        int severity = result.success() ? INFO : WARNING;
        Instant at = result.startedAt() != null ? result.startedAt() : Instant.now();
        String msgId = result.testType() == null ? "result" : result.testType().wireName();
        StringBuilder sb = new StringBuilder(json.length() + 256);
        sb.append('<').append(facility * 8 + severity).append(">1 ")
                .append(TIMESTAMP.format(at)).append(' ')
                .append(headerField(hostname, 255)).append(' ')
                .append(headerField(appName, 48)).append(" - ")
                .append(headerField(msgId, 32)).append(" [").append(SD_ID);
        param(sb, "id", result.id() == null ? null : result.id().toString());
        param(sb, "test_type", result.testType() == null ? null : result.testType().wireName());
        param(sb, "target", result.target());
        param(sb, "success", Boolean.toString(result.success()));
        param(sb, "tier", result.tier() == null ? null : result.tier().toString());
        param(sb, "error", result.error());
        sb.append("] ").append(json);
        byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
        return bytes.length <= maxBytes ? bytes : cut(bytes, maxBytes);
    }

    private static void param(StringBuilder sb, String name, String value) {
        if (value != null) {
            sb.append(' ').append(name).append("=\"").append(escape(value)).append('"');
        }
    }

    /** An SD-PARAM value made safe (RFC 5424 §6.3.3 escapes, control characters replaced). */
    public static String escape(String value) {
        StringBuilder sb = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\' || c == ']') {
                sb.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\u2028' || c == '\u2029') {
                sb.append(' ');
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** A header field: PRINTUSASCII without spaces, at most {@code max} characters, {@code -} when empty. */
    public static String headerField(String value, int max) {
        if (value == null || value.isEmpty()) {
            return "-";
        }
        StringBuilder sb = new StringBuilder(Math.min(value.length(), max));
        for (int i = 0; i < value.length() && sb.length() < max; i++) {
            char c = value.charAt(i);
            sb.append(c > 32 && c < 127 ? c : '_');
        }
        return sb.toString();
    }

    private static byte[] cut(byte[] bytes, int max) {
        int end = max;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
            end--; // do not split a UTF-8 sequence
        }
        byte[] out = new byte[end];
        System.arraycopy(bytes, 0, out, 0, end);
        return out;
    }
}
