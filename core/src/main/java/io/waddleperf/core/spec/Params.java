package io.waddleperf.core.spec;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Strict reading of type-specific probe parameters: unknown names and malformed values are errors naming the parameter. */
final class Params {

    private final Map<String, String> values;

    private Params(Map<String, String> values) {
        this.values = values;
    }

    static Params of(ProbeOptions options, String testType, Set<String> allowed) {
        var unknown = new TreeSet<>(options.params().keySet());
        unknown.removeAll(allowed);
        if (!unknown.isEmpty()) {
            throw new InvalidSpecException(unknown.first(), "unknown option for " + testType + " probes (allowed: "
                    + (allowed.isEmpty() ? "none" : String.join(", ", new TreeSet<>(allowed))) + ")");
        }
        return new Params(options.params());
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    String string(String name, String dflt) {
        return values.getOrDefault(name, dflt);
    }

    boolean bool(String name, boolean dflt) {
        String v = values.get(name);
        if (v == null) {
            return dflt;
        }
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw new InvalidSpecException(name, "expected true or false, got '" + v + "'");
        };
    }

    int integer(String name, int dflt, int min, int max) {
        String v = values.get(name);
        if (v == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n < min || n > max) {
                throw new InvalidSpecException(name, "must be between " + min + " and " + max + ", got " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new InvalidSpecException(name, "expected an integer, got '" + v + "'");
        }
    }

    /** A size in bytes ({@code 65536}, {@code 64K}, {@code 1.5M}), within {@code min..max}. */
    long bytes(String name, long dflt, long min, long max) {
        String v = values.get(name);
        if (v == null) {
            return dflt;
        }
        long n;
        try {
            n = io.waddleperf.core.units.Units.parseBytes(v.trim());
        } catch (IllegalArgumentException e) {
            throw new InvalidSpecException(name, e.getMessage());
        }
        if (n < min || n > max) {
            throw new InvalidSpecException(name, "must be between " + min + " and " + max + " bytes, got " + n);
        }
        return n;
    }

    String oneOf(String name, String dflt, Set<String> choices) {
        String v = values.get(name);
        if (v == null) {
            return dflt;
        }
        String lower = v.toLowerCase(Locale.ROOT);
        if (!choices.contains(lower)) {
            throw new InvalidSpecException(name, "expected one of " + new TreeSet<>(choices) + ", got '" + v + "'");
        }
        return lower;
    }
}
