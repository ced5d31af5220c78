package io.waddleperf.probes.tls;

import io.waddleperf.probes.trust.TlsTrust;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A trust manager that runs the JDK's real PKIX and hostname checks on the server's chain, remembers the chain
 * and the outcome, and either enforces the outcome ({@code verify=true}) or only records it
 * ({@code verify=false}), so a probe can report the certificate and whether it would verify in both cases.
 *
 * <p>Hostname checking happens here because the probe sets the endpoint identification algorithm
 * {@code HTTPS} (RFC 2818 §3.1, RFC 6125) on the socket: JSSE leaves identity checks to an
 * {@link X509ExtendedTrustManager} given the socket. The checks and the reasons are {@link TlsTrust}'s, shared
 * with the other TLS probes; only the recording, and going on after a failure, are this probe's own.
 */
final class RecordingTrustManager extends X509ExtendedTrustManager implements SeenCertificate {

    private final X509ExtendedTrustManager delegate;
    private final boolean enforce;
    private volatile X509Certificate[] chain;
    private volatile String failureReason;

    RecordingTrustManager(X509ExtendedTrustManager delegate, boolean enforce) {
        this.delegate = delegate;
        this.enforce = enforce;
    }

    @Override
    public X509Certificate[] chain() {
        return chain;
    }

    @Override
    public String failureReason() {
        return failureReason;
    }

    private void check(X509Certificate[] presented, CertificateCheck check) throws CertificateException {
        chain = presented.clone();
        try {
            check.run();
        } catch (CertificateException e) {
            failureReason = TlsTrust.reasonOf(e, presented);
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
