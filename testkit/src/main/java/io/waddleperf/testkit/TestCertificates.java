package io.waddleperf.testkit;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A generator of X.509 certificates for TLS peers: a CA, server certificates it signs (valid or already
 * expired), and self-signed server certificates, with PEM output. It depends only on the JDK and Bouncy Castle
 * (bcpkix), not on JUnit or WaddlePerf code, so a server that needs a self-signed certificate at first start
 * can reuse it as is. Keys are EC P-256: fast to generate and accepted by TLS 1.2 and 1.3.
 */
public final class TestCertificates {

    /** Host names and addresses a loopback server certificate covers. */
    public static final List<String> LOOPBACK_NAMES = List.of("localhost", "127.0.0.1", "::1");

    private static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";
    private static final SecureRandom RANDOM = new SecureRandom();

    private TestCertificates() {
    }

    /**
     * A certificate with its private key and the chain a server presents (leaf first, issuing CA after it;
     * just the leaf when self-signed).
     */
    public record Issued(X509Certificate certificate, PrivateKey privateKey, List<X509Certificate> chain) {

        public Issued {
            chain = List.copyOf(chain);
        }

        /** A PKCS#12 key store in memory holding the key under alias {@code key} with the chain, password {@code password}. */
        public KeyStore keyStore(char[] password) throws GeneralSecurityException {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try {
                ks.load(null, null);
            } catch (IOException e) {
                throw new GeneralSecurityException("cannot initialise an empty key store", e);
            }
            ks.setKeyEntry("key", privateKey, password, chain.toArray(Certificate[]::new));
            return ks;
        }

        /** Writes {@code <name>.crt} (the chain, PEM) and {@code <name>.key} (PKCS#8 PEM) into {@code dir}. */
        public PemFiles writePem(Path dir, String name) throws IOException {
            Path cert = dir.resolve(name + ".crt");
            Path key = dir.resolve(name + ".key");
            StringBuilder pem = new StringBuilder();
            for (X509Certificate c : chain) {
                try {
                    pem.append(pem("CERTIFICATE", c.getEncoded()));
                } catch (GeneralSecurityException e) {
                    throw new IOException("cannot encode certificate " + c.getSubjectX500Principal(), e);
                }
            }
            Files.writeString(cert, pem, StandardCharsets.US_ASCII);
            Files.writeString(key, pem("PRIVATE KEY", privateKey.getEncoded()), StandardCharsets.US_ASCII);
            return new PemFiles(cert, key);
        }
    }

    /** Paths of a PEM certificate (chain) file and its PEM private key file. */
    public record PemFiles(Path certificate, Path privateKey) {
    }

    /** A self-signed CA certificate valid from a day ago for {@code validity}. */
    public static Issued certificateAuthority(String commonName, Duration validity) throws GeneralSecurityException {
        KeyPair keys = newKeyPair();
        X500Name subject = distinguishedName(commonName);
        Instant notBefore = Instant.now().minus(Duration.ofDays(1));
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(), Date.from(notBefore),
                Date.from(notBefore.plus(validity)), subject, keys.getPublic());
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            builder.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
        } catch (CertIOException e) {
            throw new GeneralSecurityException("cannot add CA extensions", e);
        }
        X509Certificate cert = sign(builder, keys.getPrivate());
        return new Issued(cert, keys.getPrivate(), List.of(cert));
    }

    /**
     * A server certificate for {@code names} (DNS names or IP literals, all put in subjectAltName) valid from
     * {@code notBefore} to {@code notAfter}, signed by {@code issuer}; pass an already past {@code notAfter}
     * for an expired one.
     */
    public static Issued server(Issued issuer, List<String> names, Instant notBefore, Instant notAfter) throws GeneralSecurityException {
        KeyPair keys = newKeyPair();
        X509Certificate leaf = serverCertificate(keys, names, notBefore, notAfter, issuer.certificate(), issuer.privateKey());
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(leaf);
        chain.addAll(issuer.chain());
        return new Issued(leaf, keys.getPrivate(), chain);
    }

    /** A server certificate for {@code names} signed by {@code issuer}, valid from a day ago for {@code validity}. */
    public static Issued server(Issued issuer, List<String> names, Duration validity) throws GeneralSecurityException {
        Instant notBefore = Instant.now().minus(Duration.ofDays(1));
        return server(issuer, names, notBefore, notBefore.plus(validity));
    }

    /** A self-signed server certificate for {@code names}, valid from a day ago for {@code validity}. */
    public static Issued selfSigned(List<String> names, Duration validity) throws GeneralSecurityException {
        KeyPair keys = newKeyPair();
        Instant notBefore = Instant.now().minus(Duration.ofDays(1));
        X509Certificate cert = serverCertificate(keys, names, notBefore, notBefore.plus(validity), null, keys.getPrivate());
        return new Issued(cert, keys.getPrivate(), List.of(cert));
    }

    /** The PEM text ({@code -----BEGIN type-----}, base64 in 64-column lines) of a DER encoding (RFC 7468). */
    public static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }

    private static X509Certificate serverCertificate(KeyPair keys, List<String> names, Instant notBefore, Instant notAfter,
                                                     X509Certificate issuerCert, PrivateKey signingKey) throws GeneralSecurityException {
        if (names.isEmpty()) {
            throw new IllegalArgumentException("a server certificate needs at least one name");
        }
        X500Name subject = distinguishedName(names.getFirst());
        X500Name issuer = issuerCert == null ? subject : X500Name.getInstance(issuerCert.getSubjectX500Principal().getEncoded());
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, serial(), Date.from(notBefore),
                Date.from(notAfter), subject, keys.getPublic());
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            builder.addExtension(Extension.subjectAlternativeName, false, subjectAltNames(names));
            builder.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
            if (issuerCert != null) {
                builder.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(issuerCert));
            }
        } catch (CertIOException e) {
            throw new GeneralSecurityException("cannot add server extensions", e);
        }
        return sign(builder, signingKey);
    }

    /** {@code CN=<commonName>,O=WaddlePerf test}, encoded most significant RDN (O) first as is usual. */
    private static X500Name distinguishedName(String commonName) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "WaddlePerf test").addRDN(BCStyle.CN, commonName).build();
    }

    private static GeneralNames subjectAltNames(List<String> names) {
        List<GeneralName> out = new ArrayList<>();
        for (String name : names) {
            boolean ipLiteral = name.indexOf(':') >= 0 || name.matches("[0-9.]+");
            out.add(new GeneralName(ipLiteral ? GeneralName.iPAddress : GeneralName.dNSName, name));
        }
        return new GeneralNames(out.toArray(GeneralName[]::new));
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key) throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(key)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("cannot create a " + SIGNATURE_ALGORITHM + " signer", e);
        }
    }

    private static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
        gen.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return gen.generateKeyPair();
    }

    private static BigInteger serial() {
        // RFC 5280 §4.1.2.2: positive, at most 20 octets; 64 random bits keep serials unique per CA.
        return new BigInteger(64, RANDOM).add(BigInteger.ONE);
    }
}
