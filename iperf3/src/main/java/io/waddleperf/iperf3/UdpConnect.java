package io.waddleperf.iperf3;

import java.nio.ByteBuffer;

/**
 * The 4-byte datagrams that open an iperf3 UDP stream ({@code iperf_udp_connect}/{@code iperf_udp_accept},
 * {@code src/iperf_udp.c}, 3.12+): the client sends the bytes "9876", the server answers "6789" from the socket it
 * connected to the client. These are literal byte sequences on the wire, whatever the host's byte order.
 */
public final class UdpConnect {

    /** Size of both datagrams. */
    public static final int SIZE = 4;

    private static final byte[] CONNECT = {0x39, 0x38, 0x37, 0x36};
    private static final byte[] REPLY = {0x36, 0x37, 0x38, 0x39};
    /** 987654321 in little-endian host order, the reply of iperf3 ≤ 3.11 servers on x86. */
    private static final byte[] LEGACY_REPLY = {(byte) 0xB1, 0x68, (byte) 0xDE, 0x3A};

    private UdpConnect() {
    }

    /** A fresh buffer holding the client's connect datagram. */
    public static ByteBuffer connectMessage() {
        return ByteBuffer.wrap(CONNECT.clone());
    }

    /** A fresh buffer holding the server's reply datagram. */
    public static ByteBuffer replyMessage() {
        return ByteBuffer.wrap(REPLY.clone());
    }

    /** Whether 4 received bytes are a reply a 3.12 client accepts (current or legacy). */
    public static boolean isReply(ByteBuffer bytes) {
        if (bytes.remaining() != SIZE) {
            return false;
        }
        return bytes.equals(ByteBuffer.wrap(REPLY)) || bytes.equals(ByteBuffer.wrap(LEGACY_REPLY));
    }
}
