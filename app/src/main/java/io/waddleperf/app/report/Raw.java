package io.waddleperf.app.report;

import io.waddleperf.core.result.ProbeResult;
import java.util.List;
import java.util.Map;

/** Typed reads of a result's {@code raw_results}, absent-tolerant: a field the probe did not fill reads as null. */
final class Raw {

    private final Map<String, Object> map;

    Raw(Map<String, Object> map) {
        this.map = map == null ? Map.of() : map;
    }

    static Raw of(ProbeResult r) {
        return new Raw(r.rawResults());
    }

    boolean has(String key) {
        return map.get(key) != null;
    }

    String str(String key) {
        Object v = map.get(key);
        return v == null ? null : String.valueOf(v);
    }

    Double num(String key) {
        return map.get(key) instanceof Number n ? n.doubleValue() : null;
    }

    Long integer(String key) {
        return map.get(key) instanceof Number n ? n.longValue() : null;
    }

    boolean flag(String key) {
        return Boolean.TRUE.equals(map.get(key));
    }

    Boolean bool(String key) {
        return map.get(key) instanceof Boolean b ? b : null;
    }

    Raw sub(String key) {
        return map.get(key) instanceof Map<?, ?> m ? new Raw(cast(m)) : new Raw(null);
    }

    List<Raw> list(String key) {
        if (!(map.get(key) instanceof List<?> l)) {
            return List.of();
        }
        return l.stream().filter(Map.class::isInstance).map(m -> new Raw(cast((Map<?, ?>) m))).toList();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }
}
