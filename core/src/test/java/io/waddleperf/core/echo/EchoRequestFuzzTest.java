package io.waddleperf.core.echo;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Jazzer fuzz test of the UDP echo codec on arbitrary datagrams as the server reads them (docs/PROTOCOL-udp-echo.md).
 * Its contract: decoding never throws and never moves or changes the buffer; it answers a value or a {@link
 * DropReason}; a request the server accepts becomes, in place, a reply of the same length that the client accepts with
 * the same sequence and client timestamp ({@link EchoReplyFuzzTest} fuzzes the client's decoding). Seeds: {@code
 * src/test/resources/io/waddleperf/core/echo/EchoRequestFuzzTestInputs/<method>/}; real fuzzing with {@code
 * scripts/fuzz} (docs/RELIABILITY.md).
 */
class EchoRequestFuzzTest {

    /** The token the seeds' authenticated datagrams are signed with. */
    static final String TOKEN = "fuzz-token";

    @FuzzTest(maxDuration = "30s")
    void server_answers_only_valid_requests_and_the_client_accepts_the_answer(byte[] input) {
        for (EchoKeyring keyring : List.of(EchoKeyring.open(), EchoKeyring.of(List.of(TOKEN)))) {
            // An offset datagram: the codec must read relative to the buffer's position.
            ByteBuffer datagram = ByteBuffer.allocate(input.length + 3).put(new byte[3]).put(input).position(3);
            ByteBuffer before = datagram.duplicate();
            EchoDecoded<EchoRequest> decoded = EchoCodec.decodeRequest(datagram, keyring);
            assertThat(datagram.position()).isEqualTo(3);
            assertThat(datagram.limit()).isEqualTo(input.length + 3);
            assertThat(datagram.array()).containsExactly(before.array());
            assertThat(EchoCodec.checkRequest(datagram, keyring)).isEqualTo(decoded.reason());
            if (!decoded.isOk()) {
                continue;
            }
            EchoRequest request = decoded.value();
            assertThat(request.sizeBytes()).isEqualTo(input.length).isGreaterThanOrEqualTo(EchoCodec.HEADER_BYTES);
            EchoCodec.toReply(datagram, 11, 22, keyring);
            assertThat(datagram.remaining()).isEqualTo(input.length);
            EchoKey key = request.authenticated() ? keyring.find(request.keyId()) : null;
            EchoDecoded<EchoReply> reply = EchoCodec.decodeReply(datagram, key);
            assertThat(reply.reason()).isNull();
            assertThat(reply.value().sequence()).isEqualTo(request.sequence());
            assertThat(reply.value().clientSendNanos()).isEqualTo(request.clientSendNanos());
            assertThat(reply.value().serverProcessingNanos()).isEqualTo(11);
            assertThat(reply.value().sizeBytes()).isEqualTo(input.length);
        }
    }
}
