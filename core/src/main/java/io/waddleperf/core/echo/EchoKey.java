package io.waddleperf.core.echo;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * One shared token turned into the echo protocol's authentication key: its key id and an HMAC-SHA-256-128
 * instance (docs/PROTOCOL-udp-echo.md §5). Not thread-safe (it holds a {@link Mac} and scratch space):
 * use one instance per thread.
 */
public final class EchoKey {

    private static final String HMAC = "HmacSHA256";
    private static final byte[] ZERO_MAC = new byte[EchoCodec.MAC_BYTES];

    private final int keyId;
    private final Mac mac;
    private final byte[] full = new byte[32];
    private final byte[] received = new byte[EchoCodec.MAC_BYTES];

    private EchoKey(int keyId, Mac mac) {
        this.keyId = keyId;
        this.mac = mac;
    }

    /** The key for {@code token}; the token must not be empty. */
    public static EchoKey of(String token) {
        if (token == null || token.isEmpty()) {
            throw new IllegalArgumentException("echo token must not be empty");
        }
        byte[] secret = token.getBytes(StandardCharsets.UTF_8);
        try {
            // HmacSHA256 and SHA-256 are required of every Java platform (JCA standard names).
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret);
            int id = ((digest[0] & 0xff) << 24) | ((digest[1] & 0xff) << 16) | ((digest[2] & 0xff) << 8) | (digest[3] & 0xff);
            Mac m = Mac.getInstance(HMAC);
            m.init(new SecretKeySpec(secret, HMAC));
            return new EchoKey(id, m);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA-256 unavailable", e);
        }
    }

    /** First four bytes of SHA-256 of the token, big-endian: tells the server which token to check. */
    public int keyId() {
        return keyId;
    }

    /** Writes the MAC of the datagram in {@code buf[base, base + length)} into its MAC field. */
    void sign(ByteBuffer buf, int base, int length) {
        compute(buf, base, length);
        buf.put(base + EchoCodec.OFFSET_MAC, full, 0, EchoCodec.MAC_BYTES);
    }

    /** Whether the datagram's MAC field holds its MAC (constant-time comparison); the buffer is not changed. */
    boolean verify(ByteBuffer buf, int base, int length) {
        buf.get(base + EchoCodec.OFFSET_MAC, received, 0, EchoCodec.MAC_BYTES);
        compute(buf, base, length);
        // RFC 4868 §2.3: HMAC-SHA-256-128 is the first 128 bits of the HMAC-SHA-256 output.
        return constantTimeEquals(full, received);
    }

    /** Compares the first MAC_BYTES of both arrays without an early exit, so timing reveals nothing. */
    private static boolean constantTimeEquals(byte[] full, byte[] mac) {
        int diff = 0;
        for (int i = 0; i < EchoCodec.MAC_BYTES; i++) {
            diff |= full[i] ^ mac[i];
        }
        return diff == 0;
    }

    /** HMAC-SHA-256 over the datagram with the MAC field read as zeros, into {@link #full}. */
    private void compute(ByteBuffer buf, int base, int length) {
        int savedPosition = buf.position();
        int savedLimit = buf.limit();
        try {
            update(buf, base, base + EchoCodec.OFFSET_MAC);
            mac.update(ZERO_MAC);
            update(buf, base + EchoCodec.OFFSET_MAC + EchoCodec.MAC_BYTES, base + length);
            mac.doFinal(full, 0);
        } catch (javax.crypto.ShortBufferException e) {
            throw new IllegalStateException(e);
        } finally {
            buf.limit(savedLimit).position(savedPosition);
        }
    }

    private void update(ByteBuffer buf, int from, int to) {
        if (to > from) {
            buf.limit(to).position(from);
            mac.update(buf);
        }
    }
}
