package io.waddleperf.core.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.waddleperf.core.result.Json;
import io.waddleperf.core.result.ProbeResult;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The one sanitiser for text that came from the network (SSH banners, HTTP headers and URLs, DNS names, certificate
 * fields, peers' error texts) before it reaches a terminal or a log line. A terminal obeys control characters: an
 * SSH server's banner {@code ESC]0;title BEL} retitles the window, {@code ESC[2J} clears the screen, a newline in a
 * log message forges a log line. So every character that is not text is written as a visible escape instead:
 * C0 controls, DEL and the C1 controls as {@code \x1b}, and the invisible Unicode format characters that reorder or
 * hide text (bidi overrides and isolates, zero-width characters, line and paragraph separators, the BOM) as
 * {@code \u202e}. Letters, digits, punctuation and symbols of every script stay as they are. JSON output needs none
 * of this: its encoder escapes control characters itself.
 */
public final class SafeText {

    private SafeText() {
    }

    /** {@code text} as one safe line: every control character escaped, line breaks and tabs too; null stays null. */
    public static String line(String text) {
        return escape(text, false);
    }

    /** {@code text} as safe lines: as {@link #line}, but line feeds and tabs are kept (multi-line output). */
    public static String block(String text) {
        return escape(text, true);
    }

    /** Whether {@link #line} would leave {@code text} as it is. */
    public static boolean isSafe(String text) {
        if (text == null) {
            return true;
        }
        for (int i = 0; i < text.length(); i++) {
            if (unsafe(text.charAt(i), false)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The result with every text in it (fields, hops, {@code raw_results} values and keys at any depth) made safe
     * by {@link #line}; the result itself when it holds nothing to change.
     */
    public static ProbeResult result(ProbeResult result) {
        if (knownSafe(result)) {
            return result;
        }
        JsonNode tree = Json.mapper().valueToTree(result);
        if (!clean(tree)) {
            return result;
        }
        try {
            return Json.mapper().treeToValue(tree, ProbeResult.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a result that was written could not be read back", e);
        }
    }

    /**
     * Whether {@code value} certainly holds no text {@link #line} would change, found by walking it directly: the
     * common case (nothing hostile) then needs no JSON tree. Building one makes Jackson introspect the result's
     * records, which was about a third of a cold {@code waddleperf test}'s CPU time (docs/BENCHMARKS.md, CLI cold
     * start). Records, lists and maps are walked; strings and map keys are checked; numbers, booleans, UUIDs,
     * instants and enums (whose JSON names are constants of ours) hold no foreign text. Any other type answers
     * false, and the caller takes the tree path, so this can only ever skip work the tree path would not do.
     */
    static boolean knownSafe(Object value) {
        // an instanceof chain, not a pattern switch: a pattern switch's dispatch class is generated at run time, on
        // the first call of every cold start, which is what this method is here to save
        if (value == null) {
            return true;
        }
        if (value instanceof String text) {
            return isSafe(text);
        }
        if (value instanceof Number || value instanceof Boolean || value instanceof Enum<?>
                || value instanceof java.util.UUID || value instanceof java.time.Instant) {
            return true;
        }
        if (value instanceof Record r) {
            return componentsKnownSafe(r);
        }
        if (value instanceof java.util.Collection<?> items) {
            return allKnownSafe(items);
        }
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String key && isSafe(key)) || !knownSafe(e.getValue())) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    private static boolean allKnownSafe(java.util.Collection<?> items) {
        for (Object item : items) {
            if (!knownSafe(item)) {
                return false;
            }
        }
        return true;
    }

    private static boolean componentsKnownSafe(Record record) {
        for (java.lang.reflect.RecordComponent c : record.getClass().getRecordComponents()) {
            Object component;
            try {
                component = c.getAccessor().invoke(record);
            } catch (ReflectiveOperationException | RuntimeException e) {
                return false; // unreadable here: the tree path decides
            }
            if (!knownSafe(component)) {
                return false;
            }
        }
        return true;
    }

    /** Makes every text and field name in {@code node} safe in place; true when anything changed. */
    private static boolean clean(JsonNode node) {
        boolean changed = false;
        if (node instanceof ObjectNode object) {
            List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
            object.fields().forEachRemaining(fields::add);
            for (Map.Entry<String, JsonNode> field : fields) {
                JsonNode value = field.getValue();
                if (value instanceof TextNode t && !isSafe(t.textValue())) {
                    value = TextNode.valueOf(line(t.textValue()));
                    changed = true;
                } else {
                    changed |= clean(value);
                }
                String name = line(field.getKey());
                if (!name.equals(field.getKey())) {
                    object.remove(field.getKey());
                    changed = true;
                }
                object.set(name, value);
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                JsonNode value = array.get(i);
                if (value instanceof TextNode t && !isSafe(t.textValue())) {
                    array.set(i, TextNode.valueOf(line(t.textValue())));
                    changed = true;
                } else {
                    changed |= clean(value);
                }
            }
        }
        return changed;
    }

    private static String escape(String text, boolean keepLines) {
        if (text == null) {
            return null;
        }
        int first = -1;
        for (int i = 0; i < text.length(); i++) {
            if (unsafe(text.charAt(i), keepLines)) {
                first = i;
                break;
            }
        }
        if (first < 0) {
            return text;
        }
        StringBuilder sb = new StringBuilder(text.length() + 16).append(text, 0, first);
        for (int i = first; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!unsafe(c, keepLines)) {
                sb.append(c);
            } else if (c < 0x100) {
                sb.append("\\x").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
            } else {
                sb.append(String.format("\\u%04x", (int) c));
            }
        }
        return sb.toString();
    }

    private static boolean unsafe(char c, boolean keepLines) {
        if (c < 0x20) {
            return !(keepLines && (c == '\n' || c == '\t'));
        }
        if (c < 0x7f) {
            return false;
        }
        if (c <= 0x9f) {
            return true; // DEL and the C1 controls (0x9b is CSI to a terminal that honours 8-bit controls)
        }
        return switch (c) {
            // zero-width space/joiners, LRM/RLM, line and paragraph separators, bidi embeddings and overrides,
            // bidi isolates, the byte order mark / zero-width no-break space
            case '\u200b', '\u200c', '\u200d', '\u200e', '\u200f', '\u2028', '\u2029', '\u202a', '\u202b', '\u202c',
                 '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\ufeff' -> true;
            default -> false;
        };
    }
}
