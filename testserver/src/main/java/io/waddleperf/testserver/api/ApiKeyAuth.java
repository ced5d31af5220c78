package io.waddleperf.testserver.api;

import io.waddleperf.testserver.TestServerConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Checks {@code Authorization: ApiKey <key>} or {@code Bearer <key>} against the configured keys (docs/TEST-API.md).
 * Only SHA-256 digests of the keys are kept; a presented key is hashed and compared with every digest in
 * constant time, so neither timing nor length reveals how close a guess was. With no keys and auth not
 * explicitly disabled, every call is refused. Keys never appear in messages or logs.
 */
public final class ApiKeyAuth {

    private final boolean disabled;
    private final List<byte[]> keyDigests;

    private ApiKeyAuth(boolean disabled, List<byte[]> keyDigests) {
        this.disabled = disabled;
        this.keyDigests = List.copyOf(keyDigests);
    }

    /** The keys of a validated configuration ({@code api_keys}, which the loader also fills from {@code api_keys_file}). */
    public static ApiKeyAuth from(TestServerConfig config) {
        List<byte[]> digests = new ArrayList<>();
        config.apiKeys().forEach(k -> digests.add(sha256(k.reveal())));
        return new ApiKeyAuth(config.authDisabled(), digests);
    }

    public boolean disabled() {
        return disabled;
    }

    /** How many keys are accepted (for the start-up log line; never the keys). */
    public int keyCount() {
        return keyDigests.size();
    }

    /** Passes when auth is disabled or the header carries an accepted key; otherwise throws a 401. */
    public void check(String authorization) {
        if (disabled) {
            return;
        }
        if (keyDigests.isEmpty()) {
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
        byte[] presented = sha256(value.substring(space + 1).strip());
        boolean match = false;
        for (byte[] digest : keyDigests) {
            match |= MessageDigest.isEqual(digest, presented); // no early exit: every key is compared
        }
        if (!match) {
            throw ApiException.unauthorized("invalid API key");
        }
    }

    private static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }
}
