package io.waddleperf.manager.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Opaque bearer credentials: 256 random bits in base64url behind a short prefix that says what they are
 * ({@code wps_} a login session, {@code wpr_} its refresh token, {@code wpk_} an API key, {@code wpe_} an enrolment
 * secret, {@code wpd_} a device credential, so a leaked one is recognisable in logs and scanners).
 * Only their SHA-256 digest is stored.
 */
public final class Tokens {

    public static final String SESSION_PREFIX = "wps_";
    public static final String API_KEY_PREFIX = "wpk_";
    public static final String REFRESH_PREFIX = "wpr_";
    public static final String ENROLLMENT_SECRET_PREFIX = "wpe_";
    public static final String DEVICE_CREDENTIAL_PREFIX = "wpd_";
    /** Characters of an API key kept in clear to tell keys apart in listings (prefix + 4). */
    public static final int SHOWN_PREFIX_CHARS = 8;

    private static final SecureRandom RANDOM = new SecureRandom();

    private Tokens() {
    }

    public static String newSessionToken() {
        return SESSION_PREFIX + random();
    }

    public static String newRefreshToken() {
        return REFRESH_PREFIX + random();
    }

    public static String newApiKey() {
        return API_KEY_PREFIX + random();
    }

    /** A new enrolment secret of an organisation unit. */
    public static String newEnrollmentSecret() {
        return ENROLLMENT_SECRET_PREFIX + random();
    }

    /** A new credential of one enrolled device. */
    public static String newDeviceCredential() {
        return DEVICE_CREDENTIAL_PREFIX + random();
    }

    /** The stored form of a token: SHA-256 of its UTF-8 bytes. */
    public static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }

    private static String random() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
