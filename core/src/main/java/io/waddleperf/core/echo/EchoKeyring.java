package io.waddleperf.core.echo;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The tokens a server accepts, as {@link EchoKey}s found by key id. Empty means the server is open (answers
 * unauthenticated requests). Not thread-safe, like its keys: one keyring per thread.
 */
public final class EchoKeyring {

    private final EchoKey[] keys;

    private EchoKeyring(EchoKey[] keys) {
        this.keys = keys;
    }

    /** A keyring of no tokens: an open server. */
    public static EchoKeyring open() {
        return new EchoKeyring(new EchoKey[0]);
    }

    /** A keyring of {@code tokens}; rejects empty tokens and two tokens whose key ids collide. */
    public static EchoKeyring of(Collection<String> tokens) {
        List<EchoKey> list = new ArrayList<>();
        for (String token : tokens) {
            EchoKey key = EchoKey.of(token);
            for (EchoKey other : list) {
                if (other.keyId() == key.keyId()) {
                    throw new IllegalArgumentException("two echo tokens share key id " + Integer.toHexString(key.keyId())
                            + "; choose another token");
                }
            }
            list.add(key);
        }
        return new EchoKeyring(list.toArray(EchoKey[]::new));
    }

    /** Whether requests must be authenticated (some token is configured). */
    public boolean requiresAuth() {
        return keys.length > 0;
    }

    public int size() {
        return keys.length;
    }

    /** The key with {@code keyId}, or null. A linear scan: servers hold a handful of tokens. */
    public EchoKey find(int keyId) {
        for (EchoKey k : keys) {
            if (k.keyId() == keyId) {
                return k;
            }
        }
        return null;
    }
}
