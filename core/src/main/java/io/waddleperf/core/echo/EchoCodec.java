package io.waddleperf.core.echo;

import java.nio.ByteBuffer;

/**
 * The codec of the UDP echo protocol, version 1 (docs/PROTOCOL-udp-echo.md): big-endian fields at fixed
 * offsets, a reply the same length as its request. A datagram is the bytes between a buffer's position and
 * limit; only absolute gets and puts are used, so decoding never moves the buffer, and nothing is allocated
 * per datagram on the paths the server uses ({@link #checkRequest}, {@link #toReply}). Decoding never throws
 * on arbitrary bytes: it returns a {@link DropReason}.
 */
public final class EchoCodec {

    /** ASCII "WPEC" (WaddlePerf echo). */
    public static final int MAGIC = 0x5750_4543;
    public static final int VERSION = 1;

    public static final int FLAG_REPLY = 0x01;
    public static final int FLAG_AUTH = 0x02;
    /** Flag bits with no meaning in version 1; a datagram with any set is dropped. */
    public static final int RESERVED_FLAGS = 0xFC;

    public static final int OFFSET_VERSION = 4;
    public static final int OFFSET_FLAGS = 5;
    public static final int OFFSET_SEQUENCE = 8;
    public static final int OFFSET_CLIENT_SEND = 16;
    public static final int OFFSET_SERVER_RECEIVE = 24;
    public static final int OFFSET_SERVER_SEND = 32;
    public static final int OFFSET_KEY_ID = 40;
    public static final int OFFSET_MAC = 44;
    public static final int MAC_BYTES = 16;

    /** Header of an unauthenticated datagram, reply fields included. */
    public static final int HEADER_BYTES = 40;
    /** Header of an authenticated datagram: key id and MAC follow the plain header. */
    public static final int AUTH_HEADER_BYTES = 60;
    /** Largest UDP payload over IPv4: 65535 - 8 (UDP) - 20 (IPv4). */
    public static final int MAX_DATAGRAM_BYTES = 65_507;

    private EchoCodec() {
    }

    /** Smallest request (and reply) with or without authentication. */
    public static int minimumSize(boolean authenticated) {
        return authenticated ? AUTH_HEADER_BYTES : HEADER_BYTES;
    }

    /**
     * Writes a request of {@code sizeBytes} at the start of {@code dst} (index 0) and leaves the buffer ready to
     * send (position 0, limit {@code sizeBytes}). Padding is zeros; with a key it is signed.
     *
     * @throws IllegalArgumentException when the size is below {@link #minimumSize} or above the buffer or
     *                                  {@link #MAX_DATAGRAM_BYTES}
     */
    public static void encodeRequest(ByteBuffer dst, long sequence, long clientSendNanos, int sizeBytes, EchoKey key) {
        int min = minimumSize(key != null);
        if (sizeBytes < min || sizeBytes > MAX_DATAGRAM_BYTES || sizeBytes > dst.capacity()) {
            throw new IllegalArgumentException("echo request size must be " + min + "-"
                    + Math.min(MAX_DATAGRAM_BYTES, dst.capacity()) + " bytes, got " + sizeBytes);
        }
        dst.clear();
        dst.putInt(0, MAGIC);
        dst.put(OFFSET_VERSION, (byte) VERSION);
        dst.put(OFFSET_FLAGS, (byte) (key == null ? 0 : FLAG_AUTH));
        dst.putShort(6, (short) 0);
        dst.putLong(OFFSET_SEQUENCE, sequence);
        dst.putLong(OFFSET_CLIENT_SEND, clientSendNanos);
        dst.putLong(OFFSET_SERVER_RECEIVE, 0L);
        dst.putLong(OFFSET_SERVER_SEND, 0L);
        int header = HEADER_BYTES;
        if (key != null) {
            dst.putInt(OFFSET_KEY_ID, key.keyId());
            header = AUTH_HEADER_BYTES;
        }
        zero(dst, header, sizeBytes);
        dst.limit(sizeBytes);
        if (key != null) {
            key.sign(dst, 0, sizeBytes);
        }
    }

    /**
     * Sets the client send time of a request that {@link #encodeRequest} wrote into {@code dst} (index 0, limit its
     * size), and signs it again when keyed. Lets a sender encode before it reads the clock and put only the time in
     * after: the time is what its RTT starts from, so the encoding is not part of the RTT (docs/BENCHMARKS.md §5).
     * Without a key this is one write of 8 bytes; with one, the MAC covers the time, so it is computed here.
     */
    public static void stampRequest(ByteBuffer dst, long clientSendNanos, EchoKey key) {
        dst.putLong(OFFSET_CLIENT_SEND, clientSendNanos);
        if (key != null) {
            key.sign(dst, 0, dst.limit());
        }
    }

    /**
     * The server's validation of one datagram (docs/PROTOCOL-udp-echo.md §6, checks 1-10, in that order).
     *
     * @return the reason to drop it, or {@code null} when it is a valid request to answer
     */
    public static DropReason checkRequest(ByteBuffer datagram, EchoKeyring keyring) {
        int base = datagram.position();
        int length = datagram.remaining();
        DropReason header = checkHeader(datagram, base, length, false);
        if (header != null) {
            return header;
        }
        boolean auth = (datagram.get(base + OFFSET_FLAGS) & FLAG_AUTH) != 0;
        if (!auth) {
            return keyring.requiresAuth() ? DropReason.AUTH_MISSING : null;
        }
        EchoKey key = keyring.find(datagram.getInt(base + OFFSET_KEY_ID));
        if (key == null) {
            return DropReason.UNKNOWN_KEY;
        }
        return key.verify(datagram, base, length) ? null : DropReason.BAD_MAC;
    }

    /** Decodes a request as {@link #checkRequest} validates it. */
    public static EchoDecoded<EchoRequest> decodeRequest(ByteBuffer datagram, EchoKeyring keyring) {
        DropReason drop = checkRequest(datagram, keyring);
        if (drop != null) {
            return EchoDecoded.dropped(drop);
        }
        int base = datagram.position();
        boolean auth = (datagram.get(base + OFFSET_FLAGS) & FLAG_AUTH) != 0;
        return EchoDecoded.ok(new EchoRequest(datagram.getLong(base + OFFSET_SEQUENCE),
                datagram.getLong(base + OFFSET_CLIENT_SEND), datagram.remaining(),
                auth ? datagram.getInt(base + OFFSET_KEY_ID) : null));
    }

    /**
     * Turns a request that {@link #checkRequest} accepted into its reply, in place and with the same length:
     * sets {@code REPLY}, writes the server timestamps and, when authenticated, re-signs it with the key that
     * signed the request. Position and limit are unchanged.
     *
     * @throws IllegalArgumentException when the datagram is not a valid request for this keyring
     */
    public static void toReply(ByteBuffer datagram, long serverReceiveNanos, long serverSendNanos, EchoKeyring keyring) {
        int base = datagram.position();
        int length = datagram.remaining();
        DropReason header = checkHeader(datagram, base, length, false);
        if (header != null) {
            throw new IllegalArgumentException("not a valid echo request: " + header.wireName());
        }
        int flags = datagram.get(base + OFFSET_FLAGS);
        EchoKey key = null;
        if ((flags & FLAG_AUTH) != 0) {
            key = keyring.find(datagram.getInt(base + OFFSET_KEY_ID));
            if (key == null) {
                throw new IllegalArgumentException("not a valid echo request: " + DropReason.UNKNOWN_KEY.wireName());
            }
        }
        datagram.put(base + OFFSET_FLAGS, (byte) (flags | FLAG_REPLY));
        datagram.putLong(base + OFFSET_SERVER_RECEIVE, serverReceiveNanos);
        datagram.putLong(base + OFFSET_SERVER_SEND, serverSendNanos);
        if (key != null) {
            key.sign(datagram, base, length);
        }
    }

    /**
     * The client's decoding of one datagram from the server. With a {@code key} the reply must carry that key's
     * id and a correct MAC; without one it must be unauthenticated.
     */
    public static EchoDecoded<EchoReply> decodeReply(ByteBuffer datagram, EchoKey key) {
        int base = datagram.position();
        int length = datagram.remaining();
        DropReason header = checkHeader(datagram, base, length, true);
        if (header != null) {
            return EchoDecoded.dropped(header);
        }
        boolean auth = (datagram.get(base + OFFSET_FLAGS) & FLAG_AUTH) != 0;
        if (key == null && auth) {
            return EchoDecoded.dropped(DropReason.UNKNOWN_KEY);
        }
        if (key != null) {
            if (!auth) {
                return EchoDecoded.dropped(DropReason.AUTH_MISSING);
            }
            if (datagram.getInt(base + OFFSET_KEY_ID) != key.keyId()) {
                return EchoDecoded.dropped(DropReason.UNKNOWN_KEY);
            }
            if (!key.verify(datagram, base, length)) {
                return EchoDecoded.dropped(DropReason.BAD_MAC);
            }
        }
        return EchoDecoded.ok(new EchoReply(datagram.getLong(base + OFFSET_SEQUENCE),
                datagram.getLong(base + OFFSET_CLIENT_SEND), datagram.getLong(base + OFFSET_SERVER_RECEIVE),
                datagram.getLong(base + OFFSET_SERVER_SEND), length, auth));
    }

    /** Checks shared by both directions: magic, length, version, flags, direction, authenticated length. */
    private static DropReason checkHeader(ByteBuffer buf, int base, int length, boolean expectReply) {
        if (length < 4 || buf.getInt(base) != MAGIC) {
            return DropReason.NOT_ECHO;
        }
        if (length < OFFSET_VERSION + 1) {
            return DropReason.TOO_SHORT;
        }
        if (buf.get(base + OFFSET_VERSION) != VERSION) {
            return DropReason.UNKNOWN_VERSION;
        }
        if (length < HEADER_BYTES) {
            return DropReason.TOO_SHORT;
        }
        int flags = buf.get(base + OFFSET_FLAGS) & 0xff;
        if ((flags & RESERVED_FLAGS) != 0) {
            return DropReason.BAD_FLAGS;
        }
        if (((flags & FLAG_REPLY) != 0) != expectReply) {
            return DropReason.WRONG_DIRECTION;
        }
        if ((flags & FLAG_AUTH) != 0 && length < AUTH_HEADER_BYTES) {
            return DropReason.TOO_SHORT;
        }
        return null;
    }

    private static void zero(ByteBuffer buf, int from, int to) {
        int i = from;
        for (; i + Long.BYTES <= to; i += Long.BYTES) {
            buf.putLong(i, 0L);
        }
        for (; i < to; i++) {
            buf.put(i, (byte) 0);
        }
    }
}
