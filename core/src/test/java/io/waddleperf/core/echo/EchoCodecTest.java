package io.waddleperf.core.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class EchoCodecTest {

    private static final EchoKeyring OPEN = EchoKeyring.open();

    private static ByteBuffer request(int size, EchoKey key) {
        ByteBuffer buf = ByteBuffer.allocate(65_535);
        EchoCodec.encodeRequest(buf, 7, 123_456_789L, size, key);
        return buf;
    }

    private static byte[] bytes(ByteBuffer buf) {
        byte[] out = new byte[buf.remaining()];
        buf.get(buf.position(), out);
        return out;
    }

    @Test
    void a_request_stamped_after_encoding_is_the_request_encoded_with_that_time_and_verifies() {
        for (EchoKey key : new EchoKey[] {null, EchoKey.of("stamp-token")}) {
            ByteBuffer stamped = ByteBuffer.allocateDirect(256);
            EchoCodec.encodeRequest(stamped, 7, 0L, 100, key);
            EchoCodec.stampRequest(stamped, 123_456_789L, key);
            assertThat(stamped.position()).isZero();
            assertThat(stamped.limit()).isEqualTo(100);
            assertThat(bytes(stamped)).isEqualTo(bytes(request(100, key)));
            EchoKeyring ring = key == null ? OPEN : EchoKeyring.of(List.of("stamp-token"));
            assertThat(EchoCodec.checkRequest(stamped, ring)).isNull();
        }
    }

    @Test
    void encodes_the_documented_big_endian_layout() {
        ByteBuffer buf = ByteBuffer.allocateDirect(128);
        EchoCodec.encodeRequest(buf, 0x0102030405060708L, 0x1112131415161718L, 48, null);
        assertThat(buf.position()).isZero();
        assertThat(buf.limit()).isEqualTo(48);
        assertThat(HexFormat.of().formatHex(bytes(buf))).isEqualTo(
                "57504543" + "01" + "00" + "0000"
                        + "0102030405060708" + "1112131415161718"
                        + "0000000000000000" + "0000000000000000"
                        + "0000000000000000");
    }

    @Test
    void signs_with_truncated_hmac_sha256_over_the_datagram_with_a_zero_mac_field() throws Exception {
        String token = "s3cret-token";
        ByteBuffer buf = request(80, EchoKey.of(token));
        byte[] datagram = bytes(buf);
        assertThat(datagram[5]).isEqualTo((byte) EchoCodec.FLAG_AUTH);

        byte[] sha = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        assertThat(Arrays.copyOfRange(datagram, 40, 44)).isEqualTo(Arrays.copyOf(sha, 4));

        byte[] zeroed = datagram.clone();
        Arrays.fill(zeroed, 44, 60, (byte) 0);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(token.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        byte[] expected = Arrays.copyOf(mac.doFinal(zeroed), 16);
        assertThat(Arrays.copyOfRange(datagram, 44, 60)).isEqualTo(expected);
    }

    @Test
    void decodes_a_request_it_encoded() {
        EchoDecoded<EchoRequest> d = EchoCodec.decodeRequest(request(64, null), OPEN);
        assertThat(d.isOk()).isTrue();
        assertThat(d.value()).isEqualTo(new EchoRequest(7, 123_456_789L, 64, null));
    }

    @Test
    void turns_a_request_into_a_reply_of_the_same_length_in_place() {
        ByteBuffer buf = request(100, null);
        EchoCodec.toReply(buf, 1_000L, 1_500L, OPEN);
        assertThat(buf.remaining()).isEqualTo(100);
        EchoDecoded<EchoReply> d = EchoCodec.decodeReply(buf, null);
        assertThat(d.value()).isEqualTo(new EchoReply(7, 123_456_789L, 1_000L, 1_500L, 100, false));
        assertThat(d.value().serverProcessingNanos()).isEqualTo(500L);
    }

    @Test
    void authenticated_round_trip_verifies_both_directions() {
        EchoKeyring server = EchoKeyring.of(List.of("other", "shared"));
        EchoKey client = EchoKey.of("shared");
        ByteBuffer buf = request(60, client);
        EchoDecoded<EchoRequest> req = EchoCodec.decodeRequest(buf, server);
        assertThat(req.value().keyId()).isEqualTo(client.keyId());
        EchoCodec.toReply(buf, 5, 6, server);
        EchoDecoded<EchoReply> reply = EchoCodec.decodeReply(buf, client);
        assertThat(reply.value().authenticated()).isTrue();
        assertThat(reply.value().serverSendNanos()).isEqualTo(6);
    }

    @Test
    void rejects_tampered_or_foreign_authenticated_replies() {
        EchoKeyring server = EchoKeyring.of(List.of("shared"));
        ByteBuffer buf = request(64, EchoKey.of("shared"));
        EchoCodec.toReply(buf, 5, 6, server);

        assertThat(EchoCodec.decodeReply(buf, EchoKey.of("another")).reason()).isEqualTo(DropReason.UNKNOWN_KEY);
        assertThat(EchoCodec.decodeReply(buf, null).reason()).isEqualTo(DropReason.UNKNOWN_KEY);
        buf.put(30, (byte) (buf.get(30) ^ 1));
        assertThat(EchoCodec.decodeReply(buf, EchoKey.of("shared")).reason()).isEqualTo(DropReason.BAD_MAC);

        ByteBuffer plain = request(64, null);
        EchoCodec.toReply(plain, 5, 6, OPEN);
        assertThat(EchoCodec.decodeReply(plain, EchoKey.of("shared")).reason()).isEqualTo(DropReason.AUTH_MISSING);
    }

    @Test
    void drops_each_kind_of_bad_request_with_its_reason() {
        EchoKeyring secured = EchoKeyring.of(List.of("shared"));
        assertThat(check(new byte[0], OPEN)).isEqualTo(DropReason.NOT_ECHO);
        assertThat(check(new byte[] {0x57, 0x50, 0x45}, OPEN)).isEqualTo(DropReason.NOT_ECHO);
        assertThat(check("GET / HTTP/1.1\r\n\r\n........................".getBytes(StandardCharsets.US_ASCII), OPEN))
                .isEqualTo(DropReason.NOT_ECHO);
        assertThat(check(new byte[] {0x57, 0x50, 0x45, 0x43}, OPEN)).isEqualTo(DropReason.TOO_SHORT);

        byte[] valid = bytes(request(64, null));
        assertThat(check(Arrays.copyOf(valid, 39), OPEN)).isEqualTo(DropReason.TOO_SHORT);
        assertThat(check(Arrays.copyOf(valid, 5), OPEN)).isEqualTo(DropReason.TOO_SHORT);
        assertThat(check(with(valid, 4, 2), OPEN)).isEqualTo(DropReason.UNKNOWN_VERSION);
        assertThat(check(Arrays.copyOf(with(valid, 4, 9), 5), OPEN)).isEqualTo(DropReason.UNKNOWN_VERSION);
        assertThat(check(with(valid, 5, 0x80), OPEN)).isEqualTo(DropReason.BAD_FLAGS);
        assertThat(check(with(valid, 5, EchoCodec.FLAG_REPLY), OPEN)).isEqualTo(DropReason.WRONG_DIRECTION);
        assertThat(check(with(valid, 5, EchoCodec.FLAG_AUTH), OPEN)).isEqualTo(DropReason.UNKNOWN_KEY);
        assertThat(check(with(Arrays.copyOf(valid, 59), 5, EchoCodec.FLAG_AUTH), OPEN)).isEqualTo(DropReason.TOO_SHORT);
        assertThat(check(valid, secured)).isEqualTo(DropReason.AUTH_MISSING);

        byte[] signed = bytes(request(64, EchoKey.of("shared")));
        assertThat(check(signed, secured)).isNull();
        assertThat(check(signed, EchoKeyring.of(List.of("not-this-one")))).isEqualTo(DropReason.UNKNOWN_KEY);
        assertThat(check(with(signed, 63, 0x55), secured)).isEqualTo(DropReason.BAD_MAC);
        assertThat(check(with(signed, 50, signed[50] ^ 0x01), secured)).isEqualTo(DropReason.BAD_MAC);
    }

    @Test
    void ignores_the_reserved_bytes_and_echoes_them() {
        byte[] valid = with(bytes(request(64, null)), 6, 0x7f);
        ByteBuffer buf = ByteBuffer.wrap(valid);
        assertThat(EchoCodec.checkRequest(buf, OPEN)).isNull();
        EchoCodec.toReply(buf, 1, 2, OPEN);
        assertThat(valid[6]).isEqualTo((byte) 0x7f);
    }

    @Test
    void decodes_a_datagram_at_any_position_without_moving_the_buffer() {
        byte[] valid = bytes(request(64, null));
        ByteBuffer buf = ByteBuffer.allocateDirect(200);
        buf.position(17);
        buf.put(valid);
        buf.limit(17 + 64).position(17);
        assertThat(EchoCodec.decodeRequest(buf, OPEN).value().sizeBytes()).isEqualTo(64);
        assertThat(buf.position()).isEqualTo(17);
        assertThat(buf.limit()).isEqualTo(81);
        EchoCodec.toReply(buf, 3, 4, OPEN);
        assertThat(EchoCodec.decodeReply(buf, null).value().serverReceiveNanos()).isEqualTo(3);
    }

    @Test
    void verifies_macs_in_direct_buffers_at_an_offset() {
        EchoKey key = EchoKey.of("shared");
        byte[] signed = bytes(request(300, key));
        ByteBuffer direct = ByteBuffer.allocateDirect(400);
        direct.position(33);
        direct.put(signed);
        direct.limit(333).position(33);
        assertThat(EchoCodec.checkRequest(direct, EchoKeyring.of(List.of("shared")))).isNull();
        assertThat(direct.position()).isEqualTo(33);
        assertThat(direct.limit()).isEqualTo(333);
    }

    @Test
    void refuses_to_encode_requests_too_small_for_the_reply_fields() {
        ByteBuffer buf = ByteBuffer.allocate(100);
        assertThatThrownBy(() -> EchoCodec.encodeRequest(buf, 1, 1, 39, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("40-");
        assertThatThrownBy(() -> EchoCodec.encodeRequest(buf, 1, 1, 59, EchoKey.of("t")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("60-");
        assertThatThrownBy(() -> EchoCodec.encodeRequest(buf, 1, 1, 101, null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refuses_to_reply_to_an_invalid_request() {
        ByteBuffer buf = ByteBuffer.wrap(with(bytes(request(64, null)), 4, 3));
        assertThatThrownBy(() -> EchoCodec.toReply(buf, 1, 2, OPEN)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown_version");
    }

    @Test
    void rejects_empty_and_colliding_tokens() {
        assertThatThrownBy(() -> EchoKey.of("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EchoKeyring.of(List.of("same", "same"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("key id");
        assertThat(EchoKeyring.open().requiresAuth()).isFalse();
    }

    @Test
    void decoded_holds_exactly_one_of_value_and_reason() {
        assertThat(EchoDecoded.<EchoReply>dropped(DropReason.BAD_MAC)).isSameAs(EchoDecoded.dropped(DropReason.BAD_MAC));
        assertThatThrownBy(() -> new EchoDecoded<>("x", DropReason.BAD_MAC)).isInstanceOf(IllegalArgumentException.class);
        assertThat(DropReason.RATE_LIMITED.wireName()).isEqualTo("rate_limited");
    }

    private static DropReason check(byte[] datagram, EchoKeyring keyring) {
        return EchoCodec.checkRequest(ByteBuffer.wrap(datagram), keyring);
    }

    private static byte[] with(byte[] datagram, int index, int value) {
        byte[] copy = datagram.clone();
        copy[index] = (byte) value;
        return copy;
    }
}
