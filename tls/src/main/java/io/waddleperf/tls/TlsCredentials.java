package io.waddleperf.tls;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * A private key and its certificate chain (leaf first, then the certificates that signed it), read from PEM or
 * made by {@link CertificateMaker}; gives them back as PEM, as a PKCS#12 key store or as a server SSL context.
 */
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
        try (Reader certs = Files.newBufferedReader(certFile, StandardCharsets.US_ASCII);
             Reader key = Files.newBufferedReader(keyFile, StandardCharsets.US_ASCII)) {
            return read(certs, certFile.toString(), key, keyFile.toString());
        }
    }

    /** As {@link #load}, from PEM text: the inverse of {@link #certificatePem()} and {@link #privateKeyPem()}. */
    public static TlsCredentials fromPem(String certificatePem, String privateKeyPem) throws IOException {
        return read(new StringReader(certificatePem), "certificate PEM", new StringReader(privateKeyPem), "private key PEM");
    }

    private static TlsCredentials read(Reader certs, String certSource, Reader keyText, String keySource) throws IOException {
        List<X509Certificate> chain = new ArrayList<>();
        try (PEMParser pem = new PEMParser(certs)) {
            JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
            for (Object o = pem.readObject(); o != null; o = pem.readObject()) {
                if (o instanceof X509CertificateHolder holder) {
                    chain.add(converter.getCertificate(holder));
                }
            }
        } catch (CertificateException e) {
            throw new IOException(certSource + ": not a valid certificate: " + e.getMessage(), e);
        }
        if (chain.isEmpty()) {
            throw new IOException(certSource + ": no PEM certificate found");
        }
        PrivateKey key;
        try (PEMParser pem = new PEMParser(keyText)) {
            Object o = pem.readObject();
            key = switch (o) {
                case PrivateKeyInfo info -> jdkKey(info);
                case PEMKeyPair pair -> jdkKey(pair.getPrivateKeyInfo());
                case null -> throw new IOException(keySource + ": no PEM private key found");
                default -> throw new IOException(keySource + ": unsupported key format " + o.getClass().getSimpleName()
                        + " (expected an unencrypted PKCS#8, PKCS#1 or SEC1 private key)");
            };
        }
        TlsCredentials credentials = new TlsCredentials(key, chain);
        if (!credentials.keyMatchesCertificate()) {
            throw new IOException(keySource + ": the private key does not belong to the certificate in " + certSource);
        }
        return credentials;
    }

    /** The chain as PEM {@code CERTIFICATE} blocks, leaf first: what servers and {@code ca_file}s hold. */
    public String certificatePem() {
        StringBuilder out = new StringBuilder();
        for (X509Certificate c : chain) {
            try {
                out.append(pem("CERTIFICATE", c.getEncoded()));
            } catch (CertificateException e) {
                throw new IllegalStateException("cannot encode " + c.getSubjectX500Principal(), e);
            }
        }
        return out.toString();
    }

    /** The private key as an unencrypted PKCS#8 PEM {@code PRIVATE KEY} block; store it readable by its owner only. */
    public String privateKeyPem() {
        return pem("PRIVATE KEY", privateKey.getEncoded());
    }

    /** RFC 7468 text: base64 in 64-column lines between BEGIN and END lines. */
    private static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
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

    /** Whether the key belongs to the leaf certificate: signs a probe message and verifies it with the certificate's key. */
    public boolean keyMatchesCertificate() {
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

    /**
     * A TLS context that presents this key and chain (a server's; or a client's for mutual TLS) and trusts the
     * JDK's default CAs.
     */
    public SSLContext sslContext() {
        try {
            char[] password = Long.toHexString(new SecureRandom().nextLong()).toCharArray();
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keyStore("key", password), password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build the TLS context", e);
        }
    }
}
