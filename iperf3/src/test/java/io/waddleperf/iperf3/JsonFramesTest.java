package io.waddleperf.iperf3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class JsonFramesTest {

    @Test
    void frame_is_big_endian_length_then_compact_json() {
        ObjectNode j = JsonFrames.mapper().createObjectNode().put("tcp", true).put("time", 10);
        byte[] frame = JsonFrames.encode(j);
        byte[] body = "{\"tcp\":true,\"time\":10}".getBytes(StandardCharsets.UTF_8);
        assertThat(ByteBuffer.wrap(frame).getInt()).isEqualTo(body.length);
        assertThat(new String(frame, 4, frame.length - 4, StandardCharsets.UTF_8)).isEqualTo(new String(body,
                StandardCharsets.UTF_8));
    }

    @Property(tries = 200)
    void frames_round_trip(@ForAll("messages") Map<String, Object> fields) throws Exception {
        ObjectNode j = JsonFrames.mapper().valueToTree(fields);
        byte[] frame = JsonFrames.encode(j);
        // Compare as text: Jackson may pick IntNode where LongNode went in, the wire bytes are what must match.
        assertThat(JsonFrames.decode(frame, Integer.MAX_VALUE, Iperf3Error.IERECVPARAMS).toString())
                .isEqualTo(j.toString());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JsonFrames.write(out, j);
        assertThat(JsonFrames.read(new ByteArrayInputStream(out.toByteArray()), frame.length,
                Iperf3Error.IERECVPARAMS).toString()).isEqualTo(j.toString());
    }

    @Provide
    Arbitrary<Map<String, Object>> messages() {
        Arbitrary<Object> values = Arbitraries.oneOf(Arbitraries.longs().map(Object.class::cast),
                Arbitraries.strings().ofMaxLength(40).map(Object.class::cast),
                Arbitraries.of(true, false).map(Object.class::cast),
                Arbitraries.doubles().between(-1e9, 1e9).map(Object.class::cast));
        return Arbitraries.maps(Arbitraries.strings().ofMinLength(1).ofMaxLength(20), values).ofMaxSize(12);
    }

    @Property(tries = 2000)
    void decoder_only_ever_throws_its_own_exception(@ForAll byte[] bytes) {
        try {
            ObjectNode j = JsonFrames.decode(bytes, JsonFrames.MAX_PARAMS_BYTES, Iperf3Error.IERECVPARAMS);
            assertThat(j).isNotNull();
        } catch (Iperf3Exception e) {
            assertThat(e.error()).isEqualTo(Iperf3Error.IERECVPARAMS);
        }
    }

    @Property(tries = 1000)
    void decoder_survives_any_body_behind_a_valid_length(@ForAll byte[] body) {
        byte[] frame = ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
        try {
            JsonFrames.decode(frame, JsonFrames.MAX_PARAMS_BYTES, Iperf3Error.IERECVRESULTS);
        } catch (Iperf3Exception e) {
            assertThat(e.error()).isEqualTo(Iperf3Error.IERECVRESULTS);
        }
    }

    @Test
    void oversize_zero_and_negative_lengths_are_refused() {
        for (int length : new int[] {JsonFrames.MAX_PARAMS_BYTES + 1, 0, -1, Integer.MIN_VALUE}) {
            byte[] header = ByteBuffer.allocate(4).putInt(length).array();
            assertThatThrownBy(() -> JsonFrames.read(new ByteArrayInputStream(header), JsonFrames.MAX_PARAMS_BYTES,
                    Iperf3Error.IERECVPARAMS)).as("length %d", length).isInstanceOf(Iperf3Exception.class);
        }
    }

    @Test
    void message_at_the_maximum_is_accepted() throws Exception {
        String padding = "x".repeat(JsonFrames.MAX_PARAMS_BYTES - "{\"p\":\"\"}".length());
        ObjectNode j = JsonFrames.mapper().createObjectNode().put("p", padding);
        byte[] frame = JsonFrames.encode(j);
        assertThat(frame.length - 4).isEqualTo(JsonFrames.MAX_PARAMS_BYTES);
        assertThat(JsonFrames.decode(frame, JsonFrames.MAX_PARAMS_BYTES, Iperf3Error.IERECVPARAMS)).isEqualTo(j);
    }

    @Test
    void truncated_stream_is_end_of_file_and_trailing_garbage_is_refused() {
        byte[] frame = JsonFrames.encode(JsonFrames.mapper().createObjectNode().put("a", 1));
        byte[] cut = java.util.Arrays.copyOf(frame, frame.length - 1);
        assertThatThrownBy(() -> JsonFrames.read(new ByteArrayInputStream(cut), 100, Iperf3Error.IERECVPARAMS))
                .isInstanceOf(EOFException.class);
        byte[] body = "{\"a\":1} {\"b\":2}".getBytes(StandardCharsets.UTF_8);
        byte[] twoObjects = ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
        assertThatThrownBy(() -> JsonFrames.decode(twoObjects, 100, Iperf3Error.IERECVPARAMS))
                .isInstanceOf(Iperf3Exception.class);
    }
}
