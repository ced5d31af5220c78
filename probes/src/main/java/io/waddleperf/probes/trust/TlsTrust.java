package io.waddleperf.probes.trust;

import io.waddleperf.core.result.ErrorKind;
import io.waddleperf.core.spec.TlsClientSpec;
import io.waddleperf.probes.OptionFile;
import io.waddleperf.probes.ProbeException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
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
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The TLS trust of a probe run, made from its {@link TlsClientSpec}: the system's trust anchors plus the certificates
 * of an optional PEM {@code ca_file}, checked by the JDK's PKIX validator; the host name checked during the
 * handshake by the same trust manager (endpoint identification {@code HTTPS}: RFC 2818 §3.1, RFC 6125), so every
 * probe, whatever its HTTP client, fails on the same certificates with the same words. A failed check aborts the
 * handshake with an {@code SSLHandshakeException} whose message is the reason from {@link #reasonOf}
 * ({@code hostname mismatch: …}, {@code untrusted certificate: …}, {@code certificate expired …}), which
 * {@code Failures} reports as {@code tls_error: <reason>}. With {@code verify=false} any chain and name are accepted
 * and the probe measures anyway; results say so.
 *
 * <p>Clients use it one of three ways: the JDK {@code HttpClient} takes {@link #context()} (it sets endpoint
 * identification and SNI itself); OkHttp takes {@link #socketFactory()} and {@link #trustManager()}; a hand-made
 * connection calls {@link #handshake}.
 */
public final class TlsTrust {

    private final SSLContext context;
    private final X509ExtendedTrustManager trustManager;
    private final boolean verifies;

    private TlsTrust(SSLContext context, X509ExtendedTrustManager trustManager, boolean verifies) {
        this.context = context;
        this.trustManager = trustManager;
        this.verifies = verifies;
    }

    /** Trust for {@code spec}; an unreadable or empty {@code ca_file} is an {@code invalid_target} naming the file. */
    public static TlsTrust of(TlsClientSpec spec) throws ProbeException {
        try {
            X509ExtendedTrustManager tm = spec.verify() ? new NamingTrustManager(pkix(spec.caFile())) : new TrustEverything();
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {tm}, null);
            return new TlsTrust(ctx, tm, spec.verify());
        } catch (GeneralSecurityException e) {
            throw new ProbeException(ErrorKind.TLS_ERROR, "cannot set up trust: " + e.getMessage(), e);
        }
    }

    /** A context whose sockets and engines trust as this does (fresh sessions: it is new for each probe run). */
    public SSLContext context() {
        return context;
    }

    public X509ExtendedTrustManager trustManager() {
        return trustManager;
    }

    /** False with {@code verify=false}: nothing about the certificate or name was checked. */
    public boolean verifies() {
        return verifies;
    }

    /**
     * Sockets that check the host name in the handshake and send SNI for the host given to
     * {@code createSocket(socket, host, port, autoClose)}; for clients, such as OkHttp, that layer TLS over a
     * connected socket this way.
     */
    public SSLSocketFactory socketFactory() {
        return new IdentifyingSocketFactory(context.getSocketFactory());
    }

    /**
     * As {@link #socketFactory()}, but over a new context with the same trust: its sockets share no session cache with
     * any other, so every handshake is a full one, never a resumption of an earlier attempt's session.
     */
    public SSLSocketFactory freshSocketFactory() throws ProbeException {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {trustManager}, null);
            return new IdentifyingSocketFactory(ctx.getSocketFactory());
        } catch (GeneralSecurityException e) {
            throw new ProbeException(ErrorKind.TLS_ERROR, "cannot set up trust: " + e.getMessage(), e);
        }
    }

    /**
     * TLS over the connected {@code plain} socket to {@code host}: SNI sent, host name checked, handshake done.
     * Closing the returned socket closes {@code plain}.
     */
    public SSLSocket handshake(Socket plain, String host, int port) throws IOException {
        SSLSocket ssl = (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, true);
        identify(ssl, host);
        ssl.startHandshake();
        return ssl;
    }

    /** Sets endpoint identification {@code HTTPS} and, for a DNS name, SNI (RFC 6066 §3 allows no IP literal). */
    public static void identify(SSLSocket socket, String host) {
        SSLParameters params = socket.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        sniFor(host).ifPresent(sni -> params.setServerNames(List.of(sni)));
        socket.setSSLParameters(params);
    }

    /** The SNI name for {@code host}; none for IP literals, which RFC 6066 §3 does not allow in SNI. */
    public static Optional<SNIHostName> sniFor(String host) {
        if (host == null || host.indexOf(':') >= 0 || host.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}")) {
            return Optional.empty();
        }
        try {
            return Optional.of(new SNIHostName(host));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * The JDK's PKIX trust manager over the system trust anchors plus the certificates in the PEM file
     * {@code caFile} (when not null). One store holds both, so either kind of chain verifies.
     */
    public static X509ExtendedTrustManager pkix(String caFile) throws GeneralSecurityException, ProbeException {
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

    /**
     * The certificates of the PEM file {@code caFile}, for a client that loads the file itself (the tls probe's
     * OpenSSL path): an unreadable or empty file, or one that is not PEM certificates, fails as {@link #pkix} does.
     */
    public static Collection<? extends Certificate> caCertificates(String caFile) throws ProbeException {
        return readPem(caFile);
    }

    private static Collection<? extends Certificate> readPem(String caFile) throws ProbeException {
        Path path = OptionFile.readable("ca_file", caFile);
        try (InputStream in = Files.newInputStream(path)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw new ProbeException(ErrorKind.INVALID_TARGET, "ca_file '" + caFile + "' holds no certificate");
            }
            return certs;
        } catch (IOException e) {
            throw OptionFile.unreadable("ca_file", caFile, e);
        } catch (CertificateException e) {
            throw new ProbeException(ErrorKind.INVALID_TARGET, "ca_file '" + caFile + "' is not PEM certificates: "
                    + decodeFailure(e), e);
        }
    }

    /** The JDK's reason a file did not decode, unless it is only a chain of its exception names (then in words). */
    private static String decodeFailure(CertificateException e) {
        String msg = e.getMessage();
        return msg == null || msg.contains("java.") || msg.contains("Exception") ? "the certificate data cannot be decoded"
                : msg;
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
    public static String reasonOf(CertificateException e, X509Certificate[] chain) {
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

    /**
     * {@code verify=true}: the JDK's checks, failures rethrown with {@link #reasonOf} as their message so that
     * the handshake exception names them. Stateless, so one instance serves parallel connections.
     */
    private static final class NamingTrustManager extends X509ExtendedTrustManager {

        private final X509ExtendedTrustManager delegate;

        NamingTrustManager(X509ExtendedTrustManager delegate) {
            this.delegate = delegate;
        }

        @FunctionalInterface
        private interface Check {
            void run() throws CertificateException;
        }

        private static void named(X509Certificate[] chain, Check check) throws CertificateException {
            try {
                check.run();
            } catch (CertificateException e) {
                throw new CertificateException(reasonOf(e, chain), e);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            named(chain, () -> delegate.checkServerTrusted(chain, authType, socket));
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            named(chain, () -> delegate.checkServerTrusted(chain, authType, engine));
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            named(chain, () -> delegate.checkServerTrusted(chain, authType));
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            delegate.checkClientTrusted(chain, authType, socket);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            delegate.checkClientTrusted(chain, authType, engine);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            delegate.checkClientTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return delegate.getAcceptedIssuers();
        }
    }

    /**
     * Accepts any chain and name: {@code verify=false}. Extended, so the JDK does not wrap it in its own endpoint
     * and algorithm checks.
     */
    private static final class TrustEverything extends X509ExtendedTrustManager {

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    /** Layers TLS with {@link #identify} on every socket it makes over a connected one. */
    private static final class IdentifyingSocketFactory extends SSLSocketFactory {

        private final SSLSocketFactory delegate;

        IdentifyingSocketFactory(SSLSocketFactory delegate) {
            this.delegate = delegate;
        }

        @Override
        public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
            SSLSocket ssl = (SSLSocket) delegate.createSocket(s, host, port, autoClose);
            identify(ssl, host);
            return ssl;
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            SSLSocket ssl = (SSLSocket) delegate.createSocket(host, port);
            identify(ssl, host);
            return ssl;
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            SSLSocket ssl = (SSLSocket) delegate.createSocket(host, port, localHost, localPort);
            identify(ssl, host);
            return ssl;
        }

        /** Without a host name there is nothing to check the certificate against: refused, not silently unchecked. */
        @Override
        public Socket createSocket(InetAddress address, int port) throws IOException {
            throw new IOException("TLS to an address without a host name is not supported here");
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
            throw new IOException("TLS to an address without a host name is not supported here");
        }

        @Override
        public Socket createSocket() throws IOException {
            throw new IOException("TLS over an unconnected socket is not supported here");
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return delegate.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return delegate.getSupportedCipherSuites();
        }
    }
}
