package io.waddleperf.testserver.api;

import io.waddleperf.testserver.TestServerConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Checks {@code Authorization: ApiKey <key>} or {@code Bearer <key>} against the configured keys (docs/TEST-API.md)
 * and, for a key that is not one of them, with the manager when the server has one ({@link Remote}), so a user's
 * manager API key works here too. Only SHA-256 digests of the keys are kept; a presented key is hashed and compared
 * with every digest in constant time, so neither timing nor length reveals how close a guess was. With no keys, no
 * manager and auth not explicitly disabled, every call is refused. Keys never appear in messages or logs; a key is
 * named by its {@linkplain #keyId(String) key id} instead.
 */
public final class ApiKeyAuth {

    /** How long a client should wait when the manager could not be asked about its key. */
    private static final Duration MANAGER_RETRY_AFTER = Duration.ofSeconds(5);

    /** A second opinion on keys this server does not know: the manager's. */
    @FunctionalInterface
    public interface Remote {

        /** The manager's answer about one key. */
        enum Verdict { VALID, INVALID, UNAVAILABLE }

        Verdict check(String key);
    }

    /** Hex digits of a key id: 48 bits, unique among any realistic number of keys. */
    static final int KEY_ID_HEX_DIGITS = 12;

    private final boolean disabled;
    private final List<byte[]> keyDigests;
    private final Remote remote;

    private ApiKeyAuth(boolean disabled, List<byte[]> keyDigests, Remote remote) {
        this.disabled = disabled;
        this.keyDigests = List.copyOf(keyDigests);
        this.remote = remote;
    }

    /** The keys of a validated configuration ({@code api_keys}, which the loader also fills from {@code api_keys_file}). */
    public static ApiKeyAuth from(TestServerConfig config) {
        return from(config, null);
    }

    /** The configured keys, and {@code remote} (or null) for any other key. */
    public static ApiKeyAuth from(TestServerConfig config, Remote remote) {
        List<byte[]> digests = new ArrayList<>();
        config.apiKeys().forEach(k -> digests.add(sha256(k.reveal())));
        return new ApiKeyAuth(config.authDisabled(), digests, remote);
    }

    /** Whether keys the server does not know are checked with the manager. */
    public boolean checksWithManager() {
        return remote != null;
    }

    public boolean disabled() {
        return disabled;
    }

    /** How many keys are accepted (for the start-up log line; never the keys). */
    public int keyCount() {
        return keyDigests.size();
    }

    /**
     * The name a key goes by in logs and limits: the first {@value #KEY_ID_HEX_DIGITS} hex digits of its SHA-256,
     * which an operator can compute for a key of theirs ({@code printf %s KEY | sha256sum | cut -c1-12}) and which
     * does not give the key away.
     */
    public static String keyId(String key) {
        return keyIdOf(sha256(key));
    }

    /**
     * Passes when auth is disabled or the header carries an accepted key; otherwise throws a 401.
     *
     * @return the {@linkplain #keyId(String) key id} of the accepted key, or null when auth is disabled
     */
    public String check(String authorization) {
        if (disabled) {
            return null;
        }
        if (keyDigests.isEmpty() && remote == null) {
            throw ApiException.unauthorized("no API keys are configured on this server; the test API is closed");
        }
        if (authorization == null || authorization.isBlank()) {
            throw ApiException.unauthorized("missing Authorization header (ApiKey <key> or Bearer <key>)");
        }
        String value = authorization.strip();
        int space = value.indexOf(' ');
        String scheme = space < 0 ? value : value.substring(0, space);
        String scheme0 = scheme.toLowerCase(Locale.ROOT);
        if (space < 0 || !(scheme0.equals("apikey") || scheme0.equals("bearer"))) {
            throw ApiException.unauthorized("Authorization must be 'ApiKey <key>' or 'Bearer <key>'");
        }
        String key = value.substring(space + 1).strip();
        byte[] presented = sha256(key);
        boolean match = false;
        for (byte[] digest : keyDigests) {
            match |= MessageDigest.isEqual(digest, presented); // no early exit: every key is compared
        }
        if (match) {
            return keyIdOf(presented);
        }
        if (remote == null || key.isEmpty() || key.length() > 256) {
            throw ApiException.unauthorized("invalid API key");
        }
        return switch (remote.check(key)) {
            case VALID -> keyIdOf(presented);
            case INVALID -> throw ApiException.unauthorized("invalid API key");
            case UNAVAILABLE -> throw ApiException.serviceUnavailable("the API key is not one of this server's and the "
                    + "manager cannot check it right now; try again shortly", MANAGER_RETRY_AFTER);
        };
    }

    private static String keyIdOf(byte[] digest) {
        return HexFormat.of().formatHex(digest).substring(0, KEY_ID_HEX_DIGITS);
    }

    private static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }
}
