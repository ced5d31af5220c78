package io.waddleperf.probes.http;

import io.waddleperf.core.result.ErrorKind;
import io.waddleperf.probes.ProbeException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The TLS trust an http probe runs with: the system's trust anchors, plus the certificates of an optional PEM
 * {@code ca_file}; or, with {@code verify=false}, no certificate or host name check at all (the result then says
 * {@code tls_verified: false}). {@code hostnameVerifier} is null when OkHttp's own (RFC 2818/6125) check applies.
 */
record TlsTrust(SSLSocketFactory socketFactory, X509TrustManager trustManager, HostnameVerifier hostnameVerifier,
                boolean verifies) {

    /** Trust for {@code verify} with an optional PEM file of extra trust anchors; a bad file is a {@code tls_error} naming it. */
    static TlsTrust of(String caFile, boolean verify) throws ProbeException {
        try {
            if (!verify) {
                X509TrustManager all = new TrustEverything();
                return new TlsTrust(context(all).getSocketFactory(), all, (host, session) -> true, false);
            }
            X509TrustManager tm = caFile == null ? systemTrust() : systemPlus(readPem(Path.of(caFile)));
            return new TlsTrust(context(tm).getSocketFactory(), tm, null, true);
        } catch (GeneralSecurityException e) {
            throw new ProbeException(ErrorKind.TLS_ERROR, "cannot set up trust: " + e.getMessage(), e);
        }
    }

    private static SSLContext context(X509TrustManager tm) throws GeneralSecurityException {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {tm}, null);
        return ctx;
    }

    private static X509TrustManager systemTrust() throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init((KeyStore) null);
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509TrustManager x) {
                return x;
            }
        }
        throw new GeneralSecurityException("no X.509 trust manager in " + tmf.getAlgorithm());
    }

    /** One trust store holding the system anchors and the extra ones, so either kind of chain verifies. */
    private static X509TrustManager systemPlus(List<X509Certificate> extra) throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new GeneralSecurityException(e);
        }
        int i = 0;
        for (X509Certificate anchor : systemTrust().getAcceptedIssuers()) {
            store.setCertificateEntry("system-" + i++, anchor);
        }
        for (X509Certificate anchor : extra) {
            store.setCertificateEntry("ca-file-" + i++, anchor);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509TrustManager x) {
                return x;
            }
        }
        throw new GeneralSecurityException("no X.509 trust manager in " + tmf.getAlgorithm());
    }

    private static List<X509Certificate> readPem(Path file) throws ProbeException {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            List<X509Certificate> out = new ArrayList<>();
            for (Certificate c : certs) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new ProbeException(ErrorKind.TLS_ERROR, "ca_file " + file + " holds no PEM certificate");
            }
            return out;
        } catch (IOException | GeneralSecurityException e) {
            throw new ProbeException(ErrorKind.TLS_ERROR, "cannot read ca_file " + file + ": " + e, e);
        }
    }

    /**
     * Accepts any chain: {@code verify=false}. Extended, so the JDK does not wrap it in its own endpoint and
     * algorithm checks.
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
}
