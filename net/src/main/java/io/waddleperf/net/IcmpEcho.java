package io.waddleperf.net;

/**
 * ICMP / ICMPv6 echo messages: {@code type, code, checksum, identifier, sequence, data} (RFC 792 "Echo or Echo
 * Reply Message"; RFC 4443 §4.1-4.2), with the Internet checksum of RFC 1071.
 */
public final class IcmpEcho {

    public static final int HEADER_BYTES = 8;
    public static final int ECHO_REQUEST_V4 = 8;
    public static final int ECHO_REPLY_V4 = 0;
    public static final int ECHO_REQUEST_V6 = 128;
    public static final int ECHO_REPLY_V6 = 129;

    private IcmpEcho() {
    }

    /** An echo reply: identifier, sequence, echoed data length and the IP TTL / hop limit it arrived with (-1 if unknown). */
    public record Reply(int identifier, int sequence, int dataBytes, int ttl) {
    }

    /**
     * An echo request. The checksum is filled in only when {@code withChecksum} — raw ICMPv4 sockets; the kernel
     * fills it for ICMP datagram sockets (and rewrites the identifier) and for raw ICMPv6 sockets (RFC 3542 §3.1).
     */
    public static byte[] request(boolean ipv6, int identifier, int sequence, byte[] data, boolean withChecksum) {
        byte[] packet = new byte[HEADER_BYTES + data.length];
        packet[0] = (byte) (ipv6 ? ECHO_REQUEST_V6 : ECHO_REQUEST_V4);
        packet[4] = (byte) (identifier >>> 8);
        packet[5] = (byte) identifier;
        packet[6] = (byte) (sequence >>> 8);
        packet[7] = (byte) sequence;
        System.arraycopy(data, 0, packet, HEADER_BYTES, data.length);
        if (withChecksum) {
            int sum = checksum(packet, 0, packet.length);
            packet[2] = (byte) (sum >>> 8);
            packet[3] = (byte) sum;
        }
        return packet;
    }

    /** RFC 1071: the ones' complement of the ones' complement sum of the 16-bit big-endian words (odd byte padded with 0). */
    public static int checksum(byte[] bytes, int offset, int length) {
        long sum = 0;
        int i = offset;
        for (; i + 1 < offset + length; i += 2) {
            sum += ((bytes[i] & 0xFF) << 8) | (bytes[i + 1] & 0xFF);
        }
        if (i < offset + length) {
            sum += (bytes[i] & 0xFF) << 8;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) (~sum & 0xFFFF);
    }

    /**
     * Parses an echo reply; null for anything else (other ICMP types, our own requests seen on a raw socket, short
     * packets). With {@code ipv4Header} the packet starts with the IPv4 header, as raw IPv4 sockets deliver it (raw(7));
     * its TTL (byte 8, RFC 791) is then reported.
     */
    public static Reply parseReply(byte[] packet, int length, boolean ipv6, boolean ipv4Header) {
        int offset = 0;
        int ttl = -1;
        if (ipv4Header) {
            if (length < 20 || (packet[0] & 0xF0) != 0x40) {
                return null;
            }
            offset = (packet[0] & 0x0F) * 4;
            ttl = packet[8] & 0xFF;
        }
        if (length - offset < HEADER_BYTES) {
            return null;
        }
        int type = packet[offset] & 0xFF;
        if (type != (ipv6 ? ECHO_REPLY_V6 : ECHO_REPLY_V4) || packet[offset + 1] != 0) {
            return null;
        }
        return new Reply(u16(packet, offset + 4), u16(packet, offset + 6), length - offset - HEADER_BYTES, ttl);
    }

    /**
     * The sequence number of the echo request quoted in an error-queue message (the kernel returns the datagram we
     * sent: ICMP header first, or an IPv4 header first on raw sockets); -1 if it is not an echo request.
     */
    public static int quotedRequestSequence(byte[] packet, boolean ipv6) {
        int offset = quotedRequestOffset(packet, ipv6);
        return offset < 0 ? -1 : u16(packet, offset + 6);
    }

    /** The identifier of the echo request quoted in an error-queue message, as {@link #quotedRequestSequence}; -1 if none. */
    public static int quotedRequestIdentifier(byte[] packet, boolean ipv6) {
        int offset = quotedRequestOffset(packet, ipv6);
        return offset < 0 ? -1 : u16(packet, offset + 4);
    }

    private static int quotedRequestOffset(byte[] packet, boolean ipv6) {
        int offset = 0;
        if (!ipv6 && packet.length >= 20 && (packet[0] & 0xF0) == 0x40) {
            offset = (packet[0] & 0x0F) * 4;
        }
        if (packet.length - offset < HEADER_BYTES || (packet[offset] & 0xFF) != (ipv6 ? ECHO_REQUEST_V6 : ECHO_REQUEST_V4)) {
            return -1;
        }
        return offset;
    }

    private static int u16(byte[] b, int i) {
        return ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
    }
}
