package io.waddleperf.manager.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The manager's own 256-bit secret key and what it is used for: it encrypts MFA secrets and alert rules' webhooks in
 * the database (AES-256-GCM, bound to their user or rule) and signs CSRF tokens (HMAC-SHA256 of the session). Each use has a key of its own derived from
 * this one (HMAC-SHA256 of the master key over the use's label), so one use can never stand in for another.
 *
 * <p>Every manager node of one database must have the same key: it comes from {@code auth.secret_key} (or
 * {@code auth.secret_key_file}), else from {@code secret.key} in the data folder, made at first start.
 */
public final class ServerKey implements io.waddleperf.manager.store.Sealer {

    /** Bytes of the master key. */
    public static final int BYTES = 32;
    /** The file in the data folder that holds a made key (Base64, readable by the owner only). */
    public static final String FILE_NAME = "secret.key";

    private static final byte FORMAT_V1 = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec encryptionKey;
    private final byte[] csrfKey;

    private ServerKey(byte[] master) {
        if (master.length != BYTES) {
            throw new IllegalArgumentException("the secret key must be " + BYTES + " bytes, got " + master.length);
        }
        // The label predates the key's second sealed use (webhooks, which bind their own context); changing it would
        // make every stored MFA secret unreadable.
        this.encryptionKey = new SecretKeySpec(hmac(master, "waddleperf mfa secret encryption"), "AES");
        this.csrfKey = hmac(master, "waddleperf csrf token");
    }

    /** A key from its Base64 text (what {@code auth.secret_key} holds). */
    public static ServerKey fromBase64(String text) {
        return new ServerKey(decode(text));
    }

    /** A fresh random key (tests). */
    public static ServerKey random() {
        byte[] b = new byte[BYTES];
        RANDOM.nextBytes(b);
        return new ServerKey(b);
    }

    /**
     * Decodes Base64 text into a key's bytes.
     *
     * @throws IllegalArgumentException saying what is wrong, never echoing the text
     */
    public static byte[] decode(String text) {
        byte[] b;
        try {
            b = Base64.getDecoder().decode(text.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("is not Base64 (make a key with: openssl rand -base64 32)");
        }
        if (b.length != BYTES) {
            throw new IllegalArgumentException("must be " + BYTES + " bytes in Base64, got " + b.length
                    + " bytes (make a key with: openssl rand -base64 32)");
        }
        return b;
    }

    /**
     * The key stored in {@code file}, or a new one written there (readable by the owner only). The new file appears
     * whole and at most once: it is written under a temporary name and hard-linked into place, which fails if
     * another process made it first, and then that one's key is used.
     *
     * @throws IOException when the file cannot be read or made, or does not hold a key
     */
    public static ServerKey loadOrCreate(Path file) throws IOException {
        if (!Files.exists(file)) {
            byte[] fresh = new byte[BYTES];
            RANDOM.nextBytes(fresh);
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = ownerOnlyTempFile(dir);
            try {
                Files.writeString(tmp, Base64.getEncoder().encodeToString(fresh) + "\n", StandardCharsets.US_ASCII);
                Files.createLink(file, tmp);
            } catch (FileAlreadyExistsException e) {
                // another process made it first: use that one
            } catch (UnsupportedOperationException e) {
                Files.move(tmp, file); // no hard links here: fails, rather than replaces, if the file appeared meanwhile
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
        try {
            return new ServerKey(decode(Files.readString(file, StandardCharsets.US_ASCII)));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage());
        }
    }

    private static Path ownerOnlyTempFile(Path dir) throws IOException {
        try {
            return Files.createTempFile(dir, ".secret", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            return Files.createTempFile(dir, ".secret", ".tmp"); // not POSIX (Windows): the folder's ACL applies
        }
    }

    /**
     * {@code plain} encrypted with AES-256-GCM under a fresh nonce; {@code context} (e.g. the owner's id) is
     * authenticated too, so the ciphertext cannot be moved to another row. Format: version byte, nonce, ciphertext
     * with tag.
     */
    @Override
    public byte[] seal(byte[] plain, byte[] context) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, encryptionKey, new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(context);
            byte[] sealed = c.doFinal(plain);
            byte[] out = new byte[1 + NONCE_BYTES + sealed.length];
            out[0] = FORMAT_V1;
            System.arraycopy(nonce, 0, out, 1, NONCE_BYTES);
            System.arraycopy(sealed, 0, out, 1 + NONCE_BYTES, sealed.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has AES/GCM", e);
        }
    }

    /**
     * The plain bytes of {@link #seal}'s output, or empty when they were sealed under another key or context, or
     * were altered.
     */
    @Override
    public Optional<byte[]> open(byte[] sealed, byte[] context) {
        if (sealed == null || sealed.length < 1 + NONCE_BYTES + TAG_BITS / 8 || sealed[0] != FORMAT_V1) {
            return Optional.empty();
        }
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, encryptionKey, new GCMParameterSpec(TAG_BITS, sealed, 1, NONCE_BYTES));
            c.updateAAD(context);
            return Optional.of(c.doFinal(sealed, 1 + NONCE_BYTES, sealed.length - 1 - NONCE_BYTES));
        } catch (AEADBadTagException e) {
            return Optional.empty();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has AES/GCM", e);
        }
    }

    /** The CSRF token of the session whose token digest this is: HMAC-SHA256 under the CSRF key, in hex. */
    public String csrfToken(byte[] sessionDigest) {
        return HexFormat.of().formatHex(hmac(csrfKey, sessionDigest));
    }

    /** Whether {@code token} is the CSRF token of this session (compared in constant time). */
    public boolean isCsrfToken(String token, byte[] sessionDigest) {
        if (token == null || token.length() > 128) {
            return false;
        }
        return MessageDigest.isEqual(csrfToken(sessionDigest).getBytes(StandardCharsets.US_ASCII),
                token.strip().getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] hmac(byte[] key, String label) {
        return hmac(key, label.getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has HmacSHA256", e);
        }
    }

    @Override
    public String toString() {
        return "ServerKey[****]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ServerKey k && Arrays.equals(k.csrfKey, csrfKey);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(csrfKey);
    }
}
