package io.waddleperf.manager.ingest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.waddleperf.core.result.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A submitted body parsed as JSON, with the text of each result object as it was sent: that text is what is stored
 * as the result's document, so it is not written again from the tree (re-serialising 500 results cost about a tenth
 * of the manager's CPU per batch, docs/BENCHMARKS.md section 19). The tree is the one {@code readTree} of the whole
 * body gives (same parser, same limits, content after the first value ignored alike), except that an object
 * naming a key twice is refused.
 *
 * @param tree  the body: a result object, an array of them, or whatever else it holds (refused later, field named)
 * @param texts for an array, each element's text (null where it is not an object or its bytes cannot be told); for
 *              anything else one entry, the same
 */
public record SubmittedJson(JsonNode tree, List<String> texts) {

    private static final ObjectMapper MAPPER = Json.mapper();

    /** A tree without its texts (documents are then written from the tree). */
    public static SubmittedJson of(JsonNode tree) {
        return new SubmittedJson(tree, Collections.nCopies(tree.isArray() ? tree.size() : 1, null));
    }

    /** The text of element {@code i} (of the body itself when it is not an array), or null. */
    String text(int i) {
        return i < texts.size() ? texts.get(i) : null;
    }

    /**
     * Parses a body; its tree is {@link MissingNode} when it holds no JSON value.
     *
     * @throws IOException as {@code ObjectMapper.readTree} throws it (a JsonProcessingException for invalid JSON)
     */
    public static SubmittedJson parse(byte[] body) throws IOException {
        try (JsonParser p = MAPPER.createParser(body)) {
            // the stored document is this text, and a key given twice would read as its last value here but as its
            // first in a database's JSON functions: one object, one meaning, so a repeated key is refused
            p.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            JsonToken first = p.nextToken();
            if (first == null) {
                return new SubmittedJson(MissingNode.getInstance(), List.of());
            }
            if (first != JsonToken.START_ARRAY) {
                List<String> texts = new ArrayList<>(1);
                long start = p.currentTokenLocation().getByteOffset();
                JsonNode tree = element(p);
                texts.add(text(body, first, start, p));
                return new SubmittedJson(tree, texts);
            }
            ArrayNode array = MAPPER.getNodeFactory().arrayNode();
            List<String> texts = new ArrayList<>();
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                if (t == null) {
                    // the parser reports an array cut short itself; this is only a guard
                    throw new com.fasterxml.jackson.core.JsonParseException(p, "Unexpected end-of-input: expected close marker for Array");
                }
                long start = p.currentTokenLocation().getByteOffset();
                array.add(element(p));
                texts.add(text(body, t, start, p));
            }
            return new SubmittedJson(array, texts);
        }
    }

    private static JsonNode element(JsonParser p) throws IOException {
        JsonNode n = MAPPER.readTree(p);
        return n == null ? NullNode.getInstance() : n;
    }

    /**
     * The bytes of the object just read, as text; null when it is no object or its offsets cannot be told (a body in
     * UTF-16 or UTF-32 is read through characters, without byte offsets): its document is then written from the tree.
     */
    private static String text(byte[] body, JsonToken first, long start, JsonParser p) {
        long end = p.currentLocation().getByteOffset();
        if (first != JsonToken.START_OBJECT || start < 0 || end <= start || end > body.length
                || body[(int) start] != '{' || body[(int) end - 1] != '}') {
            return null;
        }
        int from = (int) start;
        int length = (int) (end - start);
        for (int i = from; i < from + length; i++) {
            if (body[i] < 0) {
                return strictUtf8(body, from, length);
            }
        }
        return new String(body, from, length, StandardCharsets.ISO_8859_1); // ASCII: the same text, the cheapest copy
    }

    /**
     * Non-ASCII text decoded strictly, or null. The parser refuses malformed UTF-8 (overlong forms, lone surrogates;
     * {@code SubmittedJsonTest}), so this is a guard: should it ever accept a sequence a lenient decode turns into
     * replacement characters, the stored text would not be the text that was checked, and the document is then
     * written from the tree instead.
     */
    private static String strictUtf8(byte[] body, int from, int length) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(body, from, length)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return null;
        }
    }
}
