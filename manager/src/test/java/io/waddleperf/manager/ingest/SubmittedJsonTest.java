package io.waddleperf.manager.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.waddleperf.core.result.Json;
import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The body of an upload parsed with each result's text as sent: the tree must be what {@code readTree} of the whole
 * body gives, each text exactly the bytes of its object, and a body that is no JSON refused as {@code readTree}
 * refuses it.
 */
class SubmittedJsonTest {

    private static final String A = "{\"id\":\"0190a0a0-0000-7000-8000-000000000001\",\"target\":\"caf\u00e9 \\u00e9 \\\"}\\\" [1,2]\","
            + "\"nested\":{\"a\":[{\"b\":1.50E2}]},\"n\":null}";
    private static final String B = "{ \"id\" : \"x\",\n  \"list\" : [ [], {}, \"]\" ] ,\"emoji\":\"\uD83D\uDE00\" }";

    private static SubmittedJson parse(String body, Charset cs) throws Exception {
        return SubmittedJson.parse(body.getBytes(cs));
    }

    @Test
    void anArrayGivesTheTreeOfReadTreeAndEachObjectsBytes() throws Exception {
        String body = " \t[\n" + A + " ,  " + B + ",\r\n" + A + "]  ";
        SubmittedJson s = parse(body, StandardCharsets.UTF_8);
        assertThat(s.tree()).isEqualTo(Json.mapper().readTree(body));
        assertThat(s.texts()).containsExactly(A, B, A);
        for (int i = 0; i < 3; i++) {
            assertThat(Json.mapper().readTree(s.texts().get(i))).isEqualTo(s.tree().get(i));
        }
    }

    @Test
    void aSingleObjectGivesItsBytes() throws Exception {
        SubmittedJson s = parse("\n " + B + " \n", StandardCharsets.UTF_8);
        assertThat(s.tree()).isEqualTo(Json.mapper().readTree(B));
        assertThat(s.texts()).containsExactly(B);
    }

    @Test
    void elementsThatAreNoObjectsHaveNoText() throws Exception {
        String body = "[1, \"x\", null, [" + A + "], true, " + A + "]";
        SubmittedJson s = parse(body, StandardCharsets.UTF_8);
        assertThat(s.tree()).isEqualTo(Json.mapper().readTree(body));
        assertThat(s.texts()).containsExactly(null, null, null, null, null, A);
        assertThat(parse("null", StandardCharsets.UTF_8).tree()).isEqualTo(Json.mapper().readTree("null"));
        assertThat(parse("[]", StandardCharsets.UTF_8).tree()).isEqualTo(Json.mapper().readTree("[]"));
    }

    @Test
    void aByteOrderMarkIsSkippedAsReadTreeSkipsIt() throws Exception {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        body.write(("[" + A + "," + B + "]").getBytes(StandardCharsets.UTF_8));
        SubmittedJson s = SubmittedJson.parse(body.toByteArray());
        assertThat(s.tree()).isEqualTo(Json.mapper().readTree(body.toByteArray()));
        assertThat(s.texts()).containsExactly(A, B);
    }

    @Test
    void aBodyInUtf16HasTheSameTreeAndItsDocumentsAreWrittenFromIt() throws Exception {
        for (Charset cs : List.of(StandardCharsets.UTF_16BE, StandardCharsets.UTF_16LE)) {
            byte[] body = ("[" + A + "," + B + "]").getBytes(cs);
            SubmittedJson s = SubmittedJson.parse(body);
            assertThat(s.tree()).isEqualTo(Json.mapper().readTree(body));
            // no byte offsets through a reader of characters: no texts, rather than wrong ones
            for (String t : s.texts()) {
                assertThat(t == null || t.equals(A) || t.equals(B)).as("text %s", t).isTrue();
            }
        }
    }

    @Test
    void malformedUtf8IsRefusedAsReadTreeRefusesIt() throws Exception {
        // an overlong '/' in two and in three bytes, a surrogate encoded on its own (CESU-8): were the parser to
        // accept one, the stored text would differ from the checked one (the strict decode of a text guards that)
        for (byte[] bad : List.of(new byte[] {(byte) 0xC0, (byte) 0xAF}, new byte[] {(byte) 0xE0, (byte) 0x80, (byte) 0xAF},
                new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0xBD, (byte) 0xED, (byte) 0xB8, (byte) 0x80})) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            body.write("[{\"target\":\"tcp:".getBytes(StandardCharsets.US_ASCII));
            body.write(bad);
            body.write(("x\"}," + B + "]").getBytes(StandardCharsets.UTF_8));
            String expected = message(() -> Json.mapper().readTree(body.toByteArray()));
            assertThatThrownBy(() -> SubmittedJson.parse(body.toByteArray())).isInstanceOf(JsonProcessingException.class)
                    .satisfies(e -> assertThat(((JsonProcessingException) e).getOriginalMessage()).isEqualTo(expected));
        }
    }

    @Test
    void contentAfterTheFirstValueIsIgnoredAsReadTreeIgnoresIt() throws Exception {
        String body = "[" + A + "] [1";
        assertThat(parse(body, StandardCharsets.UTF_8).tree()).isEqualTo(Json.mapper().readTree(body));
    }

    @Test
    void noValueIsAMissingNodeAsWithReadTree() throws Exception {
        assertThat(parse("  \n", StandardCharsets.UTF_8).tree().isMissingNode()).isTrue();
        assertThat(Json.mapper().readTree("  \n").isMissingNode()).isTrue();
    }

    @Test
    void invalidJsonIsRefusedWithReadTreesMessage() {
        for (String body : List.of("[" + A + ",", "[" + A + "}", "{\"a\":1,}", "[{\"a\":tru}]", "[" + A + " " + B + "]",
                "{\"a\"", "[1,,2]")) {
            String expected = message(() -> Json.mapper().readTree(body.getBytes(StandardCharsets.UTF_8)));
            assertThatThrownBy(() -> parse(body, StandardCharsets.UTF_8)).as(body)
                    .isInstanceOf(JsonProcessingException.class)
                    .satisfies(e -> assertThat(((JsonProcessingException) e).getOriginalMessage()).isEqualTo(expected));
        }
    }

    @Test
    void aKeyGivenTwiceIsRefusedAndNamed() {
        for (String body : List.of("{\"id\":\"a\",\"id\":\"b\"}", "[" + A + ",{\"x\":{\"y\":1,\"y\":2}}]")) {
            assertThatThrownBy(() -> parse(body, StandardCharsets.UTF_8)).as(body)
                    .isInstanceOf(JsonProcessingException.class)
                    .satisfies(e -> assertThat(((JsonProcessingException) e).getOriginalMessage())
                            .startsWith("Duplicate field '"));
        }
    }

    @Test
    void aTreeWithoutTextsHasNoneForAnyElement() {
        JsonNode tree = Json.mapper().valueToTree(List.of(1, 2, 3));
        assertThat(SubmittedJson.of(tree).texts()).isEqualTo(Arrays.asList(null, null, null));
    }

    private interface Parse {
        Object run() throws Exception;
    }

    private static String message(Parse p) {
        try {
            p.run();
        } catch (JsonProcessingException e) {
            return e.getOriginalMessage();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("readTree accepted it");
    }
}
