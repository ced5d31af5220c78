package io.waddleperf.core.config;

import io.waddleperf.core.config.Node.Mapping;
import io.waddleperf.core.config.Node.Origin;
import io.waddleperf.core.config.Node.Scalar;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The mapping of environment variables to key paths. After the prefix, a variable's name is the key path in upper
 * case with {@code __} between nesting levels ({@code PREFIX_TLS__CERT_FILE} → {@code tls.cert_file}); a single
 * {@code _} may also separate levels when only one key path fits ({@code PREFIX_TLS_CERT_FILE}), which the record
 * structure decides. Inside a {@code Map<String, X>} the remaining words form the map key, in lower case. A prefixed
 * variable that fits no key path, or more than one, is a problem; unprefixed variables are ignored.
 */
final class EnvMapper {

    /** The words of a variable name after the prefix; {@code hard[i]} tells that word i follows {@code __}. */
    private record Words(List<String> words, boolean[] hard) {

        int size() {
            return words.size();
        }

        /** Whether words {@code from..to-1} contain no {@code __} boundary inside them. */
        boolean joinable(int from, int to) {
            for (int i = from + 1; i < to; i++) {
                if (hard[i]) {
                    return false;
                }
            }
            return true;
        }

        String join(int from, int to) {
            return String.join("_", words.subList(from, to));
        }
    }

    private EnvMapper() {
    }

    static Mapping map(Class<?> root, String prefix, Map<String, String> env, Set<String> ignored,
            List<String> problems) {
        Mapping tree = Mapping.empty(null);
        for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
            String name = e.getKey();
            if (!name.startsWith(prefix) || ignored.contains(name)) {
                continue;
            }
            Origin origin = new Origin(Origin.Kind.ENV, name);
            Words words = words(name.substring(prefix.length()));
            List<List<String>> matches = new ArrayList<>();
            if (words != null) {
                match(root, words, 0, List.of(), matches);
            }
            if (matches.size() == 1) {
                Node.insert(tree, matches.getFirst(), new Scalar(e.getValue(), origin), problems);
            } else if (matches.isEmpty()) {
                String key = name.substring(prefix.length()).toLowerCase().replace("__", ".");
                problems.add("unknown key '" + key + "' " + origin.phrase()
                        + Names.suggestion(key, Schema.keyPaths(root, "")));
            } else {
                problems.add("environment variable " + name + " is ambiguous: it could mean "
                        + matches.stream().map(m -> "'" + String.join(".", m) + "'").collect(Collectors.joining(" or "))
                        + "; separate nesting levels with '__', e.g. " + prefix
                        + String.join("__", matches.getFirst()).toUpperCase());
            }
        }
        return tree;
    }

    /** The canonical variable name of a key path. */
    static String name(String prefix, String keyPath) {
        return prefix + keyPath.toUpperCase().replace(".", "__");
    }

    private static Words words(String rest) {
        List<String> words = new ArrayList<>();
        List<Boolean> hard = new ArrayList<>();
        boolean first = true;
        for (String group : rest.split("__", -1)) {
            boolean groupStart = true;
            for (String word : group.split("_", -1)) {
                if (word.isEmpty()) {
                    return null;
                }
                words.add(word.toLowerCase());
                hard.add(groupStart && !first);
                groupStart = false;
                first = false;
            }
        }
        boolean[] flags = new boolean[hard.size()];
        for (int i = 0; i < flags.length; i++) {
            flags[i] = hard.get(i);
        }
        return new Words(List.copyOf(words), flags);
    }

    /** Adds to {@code out} every key path under {@code type} that words {@code from..} spell. */
    private static void match(Type type, Words w, int from, List<String> path, List<List<String>> out) {
        Class<?> raw = Schema.raw(type);
        if (raw.isRecord()) {
            for (Schema.Component c : Schema.components(raw)) {
                descendKey(c.key(), c.type(), w, from, path, out);
                if (Schema.isSecret(c.type())) {
                    descendKey(Schema.fileKey(c.key()), java.nio.file.Path.class, w, from, path, out);
                }
            }
        } else if (raw == Map.class) {
            for (int to = from + 1; to <= w.size() && w.joinable(from, to); to++) {
                Type value = Schema.inner(type);
                descend(value, w, to, append(path, w.join(from, to)), out, !Schema.isSection(value));
            }
        }
    }

    private static void descendKey(String key, Type type, Words w, int from, List<String> path,
            List<List<String>> out) {
        int to = from + key.split("_").length;
        if (to <= w.size() && w.joinable(from, to) && w.join(from, to).equals(key)) {
            descend(type, w, to, append(path, key), out, true);
        }
    }

    private static void descend(Type type, Words w, int to, List<String> path, List<List<String>> out,
            boolean mayEndHere) {
        if (to == w.size()) {
            if (mayEndHere) {
                out.add(path);
            }
        } else {
            match(type, w, to, path, out);
        }
    }

    private static List<String> append(List<String> path, String key) {
        List<String> out = new ArrayList<>(path);
        out.add(key);
        return List.copyOf(out);
    }
}
