package io.waddleperf.probes.tls;

import io.waddleperf.core.result.ErrorKind;
import io.waddleperf.probes.ProbeException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.PKIXReason;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A trust manager that runs the JDK's real PKIX and hostname checks on the server's chain, remembers the chain
 * and the outcome, and either enforces the outcome ({@code verify=true}) or only records it
 * ({@code verify=false}), so a probe can report the certificate and whether it would verify in both cases.
 *
 * <p>Hostname checking happens here because the probe sets the endpoint identification algorithm
 * {@code HTTPS} (RFC 2818 §3.1, RFC 6125) on the socket: JSSE leaves identity checks to an
 * {@link X509ExtendedTrustManager} given the socket.
 */
final class RecordingTrustManager extends X509ExtendedTrustManager {

    private final X509ExtendedTrustManager delegate;
    private final boolean enforce;
    private volatile X509Certificate[] chain;
    private volatile String failureReason;

    RecordingTrustManager(X509ExtendedTrustManager delegate, boolean enforce) {
        this.delegate = delegate;
        this.enforce = enforce;
    }

    /** The chain the server presented; null when the handshake ended before it arrived. */
    X509Certificate[] chain() {
        return chain;
    }

    /** Why verification failed; null when it passed or did not run. */
    String failureReason() {
        return failureReason;
    }

    /**
     * The JDK's PKIX trust manager over the default trust anchors plus the certificates in the PEM file
     * {@code caFile} (when not null).
     */
    static X509ExtendedTrustManager baseTrust(String caFile) throws GeneralSecurityException, ProbeException {
        X509ExtendedTrustManager system = fromFactory(null);
        if (caFile == null) {
            return system;
        }
        KeyStore anchors = KeyStore.getInstance("PKCS12");
        try {
            anchors.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException("cannot initialise an empty key store", e);
        }
        int n = 0;
        for (X509Certificate c : system.getAcceptedIssuers()) {
            anchors.setCertificateEntry("system-" + n++, c);
        }
        for (Certificate c : readPem(caFile)) {
            anchors.setCertificateEntry("ca-file-" + n++, c);
        }
        return fromFactory(anchors);
    }

    private static Collection<? extends Certificate> readPem(String caFile) throws ProbeException {
        try (InputStream in = Files.newInputStream(Path.of(caFile))) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw new ProbeException(ErrorKind.INVALID_TARGET, "ca_file " + caFile + " holds no certificate");
            }
            return certs;
        } catch (IOException e) {
            throw new ProbeException(ErrorKind.INVALID_TARGET, "ca_file " + caFile + " cannot be read: " + e, e);
        } catch (CertificateException e) {
            throw new ProbeException(ErrorKind.INVALID_TARGET, "ca_file " + caFile + " is not PEM certificates: " + e.getMessage(), e);
        }
    }

    private static X509ExtendedTrustManager fromFactory(KeyStore anchors) throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(anchors);
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509ExtendedTrustManager x) {
                return x;
            }
        }
        throw new GeneralSecurityException("the default TrustManagerFactory offers no X509ExtendedTrustManager");
    }

    /** A short reason for a failed verification: expiry, untrusted issuer or hostname mismatch, else the JDK's text. */
    static String reasonOf(CertificateException e, X509Certificate[] chain) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof CertificateExpiredException
                    || c instanceof CertPathValidatorException v && v.getReason() == CertPathValidatorException.BasicReason.EXPIRED) {
                return "certificate expired" + notAfterOf(chain);
            }
            if (c instanceof CertificateNotYetValidException
                    || c instanceof CertPathValidatorException v && v.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
                return "certificate not yet valid";
            }
            if (c instanceof CertPathValidatorException v && v.getReason() == PKIXReason.NO_TRUST_ANCHOR
                    || c instanceof CertPathBuilderException) {
                return "untrusted certificate: no certification path to a trusted root";
            }
        }
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (msg.startsWith("No name matching") || msg.startsWith("No subject alternative")) {
            return "hostname mismatch: " + msg;
        }
        return "certificate rejected: " + msg;
    }

    private static String notAfterOf(X509Certificate[] chain) {
        return chain == null || chain.length == 0 ? "" : " (not after " + chain[0].getNotAfter().toInstant() + ")";
    }

    private void check(X509Certificate[] presented, CertificateCheck check) throws CertificateException {
        chain = presented.clone();
        try {
            check.run();
        } catch (CertificateException e) {
            failureReason = reasonOf(e, presented);
            if (enforce) {
                throw e;
            }
        }
    }

    @FunctionalInterface
    private interface CertificateCheck {
        void run() throws CertificateException;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] presented, String authType, Socket socket) throws CertificateException {
        check(presented, () -> delegate.checkServerTrusted(presented, authType, socket));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] presented, String authType, SSLEngine engine) throws CertificateException {
        check(presented, () -> delegate.checkServerTrusted(presented, authType, engine));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] presented, String authType) throws CertificateException {
        check(presented, () -> delegate.checkServerTrusted(presented, authType));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] presented, String authType, Socket socket) throws CertificateException {
        delegate.checkClientTrusted(presented, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] presented, String authType, SSLEngine engine) throws CertificateException {
        delegate.checkClientTrusted(presented, authType, engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] presented, String authType) throws CertificateException {
        delegate.checkClientTrusted(presented, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return delegate.getAcceptedIssuers();
    }
}
