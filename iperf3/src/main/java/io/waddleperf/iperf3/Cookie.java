package io.waddleperf.iperf3;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The 37-byte test cookie: sent first on the control connection and on every TCP data stream, compared as 37 raw bytes
 * ({@code COOKIE_SIZE}, {@code make_cookie} in {@code src/iperf_util.c}: 36 base32 characters and a NUL).
 */
public final class Cookie {

    /** Bytes on the wire ({@code COOKIE_SIZE}). */
    public static final int SIZE = 37;

    private static final byte[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] bytes;

    private Cookie(byte[] bytes) {
        this.bytes = bytes;
    }

    /** A fresh random cookie as iperf3 ≥ 3.15 makes it: 36 characters of "a-z2-7" then a NUL. */
    public static Cookie random() {
        byte[] b = new byte[SIZE];
        RANDOM.nextBytes(b);
        for (int i = 0; i < SIZE - 1; i++) {
            b[i] = ALPHABET[(b[i] & 0xFF) % 32];
        }
        b[SIZE - 1] = 0;
        return new Cookie(b);
    }

    /** The cookie read from the wire; any 37 bytes are accepted, since iperf3 only compares them. */
    public static Cookie of(byte[] wire) {
        if (wire.length != SIZE) {
            throw new IllegalArgumentException("cookie must be " + SIZE + " bytes, got " + wire.length);
        }
        return new Cookie(wire.clone());
    }

    /** A copy of the 37 bytes to send. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The printable part (up to the first NUL), as iperf3 shows it in {@code start.cookie}. */
    public String text() {
        int end = 0;
        while (end < SIZE && bytes[end] != 0) {
            end++;
        }
        boolean printable = true;
        for (int i = 0; i < end; i++) {
            printable &= bytes[i] >= 0x20 && bytes[i] < 0x7F;
        }
        return printable ? new String(bytes, 0, end, StandardCharsets.US_ASCII) : HexFormat.of().formatHex(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cookie c && Arrays.equals(bytes, c.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return text();
    }
}
