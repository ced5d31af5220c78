package io.waddleperf.manager.devices;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.waddleperf.core.autoperf.AutoPerfConfig;
import io.waddleperf.core.config.ConfigException;
import io.waddleperf.core.result.Json;
import io.waddleperf.core.units.Units;
import java.time.Duration;

/**
 * The agent configuration documents the manager keeps: JSON objects with the keys of {@link AutoPerfConfig}, checked
 * on write by the same loader the agent reads them with, so a stored document always loads on the agent.
 */
public final class AgentConfigDocuments {

    /** Where problems say the document is (the request field it comes in). */
    public static final String FIELD = "config_data";
    /** Largest document kept; a configuration is a few kilobytes. */
    public static final int MAX_CHARS = 256 * 1024;

    private AgentConfigDocuments() {
    }

    /**
     * A document that failed the checks.
     *
     * @see #field()
     */
    public static final class InvalidDocumentException extends RuntimeException {
        private final String field;

        InvalidDocumentException(String field, String message) {
            super(message);
            this.field = field;
        }

        /** {@code config_data.<key path>} of the first problem, or {@code config_data} for the whole document. */
        public String field() {
            return field;
        }
    }

    /**
     * Checks a document and returns its stored text.
     *
     * @throws InvalidDocumentException naming the key path of the first problem; the message lists every problem
     */
    public static String check(JsonNode document) {
        if (document == null || !document.isObject()) {
            throw new InvalidDocumentException(FIELD, "must be a JSON object with the agent configuration keys");
        }
        String text = Json.write(document);
        if (text.length() > MAX_CHARS) {
            throw new InvalidDocumentException(FIELD, "is " + text.length() + " characters long; at most " + MAX_CHARS
                    + " are kept");
        }
        load(text);
        return text;
    }

    /** The configuration a stored document gives (defaults for the keys it leaves out). */
    public static AutoPerfConfig load(String text) {
        try {
            return AutoPerfConfig.loader().loadJson(FIELD, text);
        } catch (ConfigException e) {
            String first = e.problems().getFirst();
            String field = ConfigException.keyPath(first).map(k -> FIELD + "." + k).orElse(FIELD);
            throw new InvalidDocumentException(field, e.getMessage());
        }
    }

    /**
     * The document as one device gets it: the same keys, with {@code autoperf.interval} set to the device's own
     * interval.
     *
     * @param interval the device's interval ({@link AgentSchedule#interval})
     */
    public static ObjectNode forDevice(String text, Duration interval) {
        try {
            ObjectNode doc = (ObjectNode) Json.mapper().readTree(text);
            JsonNode autoperf = doc.get("autoperf");
            ObjectNode section = autoperf instanceof ObjectNode o ? o : doc.putObject("autoperf");
            section.put("interval", Units.formatDuration(interval));
            return doc;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored configuration document is not JSON", e);
        }
    }
}
