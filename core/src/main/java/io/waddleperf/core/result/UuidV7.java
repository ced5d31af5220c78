package io.waddleperf.core.result;

import java.security.SecureRandom;
import java.util.UUID;

/** UUID version 7 (RFC 9562 §5.7): 48-bit Unix milliseconds, then random bits; sorts by creation time. */
public final class UuidV7 {

    private static final SecureRandom RANDOM = new SecureRandom();

    private UuidV7() {
    }

    public static UUID next() {
        return at(System.currentTimeMillis());
    }

    static UUID at(long unixMillis) {
        byte[] rnd = new byte[10];
        RANDOM.nextBytes(rnd);
        long msb = (unixMillis & 0xFFFF_FFFF_FFFFL) << 16;
        msb |= 0x7000L; // version 7
        msb |= ((rnd[0] & 0x0FL) << 8) | (rnd[1] & 0xFFL); // rand_a, 12 bits
        long lsb = 0x8000_0000_0000_0000L; // variant 10
        lsb |= (rnd[2] & 0x3FL) << 56;
        for (int i = 3; i < 10; i++) {
            lsb |= (rnd[i] & 0xFFL) << (8 * (9 - i));
        }
        return new UUID(msb, lsb);
    }

    /** The creation time encoded in a version-7 UUID, in Unix milliseconds. */
    public static long unixMillis(UUID uuid) {
        if (uuid.version() != 7) {
            throw new IllegalArgumentException("not a version 7 UUID: " + uuid);
        }
        return uuid.getMostSignificantBits() >>> 16;
    }
}
