package io.waddleperf.manager.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.waddleperf.core.result.ProbeResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.Set;

/**
 * Checks one submitted result against the result object's JSON Schema, the same file every producer is tested
 * against (docs/RESULTS.md), and reports the first violation by field path.
 */
public final class ResultValidator {

    static final String SCHEMA_RESOURCE = "/io/waddleperf/core/result/probe-result.schema.json";

    private final JsonSchema schema;

    public ResultValidator() {
        try (InputStream in = ProbeResult.class.getResourceAsStream(SCHEMA_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("result schema missing from the class path: " + SCHEMA_RESOURCE);
            }
            SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in, config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Throws for the first violation (in field order, so the answer is stable).
     *
     * @param node   the submitted object
     * @param prefix path of the object in the request ({@code ""} for a single result, {@code "[3]"} in an array)
     * @throws InvalidResultException naming the field and what is wrong with it
     */
    public void check(JsonNode node, String prefix) {
        if (!node.isObject()) {
            throw new InvalidResultException(prefix.isEmpty() ? "body" : prefix, "a result must be a JSON object");
        }
        Set<ValidationMessage> violations = schema.validate(node);
        violations.stream().min(Comparator.comparing(ResultValidator::fieldOf)).ifPresent(v -> {
            String field = fieldOf(v);
            throw new InvalidResultException(join(prefix, field), describe(v, field));
        });
    }

    /** The path of the violating field: the instance location, plus the property a "required" or "additional" names. */
    static String fieldOf(ValidationMessage v) {
        // the location is a path of names and array indexes, written here as a.b[2].c whatever the library's style
        com.networknt.schema.JsonNodePath location = v.getInstanceLocation();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < location.getNameCount(); i++) {
            Object element = location.getElement(i);
            if (element instanceof Number n) {
                sb.append('[').append(n).append(']');
            } else {
                sb.append(sb.isEmpty() ? "" : ".").append(element);
            }
        }
        String path = sb.toString();
        String property = v.getProperty();
        if (property != null && ("required".equals(v.getType()) || "additionalProperties".equals(v.getType()))) {
            path = path.isEmpty() ? property : path + "." + property;
        }
        return path;
    }

    private static String describe(ValidationMessage v, String field) {
        return switch (v.getType()) {
            case "required" -> "is required";
            case "additionalProperties" -> "is not a field of the result object (docs/RESULTS.md)";
            default -> {
                // the library's message starts with "$.field: "; the field is reported separately
                String m = v.getMessage();
                int colon = m.indexOf(": ");
                yield colon >= 0 && m.startsWith("$") ? m.substring(colon + 2) : m;
            }
        };
    }

    private static String join(String prefix, String field) {
        if (prefix.isEmpty()) {
            return field.isEmpty() ? "body" : field;
        }
        return field.isEmpty() ? prefix : field.startsWith("[") ? prefix + field : prefix + "." + field;
    }
}
