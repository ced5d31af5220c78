package io.waddleperf.core.result;

import java.security.SecureRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

/**
 * UUID version 7 (RFC 9562 §5.7): 48-bit Unix milliseconds, then random bits; sorts by creation time. Within one
 * process the ids {@link #next()} makes also sort in the order they were made: several made in the same millisecond
 * (or after the clock stepped back) count up from the previous one (RFC 9562 §6.2, the random bits used as a counter),
 * so spools and outboxes that go oldest-first by id keep the order results were written in.
 */
public final class UuidV7 {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final AtomicReference<UUID> LAST = new AtomicReference<>();

    private UuidV7() {
    }

    public static UUID next() {
        long now = System.currentTimeMillis();
        while (true) {
            UUID previous = LAST.get();
            UUID next = previous == null || now > unixMillis(previous) ? at(now) : after(previous);
            if (LAST.compareAndSet(previous, next)) {
                return next;
            }
        }
    }

    /**
     * The id following {@code previous} in sort order: its 74 random bits (12 of rand_a, 62 of rand_b) plus one,
     * carrying into the timestamp when they are all ones.
     */
    static UUID after(UUID previous) {
        long msb = previous.getMostSignificantBits();
        long lsb = previous.getLeastSignificantBits();
        long randB = (lsb & 0x3FFF_FFFF_FFFF_FFFFL) + 1;
        if (randB <= 0x3FFF_FFFF_FFFF_FFFFL) {
            return new UUID(msb, (lsb & 0xC000_0000_0000_0000L) | randB);
        }
        long randA = (msb & 0x0FFFL) + 1;
        lsb &= 0xC000_0000_0000_0000L;
        if (randA <= 0x0FFFL) {
            return new UUID((msb & ~0x0FFFL) | randA, lsb);
        }
        long millis = (msb >>> 16) + 1;
        return new UUID((millis << 16) | 0x7000L, lsb);
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
