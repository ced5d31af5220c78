package io.waddleperf.speed;

import java.security.SecureRandom;
import java.util.Random;

/**
 * The one buffer of random bytes every download body is cut from (LibreSpeed's {@code garbage.php} does the same
 * with one {@code openssl_random_pseudo_bytes(1048576)}): random so no compression on the path can shrink it,
 * generated once so no request pays for random generation. Never modified after construction.
 */
final class RandomPayload {

    /** LibreSpeed's chunk: {@code ckSize} counts these. */
    static final int CHUNK_BYTES = 1 << 20;

    private final byte[] bytes;

    RandomPayload() {
        bytes = new byte[CHUNK_BYTES];
        // seeded from the OS once; the bytes need to be incompressible, not secret
        new Random(new SecureRandom().nextLong()).nextBytes(bytes);
    }

    /** The shared buffer; callers only read it. */
    byte[] bytes() {
        return bytes;
    }
}
