package io.waddleperf.core.config;

import java.util.Collection;

/** The spelling rules of configuration keys: snake_case external names, dotted paths and "did you mean" hints. */
public final class Names {

    private Names() {
    }

    /** The external key of a component name: {@code httpPort} → {@code http_port}, {@code apiURL} → {@code api_url}. */
    static String snake(String camel) {
        StringBuilder out = new StringBuilder(camel.length() + 4);
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (Character.isUpperCase(c)) {
                boolean afterWordEnd = i > 0 && (Character.isLowerCase(camel.charAt(i - 1))
                        || Character.isDigit(camel.charAt(i - 1)));
                boolean acronymEnd = i > 0 && Character.isUpperCase(camel.charAt(i - 1))
                        && i + 1 < camel.length() && Character.isLowerCase(camel.charAt(i + 1));
                if (afterWordEnd || acronymEnd) {
                    out.append('_');
                }
                out.append(Character.toLowerCase(c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** The path of {@code key} inside {@code parent} ({@code ""} is the root). */
    static String join(String parent, String key) {
        return parent.isEmpty() ? key : parent + "." + key;
    }

    /** {@code " (did you mean 'x'?)"} for the closest candidate within a few typos of {@code key}, else {@code ""}. */
    static String suggestion(String key, Collection<String> candidates) {
        String best = null;
        int bestDistance = Math.min(3, 1 + key.length() / 5) + 1;
        for (String candidate : candidates) {
            int d = distance(key.toLowerCase(), candidate);
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return best == null ? "" : " (did you mean '" + best + "'?)";
    }

    /** Optimal string alignment distance: Levenshtein plus adjacent transpositions ({@code prot} → {@code port}). */
    public static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
