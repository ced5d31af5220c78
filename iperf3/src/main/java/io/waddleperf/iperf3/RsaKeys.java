package io.waddleperf.iperf3;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the unencrypted PEM RSA key files iperf3 takes ({@code PEM_read_bio_PrivateKey} / {@code PEM_read_bio_PUBKEY}
 * in {@code src/iperf_auth.c}): a private key as PKCS#8 ({@code BEGIN PRIVATE KEY}, what OpenSSL 3's
 * {@code openssl genrsa} writes) or PKCS#1 ({@code BEGIN RSA PRIVATE KEY}, {@code -traditional}), a public key as
 * X.509 SubjectPublicKeyInfo ({@code BEGIN PUBLIC KEY}, {@code openssl rsa -pubout}).
 */
public final class RsaKeys {

    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z ]+)-----\\s*(.*?)-----END \\1-----", Pattern.DOTALL);
    /** AlgorithmIdentifier { rsaEncryption (1.2.840.113549.1.1.1), NULL } in DER (RFC 8017 appendix A.1). */
    private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86,
        (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};

    private RsaKeys() {
    }

    /** Reads an RSA private key; encrypted (passphrase-protected) files are refused, naming the file. */
    public static PrivateKey readPrivateKey(Path file) throws IOException {
        Block block = readBlock(file);
        try {
            byte[] pkcs8 = switch (block.type()) {
                case "PRIVATE KEY" -> block.der();
                case "RSA PRIVATE KEY" -> pkcs1ToPkcs8(block.der());
                case "ENCRYPTED PRIVATE KEY" -> throw new IOException(file + " is passphrase-protected; "
                        + "decrypt it first (openssl rsa -in " + file + " -out plain.pem)");
                default -> throw new IOException(file + " holds a " + block.type() + ", not an RSA private key");
            };
            return checkRsa(KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8)), file);
        } catch (GeneralSecurityException e) {
            throw new IOException(file + " is not a readable RSA private key: " + e.getMessage(), e);
        }
    }

    /** Reads an RSA public key in SubjectPublicKeyInfo form ({@code BEGIN PUBLIC KEY}). */
    public static PublicKey readPublicKey(Path file) throws IOException {
        Block block = readBlock(file);
        if (!block.type().equals("PUBLIC KEY")) {
            throw new IOException(file + " holds a " + block.type() + ", not a PUBLIC KEY (openssl rsa -pubout)");
        }
        try {
            return checkRsa(KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(block.der())), file);
        } catch (GeneralSecurityException e) {
            throw new IOException(file + " is not a readable RSA public key: " + e.getMessage(), e);
        }
    }

    private record Block(String type, byte[] der) {
    }

    private static Block readBlock(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        Matcher m = PEM.matcher(text);
        if (!m.find()) {
            throw new IOException(file + " is not a PEM file (no -----BEGIN ...----- block)");
        }
        String body = m.group(2);
        if (body.contains("Proc-Type:") && body.contains("ENCRYPTED")) {
            throw new IOException(file + " is passphrase-protected; decrypt it first (openssl rsa -in "
                    + file + " -out plain.pem)");
        }
        try {
            return new Block(m.group(1), Base64.getMimeDecoder().decode(body));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + " has a damaged PEM body: " + e.getMessage(), e);
        }
    }

    private static <K extends java.security.Key> K checkRsa(K key, Path file) throws IOException {
        int bits = ((RSAKey) key).getModulus().bitLength();
        if (bits < 1024) {
            throw new IOException(file + " holds a " + bits + "-bit key; an auth token needs at least 1024 bits");
        }
        return key;
    }

    /** PrivateKeyInfo { version 0, rsaEncryption, OCTET STRING { RSAPrivateKey } } (RFC 5208 §5). */
    private static byte[] pkcs1ToPkcs8(byte[] pkcs1) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0x02, 0x01, 0x00});
        body.writeBytes(RSA_ALGORITHM);
        body.writeBytes(tlv(0x04, pkcs1));
        return tlv(0x30, body.toByteArray());
    }

    private static byte[] tlv(int tag, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int n = value.length;
        if (n < 0x80) {
            out.write(n);
        } else {
            int bytes = (32 - Integer.numberOfLeadingZeros(n) + 7) / 8;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(n >>> (8 * i));
            }
        }
        out.writeBytes(value);
        return out.toByteArray();
    }
}
