package io.waddleperf.core.config;

import io.waddleperf.core.units.Units;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The writer of a config record as YAML-like text for logs and {@code --print-config}: external key names, durations
 * in the unit syntax, enums in lower case, map keys sorted, and every {@link Secret} masked.
 */
final class Describer {

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./@+-][A-Za-z0-9_./@+:-]*");

    private Describer() {
    }

    static String describe(Record config) {
        StringBuilder out = new StringBuilder();
        record(out, config, 0);
        return out.toString();
    }

    private static void record(StringBuilder out, Object record, int indent) {
        for (Schema.Component c : Schema.components(record.getClass())) {
            entry(out, indent, c.key(), c.get(record));
        }
    }

    private static void entry(StringBuilder out, int indent, String key, Object value) {
        String pad = " ".repeat(indent);
        if (isSection(value)) {
            out.append(pad).append(key).append(":\n");
            section(out, value, indent + 2);
        } else if (value instanceof List<?> list && list.stream().anyMatch(Describer::isSection)) {
            out.append(pad).append(key).append(":\n");
            for (Object item : list) {
                // Render the item as a block indented past "- ", then put the dash in front of its first line.
                StringBuilder block = new StringBuilder();
                if (isSection(item)) {
                    section(block, item, indent + 4);
                } else {
                    block.append(" ".repeat(indent + 4)).append(scalar(item)).append('\n');
                }
                out.append(pad).append("  - ").append(block, indent + 4, block.length());
            }
        } else {
            out.append(pad).append(key).append(": ").append(scalar(value)).append('\n');
        }
    }

    private static void section(StringBuilder out, Object value, int indent) {
        if (value instanceof Record r) {
            record(out, r, indent);
        } else {
            new TreeMap<>((Map<?, ?>) value).forEach((k, v) -> entry(out, indent, String.valueOf(k), v));
        }
    }

    /** A record with components or a non-empty map: written as an indented block. */
    private static boolean isSection(Object value) {
        return value instanceof Record r && !Schema.components(r.getClass()).isEmpty()
                || value instanceof Map<?, ?> map && !map.isEmpty();
    }

    private static String scalar(Object value) {
        return switch (value) {
            case null -> "null";
            case Secret s -> Secret.MASK;
            case Duration d -> Units.formatDuration(d);
            case Enum<?> e -> e.name().toLowerCase();
            case String s -> PLAIN.matcher(s).matches() ? s : "'" + s.replace("'", "''") + "'";
            case List<?> list -> "[" + String.join(", ", list.stream().map(Describer::scalar).toList()) + "]";
            case Map<?, ?> map -> "{}";
            case Record r -> "{}";
            default -> String.valueOf(value);
        };
    }
}
