package io.waddleperf.core.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The raw configuration tree read from one source (YAML, environment, flags) before it is bound to records; every
 * node remembers where it came from so that problems can say so.
 */
sealed interface Node {

    Origin origin();

    /** A leaf; {@code text} is null for an explicit YAML null. */
    record Scalar(String text, Origin origin) implements Node {
    }

    record Seq(List<Node> items, Origin origin) implements Node {
    }

    /** Keys in source order; mutable only while a source is being read. */
    record Mapping(Map<String, Node> entries, Origin origin) implements Node {

        static Mapping empty(Origin origin) {
            return new Mapping(new LinkedHashMap<>(), origin);
        }
    }

    /** Where a value was written. */
    record Origin(Kind kind, String where) {

        /** The sources in increasing precedence; {@code CODE} (settings given by a program) never mixes with them. */
        enum Kind { FILE, ENV, FLAG, CODE }

        /** The phrase that follows a key path in a problem: {@code in /etc/x.yml:3}. */
        String phrase() {
            return switch (kind) {
                case FILE -> "in " + where;
                case ENV -> "from environment variable " + where;
                case FLAG -> "from flag '" + where + "'";
                case CODE -> "from setting '" + where + "'";
            };
        }
    }

    /** A short name of what a node is, for "expected X, got Y" messages. */
    static String shape(Node node) {
        return switch (node) {
            case Mapping m -> "a mapping";
            case Seq s -> "a list";
            case Scalar s -> s.text() == null ? "null" : "'" + s.text() + "'";
        };
    }

    /** Sets {@code value} at {@code path} inside {@code root}, creating sections; conflicts become problems. */
    static void insert(Mapping root, List<String> path, Scalar value, List<String> problems) {
        Mapping at = root;
        for (int i = 0; i < path.size() - 1; i++) {
            Node next = at.entries().get(path.get(i));
            if (next == null) {
                next = Mapping.empty(value.origin());
                at.entries().put(path.get(i), next);
            }
            if (!(next instanceof Mapping m)) {
                problems.add("'" + String.join(".", path.subList(0, i + 1)) + "' is set as a value "
                        + next.origin().phrase() + " and has keys below it " + value.origin().phrase());
                return;
            }
            at = m;
        }
        Node previous = at.entries().putIfAbsent(path.getLast(), value);
        if (previous != null) {
            problems.add("'" + String.join(".", path) + "' is set twice: " + previous.origin().phrase() + " and "
                    + value.origin().phrase());
        }
    }

    /** The node at {@code path} below {@code root}, or null. */
    static Node find(Node root, List<String> path) {
        Node at = root;
        for (String key : path) {
            if (!(at instanceof Mapping m)) {
                return null;
            }
            at = m.entries().get(key);
        }
        return at;
    }

    /** {@code over} laid on {@code under}: mappings merge key by key, anything else in {@code over} replaces. */
    static Node merge(Node under, Node over) {
        if (under instanceof Mapping u && over instanceof Mapping o) {
            Map<String, Node> merged = new LinkedHashMap<>(u.entries());
            o.entries().forEach((key, value) -> merged.merge(key, value, Node::merge));
            return new Mapping(merged, u.origin());
        }
        return over;
    }
}
