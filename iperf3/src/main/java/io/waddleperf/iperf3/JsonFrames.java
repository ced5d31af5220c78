package io.waddleperf.iperf3;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * The framing of iperf3's control-channel JSON messages ({@code JSON_write}/{@code JSON_read}, {@code src/iperf_api.c}):
 * a 4-byte big-endian length, then that many bytes of UTF-8 JSON with no terminator. Length 0 and lengths above the
 * reader's maximum are refused, as iperf3 refuses them.
 */
public final class JsonFrames {

    /** iperf3's bound for the parameters message ({@code MAX_PARAMS_JSON_STRING}, 8 KiB). */
    public static final int MAX_PARAMS_BYTES = 8 * 1024;
    /** Our bound for results messages (iperf3 reads them unbounded; server output can be large, memory cannot). */
    public static final int MAX_RESULTS_BYTES = 16 * 1024 * 1024;

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private JsonFrames() {
    }

    /** The mapper used for all iperf3 JSON: iperf3's own key names, unknown keys tolerated. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** One whole frame (length prefix and compact JSON) for a message. */
    public static byte[] encode(JsonNode message) {
        byte[] body;
        try {
            body = MAPPER.writeValueAsBytes(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JsonNode always serialises", e);
        }
        return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
    }

    /**
     * Decodes one complete frame held in memory (used by tests and fuzzing; {@link #read} does the same from a stream).
     *
     * @throws Iperf3Exception with {@code failure} for a bad length, a truncated or over-long frame, or a body that is
     *     not one JSON object
     */
    public static ObjectNode decode(byte[] frame, int maxBytes, Iperf3Error failure) throws Iperf3Exception {
        if (frame.length < 4) {
            throw new Iperf3Exception(failure, "frame shorter than its 4-byte length");
        }
        int length = checkLength(ByteBuffer.wrap(frame).getInt(), maxBytes, failure);
        if (frame.length - 4 != length) {
            throw new Iperf3Exception(failure, "frame says " + length + " bytes but holds " + (frame.length - 4));
        }
        return parse(frame, 4, length, failure);
    }

    /** Reads one frame from a blocking stream. */
    public static ObjectNode read(InputStream in, int maxBytes, Iperf3Error failure) throws Iperf3Exception, IOException {
        byte[] header = in.readNBytes(4);
        if (header.length < 4) {
            throw new EOFException("control connection closed before a message length");
        }
        int length = checkLength(ByteBuffer.wrap(header).getInt(), maxBytes, failure);
        byte[] body = in.readNBytes(length);
        if (body.length < length) {
            throw new EOFException("control connection closed inside a " + length + "-byte message");
        }
        return parse(body, 0, length, failure);
    }

    /** Writes one frame in a single write so it never interleaves with state bytes. */
    public static void write(OutputStream out, JsonNode message) throws IOException {
        out.write(encode(message));
        out.flush();
    }

    private static int checkLength(int length, int maxBytes, Iperf3Error failure) throws Iperf3Exception {
        // The length is unsigned on the wire; anything with the top bit set is over any sane maximum.
        if (length == 0) {
            throw new Iperf3Exception(failure, "message length is 0");
        }
        if (length < 0 || length > maxBytes) {
            throw new Iperf3Exception(failure,
                    "message length " + Integer.toUnsignedString(length) + " exceeds the maximum of " + maxBytes);
        }
        return length;
    }

    private static ObjectNode parse(byte[] bytes, int offset, int length, Iperf3Error failure) throws Iperf3Exception {
        JsonNode node;
        try {
            node = MAPPER.readTree(bytes, offset, length);
        } catch (IOException | RuntimeException e) {
            throw new Iperf3Exception(failure, 0, "message is not valid JSON", e);
        }
        if (!(node instanceof ObjectNode object)) {
            throw new Iperf3Exception(failure, "message is not a JSON object");
        }
        return object;
    }
}
