package io.waddleperf.manager.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Password hashes: Argon2id in the PHC string format ({@code $argon2id$v=19$m=19456,t=2,p=1$salt$hash}) with OWASP's
 * recommended minimum (19 MiB, 2 passes, 1 lane); bcrypt hashes ({@code $2a$}, {@code $2b$}, {@code $2y$}, as the
 * original manager stored them) are verified too, and {@link #needsRehash} tells the caller to replace them.
 */
public final class PasswordHasher {

    /** Argon2 memory in KiB, passes and lanes (OWASP Password Storage Cheat Sheet, Argon2id first option). */
    static final int MEMORY_KIB = 19 * 1024;
    static final int ITERATIONS = 2;
    static final int PARALLELISM = 1;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    /** Longest password accepted: Argon2 takes any length, but hashing megabytes per login is a denial of service. */
    public static final int MAX_PASSWORD_CHARS = 1024;

    private static final Pattern PHC = Pattern.compile(
            "\\$argon2id\\$v=19\\$m=(\\d{1,8}),t=(\\d{1,3}),p=(\\d{1,2})\\$([A-Za-z0-9+/]+)\\$([A-Za-z0-9+/]+)");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    /** A new Argon2id hash of {@code password} with a fresh salt. */
    public String hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        byte[] out = argon2(password, salt, MEMORY_KIB, ITERATIONS, PARALLELISM, HASH_BYTES);
        return "$argon2id$v=19$m=" + MEMORY_KIB + ",t=" + ITERATIONS + ",p=" + PARALLELISM + "$" + B64.encodeToString(salt)
                + "$" + B64.encodeToString(out);
    }

    /** Whether {@code password} matches {@code stored} (Argon2id or bcrypt); false for anything unrecognised. */
    public boolean verify(String password, String stored) {
        if (stored == null || password.length() > MAX_PASSWORD_CHARS) {
            return false;
        }
        Matcher m = PHC.matcher(stored);
        if (m.matches()) {
            int memory = Integer.parseInt(m.group(1));
            int iterations = Integer.parseInt(m.group(2));
            int parallelism = Integer.parseInt(m.group(3));
            if (memory > 1 << 20 || iterations < 1 || parallelism < 1) {
                return false; // a tampered row must not make a login allocate gigabytes
            }
            try {
                byte[] salt = B64D.decode(m.group(4));
                byte[] expected = B64D.decode(m.group(5));
                byte[] actual = argon2(password, salt, memory, iterations, parallelism, expected.length);
                return MessageDigest.isEqual(expected, actual);
            } catch (RuntimeException e) {
                return false; // a malformed stored hash (bad base64, a salt too short for Argon2) matches nothing
            }
        }
        if (isBcrypt(stored)) {
            try {
                return OpenBSDBCrypt.checkPassword(stored, password.toCharArray());
            } catch (RuntimeException e) {
                return false; // a malformed bcrypt string (Bouncy Castle throws DataLengthException) matches nothing
            }
        }
        return false;
    }

    /** True when {@code stored} is not an Argon2id hash with the current parameters (bcrypt, older settings). */
    public boolean needsRehash(String stored) {
        Matcher m = PHC.matcher(stored);
        return !m.matches() || Integer.parseInt(m.group(1)) != MEMORY_KIB || Integer.parseInt(m.group(2)) != ITERATIONS
                || Integer.parseInt(m.group(3)) != PARALLELISM;
    }

    private static boolean isBcrypt(String stored) {
        return stored.startsWith("$2a$") || stored.startsWith("$2b$") || stored.startsWith("$2y$");
    }

    private static byte[] argon2(String password, byte[] salt, int memoryKib, int iterations, int parallelism, int length) {
        Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(memoryKib)
                .withIterations(iterations)
                .withParallelism(parallelism)
                .withSalt(salt)
                .build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(params);
        byte[] out = new byte[length];
        generator.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
        return out;
    }
}
