package io.waddleperf.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.waddleperf.core.result.Json;
import io.waddleperf.core.result.ProbeResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Set;
import java.util.stream.Collectors;

/** Checks results against the shipped JSON Schema of the result object ({@code probe-result.schema.json}, docs/RESULTS.md). */
public final class ResultSchema {

    public static final String RESOURCE = "/io/waddleperf/core/result/probe-result.schema.json";
    private static final JsonSchema SCHEMA = load();

    private ResultSchema() {
    }

    private static JsonSchema load() {
        try (InputStream in = ProbeResult.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("schema resource missing: " + RESOURCE);
            }
            SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in, config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Violations of the schema, empty when the JSON is a valid result. */
    public static Set<String> violations(String json) {
        try {
            JsonNode node = Json.mapper().readTree(json);
            return SCHEMA.validate(node).stream().map(ValidationMessage::getMessage).collect(Collectors.toCollection(java.util.TreeSet::new));
        } catch (IOException e) {
            return Set.of("not JSON: " + e.getMessage());
        }
    }

    /** Fails (AssertionError) unless {@code result}'s JSON form is valid against the schema and reads back equal. */
    public static ProbeResult assertValid(ProbeResult result) {
        String json = Json.write(result);
        assertValidJson(json);
        ProbeResult back = Json.readResult(json);
        if (!back.equals(result)) {
            throw new AssertionError("result does not survive a JSON round trip:\n" + result + "\n" + back);
        }
        return result;
    }

    /** Fails (AssertionError) unless {@code json} is a valid result object. */
    public static void assertValidJson(String json) {
        Set<String> v = violations(json);
        if (!v.isEmpty()) {
            throw new AssertionError("result violates probe-result.schema.json: " + v + "\n" + json);
        }
    }
}
