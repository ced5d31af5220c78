package io.waddleperf.iperf3;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class UdpWireTest {

    @Test
    void header_is_sec_usec_and_counter_big_endian() {
        ByteBuffer b = ByteBuffer.allocate(32);
        UdpHeader.write(b, 5_000_123_456L, 7, false);
        assertThat(HexFormat.of().formatHex(b.array(), 0, 12)).isEqualTo("00000005" + "0000007b" + "00000007");
        UdpHeader.write(b, 1_000_000_000L, 0x1_0000_0001L, true);
        assertThat(HexFormat.of().formatHex(b.array(), 0, 16)).isEqualTo("00000001" + "00000000" + "0000000100000001");
        assertThat(b.position()).isZero();
    }

    @Property(tries = 500)
    void header_round_trips(@ForAll @LongRange(min = 0, max = 4_000_000_000_000_000L) long nanos,
            @ForAll @LongRange(min = 1, max = 0xFFFF_FFFFL) long count, @ForAll boolean wide) {
        ByteBuffer b = ByteBuffer.allocate(64);
        UdpHeader.write(b, nanos, count, wide);
        long expectedNanos = (nanos / 1_000_000_000L % (1L << 32)) * 1_000_000_000L + nanos % 1_000_000_000L / 1000 * 1000;
        assertThat(UdpHeader.sentNanos(b)).isEqualTo(expectedNanos);
        assertThat(UdpHeader.packetCount(b, wide)).isEqualTo(count);
    }

    @Test
    void connect_bytes_are_the_literal_312_strings() {
        assertThat(UdpConnect.connectMessage().array()).containsExactly('9', '8', '7', '6');
        assertThat(UdpConnect.replyMessage().array()).containsExactly('6', '7', '8', '9');
        assertThat(UdpConnect.isReply(UdpConnect.replyMessage())).isTrue();
        assertThat(UdpConnect.isReply(ByteBuffer.wrap(new byte[] {(byte) 0xB1, 0x68, (byte) 0xDE, 0x3A}))).isTrue();
        assertThat(UdpConnect.isReply(UdpConnect.connectMessage())).isFalse();
    }

    @Test
    void repeating_payload_is_digits() {
        ByteBuffer b = ByteBuffer.allocateDirect(25);
        Payload.fill(b, true);
        byte[] out = new byte[25];
        b.get(0, out);
        assertThat(new String(out, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("0123456789012345678901234");
    }

    @Test
    void cookie_is_36_base32_characters_and_a_nul() {
        Cookie c = Cookie.random();
        byte[] b = c.bytes();
        assertThat(b).hasSize(Cookie.SIZE);
        assertThat(b[36]).isZero();
        assertThat(c.text()).matches("[a-z2-7]{36}");
        assertThat(Cookie.of(b)).isEqualTo(c);
        assertThat(Cookie.random()).isNotEqualTo(c);
    }
}
