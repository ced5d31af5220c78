package io.waddleperf.tls;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
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
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Makes X.509 certificates with a fresh key each: a certificate authority, or a TLS server certificate for a
 * list of DNS names and IP literals (all put in subjectAltName, which is what clients check), either
 * self-signed or signed by a CA made here.
 *
 * <pre>{@code
 * TlsCredentials ca = CertificateMaker.authority("WaddlePerf CA").validFor(Duration.ofDays(3650)).selfSigned();
 * TlsCredentials server = CertificateMaker.server(List.of("host.example", "192.0.2.1")).validFor(Duration.ofDays(90)).signedBy(ca);
 * }</pre>
 *
 * Keys are EC P-256 signed with SHA-256 with ECDSA: quick to generate and accepted by every TLS 1.2 and 1.3
 * peer. Subjects are {@code O=WaddlePerf, CN=<common name>}. A maker is a one-use builder, not thread-safe.
 */
public final class CertificateMaker {

    /** The names a certificate for a server on loopback needs: clients dial any of them. */
    public static final List<String> LOOPBACK_NAMES = List.of("localhost", "127.0.0.1", "::1");

    /**
     * How long before "now" {@link #validFor} starts a certificate, so a peer whose clock is somewhat behind
     * does not see it as not yet valid.
     */
    public static final Duration BACKDATE = Duration.ofHours(1);

    private static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final boolean authority;
    private final List<String> names;
    private String commonName;
    private Clock clock = Clock.systemUTC();
    private Duration validity;
    private Instant notBefore;
    private Instant notAfter;

    private CertificateMaker(boolean authority, String commonName, List<String> names) {
        this.authority = authority;
        this.commonName = commonName;
        this.names = names;
    }

    /** A CA certificate (may sign certificates, nothing else) named {@code commonName}. */
    public static CertificateMaker authority(String commonName) {
        if (commonName == null || commonName.isBlank()) {
            throw new IllegalArgumentException("a certificate authority needs a common name");
        }
        return new CertificateMaker(true, commonName, List.of());
    }

    /**
     * A TLS server certificate for {@code names}: DNS names (a leading {@code *.} makes a wildcard) and IPv4 or
     * IPv6 literals. The first name is also the common name unless {@link #commonName} says otherwise.
     */
    public static CertificateMaker server(List<String> names) {
        List<String> copy = List.copyOf(names);
        if (copy.isEmpty()) {
            throw new IllegalArgumentException("a server certificate needs at least one name");
        }
        for (String name : copy) {
            if (name.isBlank()) {
                throw new IllegalArgumentException("blank name in " + copy);
            }
        }
        return new CertificateMaker(false, copy.getFirst(), copy);
    }

    /** The subject's common name; informative only, clients match the subjectAltName entries. */
    public CertificateMaker commonName(String name) {
        this.commonName = Objects.requireNonNull(name, "name");
        return this;
    }

    /** The clock {@link #validFor} counts from (the system clock unless set). */
    public CertificateMaker clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    /** Valid from {@link #BACKDATE} before now until {@code validity} after now. */
    public CertificateMaker validFor(Duration validity) {
        if (validity.isNegative() || validity.isZero()) {
            throw new IllegalArgumentException("validity must be positive: " + validity);
        }
        this.validity = validity;
        this.notBefore = null;
        this.notAfter = null;
        return this;
    }

    /** Valid exactly from {@code from} to {@code to}; a {@code to} in the past makes an expired certificate. */
    public CertificateMaker validBetween(Instant from, Instant to) {
        if (!to.isAfter(from)) {
            throw new IllegalArgumentException("validity ends (" + to + ") before it starts (" + from + ")");
        }
        this.notBefore = from;
        this.notAfter = to;
        this.validity = null;
        return this;
    }

    /** The certificate signed with its own key: the chain is the certificate alone. */
    public TlsCredentials selfSigned() {
        KeyPair keys = newKeyPair();
        X509Certificate cert = make(keys, null, keys.getPrivate());
        return new TlsCredentials(keys.getPrivate(), List.of(cert));
    }

    /** The certificate signed by {@code issuer}, a CA; the chain is the new certificate then the issuer's chain. */
    public TlsCredentials signedBy(TlsCredentials issuer) {
        if (issuer.certificate().getBasicConstraints() < 0) {
            throw new IllegalArgumentException("not a certificate authority: " + issuer.certificate().getSubjectX500Principal());
        }
        KeyPair keys = newKeyPair();
        X509Certificate cert = make(keys, issuer.certificate(), issuer.privateKey());
        List<X509Certificate> chain = new ArrayList<>();
        chain.add(cert);
        chain.addAll(issuer.chain());
        return new TlsCredentials(keys.getPrivate(), chain);
    }

    private X509Certificate make(KeyPair keys, X509Certificate issuerCert, PrivateKey signingKey) {
        if (validity == null && notBefore == null) {
            throw new IllegalStateException("say how long the certificate is valid (validFor or validBetween)");
        }
        Instant now = clock.instant();
        Instant from = validity != null ? now.minus(BACKDATE) : notBefore;
        Instant to = validity != null ? now.plus(validity) : notAfter;
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "WaddlePerf").addRDN(BCStyle.CN, commonName).build();
        X500Name issuer = issuerCert == null ? subject : X500Name.getInstance(issuerCert.getSubjectX500Principal().getEncoded());
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, serial(), Date.from(from), Date.from(to),
                    subject, keys.getPublic());
            if (authority) {
                builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            } else {
                builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
                builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
                builder.addExtension(Extension.subjectAlternativeName, false, subjectAltNames(names));
            }
            builder.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
            if (issuerCert != null) {
                builder.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(issuerCert));
            }
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(signingKey)));
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            // Every JDK has EC P-256 and SHA256withECDSA; failing here is a broken runtime, not bad input.
            throw new IllegalStateException("cannot make a certificate for " + commonName, e);
        }
    }

    private static GeneralNames subjectAltNames(List<String> names) {
        List<GeneralName> out = new ArrayList<>();
        for (String name : names) {
            out.add(isAddress(name) ? new GeneralName(GeneralName.iPAddress, name) : new GeneralName(GeneralName.dNSName, name));
        }
        return new GeneralNames(out.toArray(GeneralName[]::new));
    }

    /** IPv4 dotted quads and IPv6 literals; not the short IPv4 forms ("127.1") that would also parse. */
    static boolean isAddress(String text) {
        if (text.indexOf(':') < 0 && !text.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            return false;
        }
        try {
            InetAddress.ofLiteral(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no EC P-256 key generator", e);
        }
    }

    /** RFC 5280 4.1.2.2: positive and at most 20 octets; 127 random bits keep serials unique without a register. */
    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }
}
