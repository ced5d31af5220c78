package io.waddleperf.testserver.http;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/** A server's private key and certificate chain (leaf first), read from PEM files or freshly made. */
public record TlsCredentials(PrivateKey privateKey, List<X509Certificate> chain) {

    public TlsCredentials {
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("certificate chain is empty");
        }
    }

    /** Never prints the key (some key classes' own toString would). */
    @Override
    public String toString() {
        return "TlsCredentials[subject=" + certificate().getSubjectX500Principal() + ", sha256=" + sha256Fingerprint() + "]";
    }

    public X509Certificate certificate() {
        return chain.getFirst();
    }

    /** SHA-256 of the leaf certificate's DER form, as hex: what browsers and {@code openssl x509 -fingerprint} show. */
    public String sha256Fingerprint() {
        try {
            return HexFormat.ofDelimiter(":").withUpperCase()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(certificate().getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Reads a PEM certificate chain and a PEM private key (PKCS#8 {@code PRIVATE KEY}, PKCS#1 {@code RSA PRIVATE KEY}
     * or SEC1 {@code EC PRIVATE KEY}; not encrypted) and checks that the key belongs to the certificate.
     */
    public static TlsCredentials load(Path certFile, Path keyFile) throws IOException {
        List<X509Certificate> chain = new ArrayList<>();
        try (Reader r = Files.newBufferedReader(certFile, StandardCharsets.US_ASCII); PEMParser pem = new PEMParser(r)) {
            JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
            for (Object o = pem.readObject(); o != null; o = pem.readObject()) {
                if (o instanceof X509CertificateHolder holder) {
                    chain.add(converter.getCertificate(holder));
                }
            }
        } catch (CertificateException e) {
            throw new IOException(certFile + ": not a valid certificate: " + e.getMessage(), e);
        }
        if (chain.isEmpty()) {
            throw new IOException(certFile + ": no PEM certificate found");
        }
        PrivateKey key;
        try (Reader r = Files.newBufferedReader(keyFile, StandardCharsets.US_ASCII); PEMParser pem = new PEMParser(r)) {
            Object o = pem.readObject();
            key = switch (o) {
                case PrivateKeyInfo info -> jdkKey(info);
                case PEMKeyPair pair -> jdkKey(pair.getPrivateKeyInfo());
                case null -> throw new IOException(keyFile + ": no PEM private key found");
                default -> throw new IOException(keyFile + ": unsupported key format " + o.getClass().getSimpleName()
                        + " (expected an unencrypted PKCS#8, PKCS#1 or SEC1 private key)");
            };
        }
        TlsCredentials credentials = new TlsCredentials(key, chain);
        if (!credentials.keyMatchesCertificate()) {
            throw new IOException(keyFile + ": the private key does not belong to the certificate in " + certFile);
        }
        return credentials;
    }

    /**
     * The key as the JDK's own provider represents it. Bouncy Castle reads every PEM flavour (SEC1 EC keys carry
     * their curve inside the key, where the JDK's key factory does not look); its PKCS#8 re-encoding then suits
     * the JDK key factory that TLS uses.
     */
    private static PrivateKey jdkKey(PrivateKeyInfo info) throws IOException {
        PrivateKey bcKey = new JcaPEMKeyConverter().setProvider(new BouncyCastleProvider()).getPrivateKey(info);
        try {
            return KeyFactory.getInstance(bcKey.getAlgorithm().equals("ECDSA") ? "EC" : bcKey.getAlgorithm())
                    .generatePrivate(new PKCS8EncodedKeySpec(bcKey.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IOException("unsupported private key (" + bcKey.getAlgorithm() + "): " + e.getMessage(), e);
        }
    }

    /** Signs a probe message with the key and verifies it with the certificate's public key. */
    boolean keyMatchesCertificate() {
        String algorithm = switch (privateKey.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> null;
        };
        if (algorithm == null) {
            return true; // no generic check for exotic key types; the TLS handshake will fail loudly instead
        }
        try {
            byte[] probe = "waddleperf key check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(privateKey);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate().getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** An in-memory PKCS#12 key store holding the key and chain under {@code alias}, protected by {@code password}. */
    public KeyStore keyStore(String alias, char[] password) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry(alias, privateKey, password, chain.toArray(X509Certificate[]::new));
            return ks;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build the TLS key store", e);
        }
    }
}
