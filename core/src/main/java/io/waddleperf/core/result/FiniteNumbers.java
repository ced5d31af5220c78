package io.waddleperf.core.result;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * Finds a number in a JSON tree that a double cannot hold ({@code 1e400}, or an integer of more than 309 digits).
 * Jackson reads such a number as infinity; bound to a result field it is an infinite latency that no database column
 * stores and no statistic survives, and written out again it becomes the string {@code "Infinity"}, so what is read
 * back is not what was accepted. Whoever takes results from the network refuses them, naming the path this returns.
 */
public final class FiniteNumbers {

    private FiniteNumbers() {
    }

    /**
     * A number no double holds, and where it is.
     *
     * @param path   written {@code a.b[2].c}
     * @param number its node
     */
    public record Found(String path, JsonNode number) {

        /** The number as sent, cut short when long (a 400-digit integer is not worth echoing whole). */
        public String text() {
            String t = number.asText();
            return t.length() <= 40 ? t : t.substring(0, 20) + "... (" + t.length() + " characters)";
        }
    }

    /**
     * The first number in {@code node} (depth first, in field order) whose value as a double is not finite, with its
     * path below {@code prefix}; null when there is none.
     */
    public static Found firstNonFinite(JsonNode node, String prefix) {
        if (node == null) {
            return null;
        }
        if (node.isNumber()) {
            return Double.isFinite(node.doubleValue()) ? null : new Found(prefix, node);
        }
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                Found found = firstNonFinite(e.getValue(), prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey());
                if (found != null) {
                    return found;
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                Found found = firstNonFinite(node.get(i), prefix + "[" + i + "]");
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }
}
