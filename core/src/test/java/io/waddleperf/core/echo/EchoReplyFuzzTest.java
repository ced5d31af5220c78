package io.waddleperf.core.echo;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;

/**
 * Jazzer fuzz test of the UDP echo codec on arbitrary datagrams as a client reads them (docs/PROTOCOL-udp-echo.md):
 * decoding never throws and never moves or changes the buffer; it answers a reply of the datagram's length,
 * authenticated exactly when the client holds a key, or a drop reason the codec assigns. Seeds:
 * {@code src/test/resources/io/waddleperf/core/echo/EchoReplyFuzzTestInputs/<method>/}; real fuzzing with
 * {@code scripts/fuzz} (docs/RELIABILITY.md).
 */
class EchoReplyFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void client_decodes_any_datagram_to_a_reply_or_a_drop_reason(byte[] input) {
        for (EchoKey key : new EchoKey[] {null, EchoKey.of(EchoRequestFuzzTest.TOKEN)}) {
            ByteBuffer datagram = ByteBuffer.wrap(input.clone());
            EchoDecoded<EchoReply> decoded = EchoCodec.decodeReply(datagram, key);
            assertThat(datagram.position()).isZero();
            assertThat(datagram.limit()).isEqualTo(input.length);
            assertThat(datagram.array()).containsExactly(input);
            if (decoded.isOk()) {
                assertThat(decoded.value().sizeBytes()).isEqualTo(input.length);
                assertThat(decoded.value().authenticated()).isEqualTo(key != null);
            } else {
                assertThat(decoded.reason()).isNotEqualTo(DropReason.RATE_LIMITED);
            }
        }
    }
}
