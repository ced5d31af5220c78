package io.waddleperf.core.config;

import io.waddleperf.core.units.Units;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The writer of configs as flat {@code key.path = value} lines, in the syntax environment variables and flags accept
 * (durations as {@code 1.5s}, enums in lower case, lists comma-separated), with every {@link Secret} masked: for
 * {@code waddleperf config} and logs.
 */
final class Printer {

    /** What an unset (null) value prints as. */
    static final String NONE = "(none)";

    private Printer() {
    }

    /** Every leaf of {@code value} at and below {@code path}; lists and maps of sections are expanded by index/key. */
    static void flatten(String path, Object value, Map<String, String> out) {
        if (value instanceof Record r) {
            Schema.components(r.getClass()).forEach(c -> flatten(Names.join(path, c.key()), c.get(r), out));
        } else if (value instanceof Map<?, ?> map && !map.isEmpty()) {
            new TreeMap<>(map).forEach((k, v) -> flatten(Names.join(path, (String) k), v, out));
        } else if (value instanceof List<?> list && list.stream().anyMatch(Printer::isSection)) {
            for (int i = 0; i < list.size(); i++) {
                flatten(path + "[" + i + "]", list.get(i), out);
            }
        } else {
            out.put(path, text(value));
        }
    }

    /** One {@link ConfigLoader.Key} per settable key below {@code type}, with the default from {@code base}. */
    static void keys(Type type, Object base, String path, String envPrefix, Consumer<ConfigLoader.Key> out) {
        Class<?> raw = Schema.raw(type);
        Object defaults = base != Binder.ABSENT && base != null ? base : Schema.classDefaults(raw);
        for (Schema.Component c : Schema.components(raw)) {
            String key = Names.join(path, c.key());
            Object dflt = defaults == null ? Binder.ABSENT : c.get(defaults);
            if (Schema.raw(c.type()).isRecord()) {
                keys(c.type(), dflt, key, envPrefix, out);
                continue;
            }
            String text = dflt == Binder.ABSENT ? "(required)" : text(dflt);
            out.accept(new ConfigLoader.Key(key, text.isEmpty() ? "(empty)" : text,
                    EnvMapper.name(envPrefix, key), Schema.isSecret(c.type())));
            if (Schema.isSecret(c.type())) {
                String fileKey = Schema.fileKey(key);
                out.accept(new ConfigLoader.Key(fileKey, NONE, EnvMapper.name(envPrefix, fileKey), false));
            }
        }
    }

    private static boolean isSection(Object value) {
        return value instanceof Record || value instanceof Map<?, ?> || value instanceof List<?>;
    }

    static String text(Object value) {
        return switch (value) {
            case null -> NONE;
            case Secret s -> Secret.MASK;
            case Duration d -> Units.formatDuration(d);
            case Enum<?> e -> e.name().toLowerCase();
            case List<?> list when list.stream().anyMatch(Printer::isSection) -> list.size() + " entries (YAML only)";
            case List<?> list -> String.join(", ", list.stream().map(Printer::text).toList());
            case Map<?, ?> map -> map.isEmpty() ? "{}" : map.size() + " entries";
            default -> String.valueOf(value);
        };
    }
}
