package io.waddleperf.manager.auth;

import java.io.ByteArrayOutputStream;
import java.util.Locale;

/**
 * Base32 of RFC 4648 §6 (alphabet {@code A–Z 2–7}), the form authenticator apps take TOTP secrets in. Encoding leaves
 * out the {@code =} padding, as the otpauth URI format asks; decoding accepts lower case, spaces and padding, since
 * people type the secret by hand.
 */
public final class Base32 {

    private static final char[] ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();

    private Base32() {
    }

    /** The Base32 text of {@code bytes}, without padding. */
    public static String encode(byte[] bytes) {
        StringBuilder out = new StringBuilder((bytes.length * 8 + 4) / 5);
        int buffer = 0;
        int bits = 0;
        for (byte b : bytes) {
            buffer = (buffer << 8) | (b & 0xFF);
            bits += 8;
            while (bits >= 5) {
                out.append(ALPHABET[(buffer >>> (bits - 5)) & 0x1F]);
                bits -= 5;
            }
        }
        if (bits > 0) {
            out.append(ALPHABET[(buffer << (5 - bits)) & 0x1F]);
        }
        return out.toString();
    }

    /**
     * The bytes of Base32 {@code text}; spaces, hyphens and trailing {@code =} are ignored, case does not matter.
     *
     * @throws IllegalArgumentException naming the first character that is not Base32
     */
    public static byte[] decode(String text) {
        String clean = text.replaceAll("[\\s-]", "").toUpperCase(Locale.ROOT).replaceAll("=+$", "");
        ByteArrayOutputStream out = new ByteArrayOutputStream(clean.length() * 5 / 8);
        int buffer = 0;
        int bits = 0;
        for (int i = 0; i < clean.length(); i++) {
            char c = clean.charAt(i);
            int v = c >= 'A' && c <= 'Z' ? c - 'A' : c >= '2' && c <= '7' ? c - '2' + 26 : -1;
            if (v < 0) {
                throw new IllegalArgumentException("'" + c + "' is not a Base32 character (A-Z, 2-7)");
            }
            buffer = (buffer << 5) | v;
            bits += 5;
            if (bits >= 8) {
                out.write((buffer >>> (bits - 8)) & 0xFF);
                bits -= 8;
            }
        }
        return out.toByteArray();
    }
}
