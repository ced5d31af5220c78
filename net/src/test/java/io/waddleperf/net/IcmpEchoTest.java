package io.waddleperf.net;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class IcmpEchoTest {

    @Test
    void checksum_matches_rfc_1071_worked_example() {
        // RFC 1071 §3: words 0001 f203 f4f5 f6f7 sum to ddf2 (ones' complement); the checksum is its complement 220d.
        byte[] data = {0x00, 0x01, (byte) 0xf2, 0x03, (byte) 0xf4, (byte) 0xf5, (byte) 0xf6, (byte) 0xf7};
        assertThat(IcmpEcho.checksum(data, 0, data.length)).isEqualTo(0x220d);
    }

    @Property(tries = 200)
    void a_checksummed_request_sums_to_zero(@ForAll @IntRange(max = 65535) int id, @ForAll @IntRange(max = 65535) int seq,
                                            @ForAll @Size(max = 100) byte[] data) {
        byte[] packet = IcmpEcho.request(false, id, seq, data, true);
        assertThat(IcmpEcho.checksum(packet, 0, packet.length)).isZero();
        assertThat(packet[0]).isEqualTo((byte) 8);
        assertThat(IcmpEcho.quotedRequestSequence(packet, false)).isEqualTo(seq);
    }

    @Test
    void parses_a_reply_behind_an_ipv4_header_with_its_ttl() {
        byte[] icmp = IcmpEcho.request(false, 0xBEEF, 7, new byte[] {1, 2, 3}, false);
        icmp[0] = 0; // echo reply
        byte[] packet = new byte[24 + icmp.length];
        packet[0] = 0x46; // version 4, IHL 6 (24 bytes: one option word)
        packet[8] = 61;
        System.arraycopy(icmp, 0, packet, 24, icmp.length);
        assertThat(IcmpEcho.parseReply(packet, packet.length, false, true)).isEqualTo(new IcmpEcho.Reply(0xBEEF, 7, 3, 61));
    }

    @Test
    void ignores_requests_and_short_or_foreign_packets() {
        byte[] request = IcmpEcho.request(true, 1, 2, new byte[4], false);
        assertThat(IcmpEcho.parseReply(request, request.length, true, false)).isNull();
        request[0] = (byte) IcmpEcho.ECHO_REPLY_V6;
        assertThat(IcmpEcho.parseReply(request, request.length, true, false)).isEqualTo(new IcmpEcho.Reply(1, 2, 4, -1));
        assertThat(IcmpEcho.parseReply(request, 7, true, false)).isNull();
        assertThat(IcmpEcho.parseReply(new byte[30], 30, false, true)).isNull(); // not IPv4
        assertThat(IcmpEcho.quotedRequestSequence(new byte[3], true)).isEqualTo(-1);
    }
}
