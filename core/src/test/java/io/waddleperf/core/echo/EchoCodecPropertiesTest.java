package io.waddleperf.core.echo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Properties of the echo codec over generated datagrams (round trip, robustness, no amplification). */
class EchoCodecPropertiesTest {

    private static final String TOKEN = "property-token";
    // Built once: making a Mac is the slow part, and jqwik runs tries one after another on one thread.
    private final EchoKey key = EchoKey.of(TOKEN);
    private final EchoKeyring secured = EchoKeyring.of(List.of(TOKEN));
    private final EchoKeyring open = EchoKeyring.open();

    @Property(tries = 300)
    void request_and_reply_round_trip(@ForAll long sequence, @ForAll long clientSendNanos,
                                      @ForAll @IntRange(min = 60, max = 4096) int size, @ForAll boolean authenticated,
                                      @ForAll long serverReceive, @ForAll long serverSend) {
        EchoKey key = authenticated ? this.key : null;
        EchoKeyring keyring = authenticated ? secured : open;
        ByteBuffer buf = ByteBuffer.allocateDirect(4096);
        EchoCodec.encodeRequest(buf, sequence, clientSendNanos, size, key);

        EchoRequest request = EchoCodec.decodeRequest(buf, keyring).value();
        assertThat(request).isEqualTo(new EchoRequest(sequence, clientSendNanos, size, authenticated ? key.keyId() : null));

        EchoCodec.toReply(buf, serverReceive, serverSend, keyring);
        EchoReply reply = EchoCodec.decodeReply(buf, key).value();
        assertThat(reply).isEqualTo(new EchoReply(sequence, clientSendNanos, serverReceive, serverSend, size, authenticated));
    }

    @Property(tries = 2000)
    void decoding_arbitrary_bytes_never_throws(@ForAll @Size(max = 200) byte[] bytes, @ForAll boolean direct) {
        ByteBuffer buf = direct ? ByteBuffer.allocateDirect(bytes.length).put(bytes).flip() : ByteBuffer.wrap(bytes);
        EchoDecoded<EchoRequest> plain = EchoCodec.decodeRequest(buf, open);
        EchoDecoded<EchoRequest> authed = EchoCodec.decodeRequest(buf, secured);
        EchoDecoded<EchoReply> reply = EchoCodec.decodeReply(buf, null);
        EchoDecoded<EchoReply> authedReply = EchoCodec.decodeReply(buf, key);
        assertThat(List.of(plain, authed, reply, authedReply)).allSatisfy(d -> assertThat(d).isNotNull());
        assertThat(buf.position()).isZero();
        assertThat(buf.limit()).isEqualTo(bytes.length);
    }

    @Property(tries = 2000)
    void decoding_mutated_echo_datagrams_never_throws_and_replies_are_never_longer(
            @ForAll("nearlyValid") byte[] bytes) {
        for (EchoKeyring keyring : List.of(open, secured)) {
            ByteBuffer buf = ByteBuffer.wrap(bytes.clone());
            DropReason drop = EchoCodec.checkRequest(buf, keyring);
            EchoCodec.decodeReply(buf, key);
            if (drop == null) {
                EchoCodec.toReply(buf, 1, 2, keyring);
                assertThat(buf.remaining()).isEqualTo(bytes.length);
                assertThat(EchoCodec.decodeReply(buf, keyring.requiresAuth() ? key : null).isOk()).isTrue();
            }
        }
    }

    @Property(tries = 500)
    void any_single_byte_change_to_an_authenticated_request_is_rejected(
            @ForAll @IntRange(min = 60, max = 300) int size, @ForAll @IntRange(min = 0, max = 299) int index,
            @ForAll @IntRange(min = 1, max = 255) int xor) {
        ByteBuffer buf = ByteBuffer.allocate(size);
        EchoCodec.encodeRequest(buf, 42, 4242, size, key);
        int at = index % size;
        buf.put(at, (byte) (buf.get(at) ^ xor));
        assertThat(EchoCodec.checkRequest(buf, secured)).isNotNull();
    }

    /** Valid requests (signed or not) with up to three bytes overwritten, cut short about half of the time. */
    @Provide
    Arbitrary<byte[]> nearlyValid() {
        Arbitrary<Integer> sizes = Arbitraries.integers().between(60, 200);
        return sizes.flatMap(size -> Arbitraries.integers().between(0, 3).flatMap(changes ->
                Arbitraries.integers().between(0, 199).list().ofSize(changes).flatMap(positions ->
                        Arbitraries.bytes().list().ofSize(changes).flatMap(values ->
                                Arbitraries.integers().between(0, 2 * size).flatMap(cut ->
                                        Arbitraries.of(true, false).map(auth -> {
                                            ByteBuffer buf = ByteBuffer.allocate(size);
                                            EchoCodec.encodeRequest(buf, 1, 2, size, auth ? key : null);
                                            byte[] b = buf.array();
                                            for (int i = 0; i < changes; i++) {
                                                b[positions.get(i) % size] = values.get(i);
                                            }
                                            return Arrays.copyOf(b, Math.min(cut, size));
                                        }))))));
    }
}
