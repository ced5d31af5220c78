package io.waddleperf.manager.store;

import java.util.Optional;

/**
 * Encrypts a value before it is stored and decrypts it when read, bound to a context (which row, which use) so that a
 * sealed value copied to another row or use does not open. The manager's server key is the one implementation; the
 * repositories that keep credentials (alert webhooks) take it so that nothing secret reaches the database in clear.
 */
public interface Sealer {

    /** {@code plain} encrypted and authenticated together with {@code context}. */
    byte[] seal(byte[] plain, byte[] context);

    /** The plain bytes of {@link #seal}'s output, or empty when sealed under another key or context, or altered. */
    Optional<byte[]> open(byte[] sealed, byte[] context);
}
