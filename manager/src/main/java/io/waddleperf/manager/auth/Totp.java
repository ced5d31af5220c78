package io.waddleperf.manager.auth;

import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Time-based one-time passwords (TOTP, RFC 6238) over HOTP (RFC 4226): the code for time step
 * {@code floor((t - T0) / X)} is the dynamically truncated HMAC of the step as a big-endian 64-bit counter.
 * The manager uses what every authenticator app supports: HMAC-SHA1, 6 digits, 30-second steps, 160-bit secrets, and
 * accepts the step before and after the current one for clock drift.
 */
public final class Totp {

    /** The HMAC of a TOTP; only SHA1 is put in the manager's otpauth URIs, the others exist for RFC 6238's vectors. */
    public enum Algorithm {
        SHA1("HmacSHA1"), SHA256("HmacSHA256"), SHA512("HmacSHA512");

        final String jca;

        Algorithm(String jca) {
            this.jca = jca;
        }
    }

    public static final int DIGITS = 6;
    public static final Duration PERIOD = Duration.ofSeconds(30);
    /** Steps accepted either side of the current one: RFC 6238 §5.2 recommends at most one for network delay. */
    public static final int DRIFT_STEPS = 1;
    /** Secret length: RFC 4226 §4 asks for at least 128 bits and recommends 160. */
    public static final int SECRET_BYTES = 20;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int[] POWERS = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000};

    private Totp() {
    }

    /** A new random secret. */
    public static byte[] newSecret() {
        byte[] secret = new byte[SECRET_BYTES];
        RANDOM.nextBytes(secret);
        return secret;
    }

    /** The time step of {@code t} (T0 = the Unix epoch). */
    public static long step(Instant t, Duration period) {
        return Math.floorDiv(t.getEpochSecond(), period.toSeconds());
    }

    /** The HOTP value of {@code counter} (RFC 4226 §5.3), as {@code digits} decimal digits with leading zeros. */
    public static String code(byte[] secret, long counter, Algorithm algorithm, int digits) {
        if (digits < 6 || digits > 8) {
            throw new IllegalArgumentException("digits must be 6-8, got " + digits);
        }
        byte[] hash;
        try {
            Mac mac = Mac.getInstance(algorithm.jca);
            mac.init(new SecretKeySpec(secret, algorithm.jca));
            hash = mac.doFinal(ByteBuffer.allocate(8).putLong(counter).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has " + algorithm.jca, e);
        }
        int offset = hash[hash.length - 1] & 0x0F;
        int binary = ((hash[offset] & 0x7F) << 24) | ((hash[offset + 1] & 0xFF) << 16) | ((hash[offset + 2] & 0xFF) << 8)
                | (hash[offset + 3] & 0xFF);
        String value = Integer.toString(binary % POWERS[digits]);
        return "0".repeat(digits - value.length()) + value;
    }

    /** The manager's code (SHA1, {@link #DIGITS} digits, {@link #PERIOD}) at time {@code t}. */
    public static String codeAt(byte[] secret, Instant t) {
        return code(secret, step(t, PERIOD), Algorithm.SHA1, DIGITS);
    }

    /**
     * The time step whose code {@code code} is, within {@link #DRIFT_STEPS} of {@code now}'s, or empty when it is
     * none of them. Every candidate is compared in constant time, so the answer's timing says nothing about the code.
     */
    public static OptionalLong match(byte[] secret, String code, Instant now) {
        if (code == null || code.length() != DIGITS || !code.chars().allMatch(Character::isDigit)) {
            return OptionalLong.empty();
        }
        long current = step(now, PERIOD);
        long found = Long.MIN_VALUE;
        byte[] given = code.getBytes(StandardCharsets.US_ASCII);
        for (long s = current - DRIFT_STEPS; s <= current + DRIFT_STEPS; s++) {
            byte[] expected = code(secret, s, Algorithm.SHA1, DIGITS).getBytes(StandardCharsets.US_ASCII);
            if (MessageDigest.isEqual(expected, given) && found == Long.MIN_VALUE) {
                found = s;
            }
        }
        return found == Long.MIN_VALUE ? OptionalLong.empty() : OptionalLong.of(found);
    }

    /**
     * The {@code otpauth://totp/} URI that authenticator apps read from a QR code (Google Authenticator's Key Uri
     * Format): label {@code issuer:account}, the secret in Base32 and the parameters spelled out.
     */
    public static String uri(String issuer, String account, byte[] secret) {
        return "otpauth://totp/" + encode(issuer) + ":" + encode(account) + "?secret=" + Base32.encode(secret)
                + "&issuer=" + encode(issuer) + "&algorithm=SHA1&digits=" + DIGITS + "&period=" + PERIOD.toSeconds();
    }

    /** Percent-encoding for a URI path or query part: spaces as {@code %20}, never {@code +}. */
    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
