package io.waddleperf.core.autoperf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.waddleperf.core.result.Json;
import io.waddleperf.core.result.ProbeResult;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalDouble;

/** The numeric fields of a result object by their JSON names ({@code latency_ms}), for thresholds that name a field. */
public final class ResultFields {

    private static final List<String> NUMERIC = Arrays.stream(ProbeResult.class.getRecordComponents())
            .filter(c -> Number.class.isAssignableFrom(c.getType()) || c.getType() == double.class)
            .map(RecordComponent::getName)
            .map(n -> new PropertyNamingStrategies.SnakeCaseStrategy().translate(n))
            .sorted()
            .toList();

    private ResultFields() {
    }

    /** Every numeric field name, sorted. */
    public static List<String> numeric() {
        return NUMERIC;
    }

    public static boolean isNumeric(String field) {
        return NUMERIC.contains(field);
    }

    /** The value of {@code field} in {@code result}, empty when the result does not have it. */
    public static OptionalDouble value(ProbeResult result, String field) {
        JsonNode node = Json.mapper().valueToTree(result).get(field);
        return node != null && node.isNumber() ? OptionalDouble.of(node.asDouble()) : OptionalDouble.empty();
    }
}
