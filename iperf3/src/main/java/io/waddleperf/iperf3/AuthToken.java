package io.waddleperf.iperf3;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;

/**
 * The credentials inside iperf3's {@code authtoken} parameter: the plaintext
 * {@code "user: <name>\npwd:  <password>\nts:   <unix seconds>"} ({@code auth_text_format}, {@code src/iperf_auth.c}),
 * RSA-encrypted with the server's public key and base64-encoded without line breaks ({@code encode_auth_setting}).
 *
 * @param username the user name (no whitespace: iperf3 reads it back with {@code sscanf("%s")})
 * @param password the clear-text password (no whitespace, same reason)
 * @param timestampSeconds the client's clock when it made the token, seconds since the epoch
 */
public record AuthToken(String username, String password, long timestampSeconds) {

    /**
     * iperf3 parses with {@code sscanf(auth_text_format)}: a blank in the format matches any run of whitespace, and
     * {@code %s} takes the next whitespace-free word.
     */
    private static final Pattern PLAINTEXT =
            Pattern.compile("\\s*user:\\s*(\\S+)\\s*pwd:\\s*(\\S+)\\s*ts:\\s*([+-]?\\d{1,19}).*", Pattern.DOTALL);

    public AuthToken {
        if (!isWord(username)) {
            throw new IllegalArgumentException("username must be a non-empty word without whitespace");
        }
        if (!isWord(password)) {
            throw new IllegalArgumentException("password must be a non-empty word without whitespace");
        }
    }

    /**
     * A non-empty text without whitespace in Java's wider sense ({@link Character#isWhitespace}: also U+001C..U+001F
     * and Unicode spaces), which {@code \S} in {@link #PLAINTEXT} lets through.
     */
    private static boolean isWord(String s) {
        return s != null && !s.isEmpty() && s.codePoints().noneMatch(Character::isWhitespace);
    }

    /** The plaintext as iperf3 formats it before encryption. */
    public String plaintext() {
        return "user: " + username + "\npwd:  " + password + "\nts:   " + timestampSeconds;
    }

    /** The {@code authtoken} value a client sends: base64 of the RSA-encrypted plaintext. */
    public String encrypt(PublicKey serverKey, RsaPadding padding) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance(padding.transformation());
        cipher.init(Cipher.ENCRYPT_MODE, serverKey);
        return Base64.getEncoder().encodeToString(cipher.doFinal(plaintext().getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Decrypts and parses a token with the first of {@code paddings} that opens it.
     *
     * @throws Iperf3Exception {@link Iperf3Error#IEAUTHTEST} when the token is not base64, no padding opens it, or the
     *     plaintext is not in iperf3's format
     */
    public static AuthToken decrypt(String token, PrivateKey serverKey, List<RsaPadding> paddings)
            throws Iperf3Exception {
        byte[] encrypted;
        try {
            encrypted = Base64.getDecoder().decode(token);
        } catch (IllegalArgumentException e) {
            throw new Iperf3Exception(Iperf3Error.IEAUTHTEST, "authtoken is not base64");
        }
        for (RsaPadding padding : paddings) {
            try {
                Cipher cipher = Cipher.getInstance(padding.transformation());
                cipher.init(Cipher.DECRYPT_MODE, serverKey);
                return parse(new String(cipher.doFinal(encrypted), StandardCharsets.UTF_8));
            } catch (GeneralSecurityException e) {
                // Wrong padding, wrong key or a damaged token: try the next padding, if any.
            }
        }
        throw new Iperf3Exception(Iperf3Error.IEAUTHTEST, "authtoken does not decrypt with the server's key");
    }

    /** Parses a decrypted plaintext. */
    public static AuthToken parse(String plaintext) throws Iperf3Exception {
        Matcher m = PLAINTEXT.matcher(plaintext);
        if (!m.matches()) {
            throw new Iperf3Exception(Iperf3Error.IEAUTHTEST, "authtoken plaintext is not in iperf3's format");
        }
        // A peer's bytes must fail with IEAUTHTEST, never with the constructor's IllegalArgumentException.
        if (!isWord(m.group(1)) || !isWord(m.group(2))) {
            throw new Iperf3Exception(Iperf3Error.IEAUTHTEST, "authtoken user or password holds a whitespace character");
        }
        try {
            return new AuthToken(m.group(1), m.group(2), Long.parseLong(m.group(3)));
        } catch (NumberFormatException e) {
            throw new Iperf3Exception(Iperf3Error.IEAUTHTEST, "authtoken timestamp out of range");
        }
    }

    /** Hides the password from logs. */
    @Override
    public String toString() {
        return "AuthToken[username=" + username + ", timestampSeconds=" + timestampSeconds + "]";
    }
}
