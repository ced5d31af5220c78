package io.waddleperf.core.config;

import io.waddleperf.core.config.Node.Mapping;
import io.waddleperf.core.config.Node.Origin;
import io.waddleperf.core.config.Node.Scalar;
import io.waddleperf.core.config.Node.Seq;
import io.waddleperf.core.config.Schema.Component;
import io.waddleperf.core.config.Schema.Unit;
import io.waddleperf.core.units.Units;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Type;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The binder of a merged {@link Node} tree onto a record type, over the record's defaults. It never stops at the
 * first problem: every unknown key, wrong type, missing key and failed check is collected, and a record is only
 * built when all its components were.
 */
final class Binder {

    /** "No default known here": distinct from a default that is null. */
    static final Object ABSENT = new Object();
    private static final Object FAILED = new Object();
    private static final Pattern DECIMAL = Pattern.compile("[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?");

    private final List<String> problems;
    private final Map<String, Origin> origins = new HashMap<>();

    Binder(List<String> problems) {
        this.problems = problems;
    }

    /** The bound root record, or null when there were problems. */
    Object bindRoot(Class<?> type, Mapping overlay) {
        Object result = bindRecord(type, ABSENT, overlay, "");
        return result == FAILED ? null : result;
    }

    private Object bind(Type type, Unit unit, Object dflt, Node node, String path) {
        Class<?> raw = Schema.raw(type);
        if (node == null) {
            return absent(type, raw, dflt, path);
        }
        origins.put(path, node.origin());
        if (node instanceof Scalar s && s.text() == null) {
            if (raw.isPrimitive()) {
                return problem(path, node.origin(), "expected " + Schema.expected(type, unit) + ", got null");
            }
            return null;
        }
        if (raw.isRecord()) {
            return node instanceof Mapping m ? bindRecord(raw, dflt, m, path) : mismatch(type, unit, node, path);
        } else if (raw == List.class) {
            return bindList(type, unit, node, path);
        } else if (raw == Map.class) {
            return node instanceof Mapping m ? bindMap(type, unit, dflt, m, path) : mismatch(type, unit, node, path);
        }
        return node instanceof Scalar s ? scalar(type, raw, unit, s, path) : mismatch(type, unit, node, path);
    }

    private Object absent(Type type, Class<?> raw, Object dflt, String path) {
        if (dflt != ABSENT) {
            validateTree(dflt, type, path);
            return dflt;
        }
        if (raw.isRecord()) {
            return bindRecord(raw, ABSENT, null, path);
        }
        problems.add("missing key '" + path + "' (" + Schema.expected(type, Unit.NONE) + ")");
        return FAILED;
    }

    private Object bindRecord(Class<?> type, Object dflt, Mapping node, String path) {
        Object base = dflt != ABSENT && dflt != null ? dflt : Schema.classDefaults(type);
        List<Component> components = Schema.components(type);
        if (node != null) {
            List<String> keys = Schema.keys(type);
            node.entries().forEach((key, child) -> {
                if (!keys.contains(key)) {
                    problems.add("unknown key '" + Names.join(path, key) + "' " + child.origin().phrase()
                            + Names.suggestion(key, keys));
                }
            });
        }
        Object[] args = new Object[components.size()];
        boolean complete = true;
        List<Component> emptied = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            Component c = components.get(i);
            Node child = node == null ? null : node.entries().get(c.key());
            if (child instanceof Scalar s && s.text() == null) {
                emptied.add(c);
            }
            if (node != null && Schema.isSecret(c.type())) {
                child = secretSource(c.type(), child, node.entries().get(Schema.fileKey(c.key())),
                        Names.join(path, c.key()));
            }
            Object componentDefault = base == null ? ABSENT : c.get(base);
            args[i] = bind(c.type(), c.unit(), componentDefault, child, Names.join(path, c.key()));
            complete &= args[i] != FAILED;
        }
        if (!complete) {
            return FAILED;
        }
        Object record;
        try {
            record = Schema.construct(type, args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof NullPointerException && !emptied.isEmpty()) {
                return emptiedButNeeded(type, path, emptied);
            }
            return problem(path, null, String.valueOf(e.getCause().getMessage()));
        }
        if (record instanceof Validated v) {
            try {
                v.validate(new Problems(path, (at, message) -> problem(at, origins.get(at), message)));
            } catch (NullPointerException e) {
                // A key left empty in YAML clears it (null), which some keys allow; a record whose checks need the
                // value fails on it. That is the user's empty key, named as such, not a crash of the loader.
                if (emptied.isEmpty()) {
                    throw e;
                }
                return emptiedButNeeded(type, path, emptied);
            }
        }
        return record;
    }

    /** One problem per key of this record that was left empty, saying it needs a value (what its check tripped on). */
    private Object emptiedButNeeded(Class<?> type, String path, List<Component> emptied) {
        for (Component c : emptied) {
            String at = Names.join(path, c.key());
            problem(at, origins.get(at), "is empty but needs " + Schema.expected(c.type(), c.unit())
                    + "; leave the key out to use its default");
        }
        return FAILED;
    }

    private Object bindList(Type type, Unit unit, Node node, String path) {
        Type element = Schema.inner(type);
        List<Node> items;
        if (node instanceof Seq seq) {
            items = seq.items();
        } else if (node instanceof Scalar s && s.origin().kind() != Origin.Kind.FILE) {
            if (Schema.isSection(element) || Schema.raw(element) == List.class) {
                return problem(path, s.origin(), "a list of mappings can only be written in the YAML file");
            }
            items = split(s);
        } else {
            return mismatch(type, unit, node, path);
        }
        List<Object> out = new ArrayList<>(items.size());
        boolean complete = true;
        for (int i = 0; i < items.size(); i++) {
            String itemPath = path + "[" + i + "]";
            Object value = bind(element, unit, ABSENT, items.get(i), itemPath);
            if (value == null) {
                value = problem(itemPath, items.get(i).origin(), "null is not allowed in a list");
            }
            out.add(value);
            complete &= value != FAILED;
        }
        return complete ? List.copyOf(out) : FAILED;
    }

    private Object bindMap(Type type, Unit unit, Object dflt, Mapping node, String path) {
        Type valueType = Schema.inner(type);
        Map<?, ?> defaults = dflt instanceof Map<?, ?> m ? m : Map.of();
        Map<String, Object> out = new LinkedHashMap<>();
        defaults.forEach((key, value) -> {
            if (!node.entries().containsKey((String) key)) {
                validateTree(value, valueType, Names.join(path, (String) key));
                out.put((String) key, value);
            }
        });
        boolean complete = true;
        for (Map.Entry<String, Node> e : node.entries().entrySet()) {
            String entryPath = Names.join(path, e.getKey());
            Object entryDefault = defaults.containsKey(e.getKey()) ? defaults.get(e.getKey()) : ABSENT;
            Object value = bind(valueType, unit, entryDefault, e.getValue(), entryPath);
            if (value == null) {
                value = problem(entryPath, e.getValue().origin(), "null is not allowed as a map value");
            }
            out.put(e.getKey(), value);
            complete &= value != FAILED;
        }
        return complete ? Map.copyOf(out) : FAILED;
    }

    private Object scalar(Type type, Class<?> raw, Unit unit, Scalar s, String path) {
        String text = s.text();
        String t = text.strip();
        try {
            if (raw == String.class) {
                return text;
            } else if (raw == Secret.class) {
                if (s.origin().kind() == Origin.Kind.FLAG) {
                    return problem(path, s.origin(), "a secret cannot be given as a flag (command lines are "
                            + "visible to every local user); name a file holding it with the key's _file form, "
                            + "or use an environment variable");
                }
                return new Secret(text);
            } else if (raw == int.class || raw == Integer.class) {
                return Integer.valueOf(t);
            } else if (raw == long.class || raw == Long.class) {
                return switch (unit) {
                    case BYTES -> Units.parseBytes(t);
                    case BIT_RATE -> Units.parseBitRate(t);
                    case NONE -> Long.valueOf(t);
                };
            } else if (raw == boolean.class || raw == Boolean.class) {
                if (t.equalsIgnoreCase("true") || t.equalsIgnoreCase("false")) {
                    return Boolean.valueOf(t);
                }
            } else if (raw == double.class || raw == Double.class) {
                if (DECIMAL.matcher(t).matches() && Double.isFinite(Double.parseDouble(t))) {
                    return Double.valueOf(t);
                }
            } else if (raw == Duration.class) {
                return Units.parseDuration(t);
            } else if (raw == Path.class) {
                if (!t.isEmpty()) {
                    return Path.of(t);
                }
            } else if (raw == URI.class) {
                if (!t.isEmpty()) {
                    return new URI(t);
                }
            } else if (raw.isEnum()) {
                for (Object constant : raw.getEnumConstants()) {
                    if (((Enum<?>) constant).name().equalsIgnoreCase(t)) {
                        return constant;
                    }
                }
            }
        } catch (NumberFormatException | URISyntaxException e) {
            return mismatch(type, unit, s, path);
        } catch (IllegalArgumentException e) {
            return problem(path, s.origin(), e.getMessage());
        }
        return mismatch(type, unit, s, path);
    }

    /**
     * The node a secret is bound from when its key {@code x} and/or {@code x_file} are set: of the two, the one from
     * the later source wins (both from the same source is a problem); {@code x_file} is read here, a
     * {@code List<Secret>} one key per line ({@code #} comments and blank lines skipped), a {@code Secret} as the
     * whole file without surrounding white space. Values read get the file and line as origin.
     */
    private Node secretSource(Type type, Node value, Node file, String path) {
        String filePath = Schema.fileKey(path);
        if (file == null) {
            return value;
        }
        origins.put(filePath, file.origin());
        if (value != null && value.origin().kind().compareTo(file.origin().kind()) >= 0) {
            if (value.origin().kind() == file.origin().kind()) {
                problem(filePath, file.origin(), "'" + path + "' is also set " + value.origin().phrase()
                        + "; set one of them");
            }
            return value;
        }
        if (!(file instanceof Scalar s) || s.text() == null || s.text().isBlank()) {
            mismatch(Path.class, Unit.NONE, file, filePath);
            return value;
        }
        Path secretFile = Path.of(s.text().strip());
        String text;
        try {
            text = Files.readString(secretFile);
        } catch (IOException | UncheckedIOException e) {
            problem(filePath, s.origin(), "cannot read " + secretFile + " (" + e.getClass().getSimpleName() + ")");
            return value;
        }
        if (type == Secret.class) {
            return new Scalar(text.strip(), new Origin(Origin.Kind.FILE, secretFile + ":1"));
        }
        List<Node> items = new ArrayList<>();
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (!line.isEmpty() && !line.startsWith("#")) {
                items.add(new Scalar(line, new Origin(Origin.Kind.FILE, secretFile + ":" + (i + 1))));
            }
        }
        return new Seq(items, new Origin(Origin.Kind.FILE, secretFile.toString()));
    }

    /** Runs {@link Validated#validate} on every record in a value built in code rather than bound from sources. */
    void validate(Object value, Type type) {
        validateTree(value, type, "");
    }

    /** Runs {@link Validated#validate} on every record in a value that came from defaults, not from a source. */
    private void validateTree(Object value, Type type, String path) {
        Class<?> raw = Schema.raw(type);
        if (value == null) {
            return;
        }
        if (raw.isRecord()) {
            for (Component c : Schema.components(raw)) {
                validateTree(c.get(value), c.type(), Names.join(path, c.key()));
            }
            if (value instanceof Validated v) {
                v.validate(new Problems(path, (at, message) -> problem(at, origins.get(at), message)));
            }
        } else if (raw == List.class) {
            List<?> list = (List<?>) value;
            for (int i = 0; i < list.size(); i++) {
                validateTree(list.get(i), Schema.inner(type), path + "[" + i + "]");
            }
        } else if (raw == Map.class) {
            ((Map<?, ?>) value).forEach((k, v) -> validateTree(v, Schema.inner(type), Names.join(path, (String) k)));
        }
    }

    private static List<Node> split(Scalar s) {
        if (s.text().isBlank()) {
            return List.of();
        }
        List<Node> items = new ArrayList<>();
        for (String part : s.text().split(",", -1)) {
            items.add(new Scalar(part.strip(), s.origin()));
        }
        return items;
    }

    private Object mismatch(Type type, Unit unit, Node node, String path) {
        return problem(path, node.origin(), "expected " + Schema.expected(type, unit) + ", got " + Node.shape(node));
    }

    /** Adds a problem about {@code path}; {@code origin} null means the value is a default. */
    private Object problem(String path, Origin origin, String message) {
        String where = origin == null ? "" : " " + origin.phrase();
        problems.add((path.isEmpty() ? "configuration" : "'" + path + "'") + where + ": " + message);
        return FAILED;
    }
}
