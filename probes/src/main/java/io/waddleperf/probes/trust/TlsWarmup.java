package io.waddleperf.probes.trust;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Readies the JDK's TLS stack before a probe starts its clock, so a first handshake measures the network and not
 * the JVM: on a fresh JVM the first handshake loads and initialises several hundred classes (SecureRandom seeding,
 * key exchange and signature providers, cipher suite tables, certificate parsing and path validation) and runs them
 * interpreted, which took 100–200 ms where later handshakes take a few (docs/BENCHMARKS.md §6).
 *
 * <p>It sends nothing to any target: the handshakes run over loopback between a client and a server in this JVM,
 * the server using throw-away keys (EC and RSA) and self-signed certificates shipped with the probes
 * ({@code warmup-ec.p12}, {@code warmup-rsa.p12}), which
 * authenticates nothing. The probe's own trust manager is exercised on that certificate too (it rejects it; the
 * point is the validator's code). Every step is best effort: a warm-up that fails leaves only a slower first attempt.
 */
public final class TlsWarmup {

    private static final char[] PASSWORD = "warmup".toCharArray();
    private static final int TIMEOUT_MILLIS = 2_000;
    /** Handshakes per key type and version; docs/BENCHMARKS.md §6 shows what fewer leave in a first attempt. */
    public static final int ROUNDS = 1;

    /** The key types a server certificate has in practice: each takes its own signature code in the handshake. */
    private static final List<String> KEY_TYPES = List.of("ec", "rsa");
    /** Both versions in use: TLS 1.2 and 1.3 handshakes run different message classes and key schedules. */
    private static final List<String> VERSIONS = List.of("TLSv1.3", "TLSv1.2");

    private static final Map<String, Material> MATERIAL = new ConcurrentHashMap<>();

    private TlsWarmup() {
    }

    /** The warm-up server's key and certificate, and a client context that accepts exactly that certificate. */
    public record Material(SSLContext server, SSLContext client, X509ExtendedTrustManager clientTrust,
                           X509Certificate[] chain, PrivateKey key) {
    }

    /** The EC warm-up key material (loaded once per JVM). */
    public static Material material() throws GeneralSecurityException, IOException {
        return material("ec");
    }

    private static Material material(String keyType) throws GeneralSecurityException, IOException {
        Material m = MATERIAL.get(keyType);
        if (m == null) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = TlsWarmup.class.getResourceAsStream("warmup-" + keyType + ".p12")) {
                if (in == null) {
                    throw new IOException("warmup-" + keyType + ".p12 missing from the probes jar");
                }
                ks.load(in, PASSWORD);
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, PASSWORD);
            SSLContext server = SSLContext.getInstance("TLS");
            server.init(kmf.getKeyManagers(), null, null);
            Certificate[] certs = ks.getCertificateChain("warmup");
            X509Certificate[] chain = Arrays.copyOf(certs, certs.length, X509Certificate[].class);
            X509ExtendedTrustManager pinned = new PinnedTrustManager(chain[0]);
            SSLContext client = SSLContext.getInstance("TLS");
            client.init(null, new TrustManager[] {pinned}, null);
            m = new Material(server, client, pinned, chain, (PrivateKey) ks.getKey("warmup", PASSWORD));
            MATERIAL.put(keyType, m);
        }
        return m;
    }

    /**
     * {@code rounds} full handshakes over loopback for each key type (EC, RSA) and version (TLS 1.3, 1.2), each with a
     * fresh client context so none is a resumption, and one pass of {@code probeTrust} over each warm-up certificate.
     * Failures are swallowed: see the class comment.
     */
    public static void handshakes(int rounds, X509ExtendedTrustManager probeTrust) {
        try {
            for (String keyType : KEY_TYPES) {
                Material m = material(keyType);
                exerciseTrust(probeTrust, m.chain());
                try (ServerSocket listener = m.server().getServerSocketFactory()
                        .createServerSocket(0, rounds, InetAddress.getLoopbackAddress())) {
                    listener.setSoTimeout(TIMEOUT_MILLIS);
                    int connections = rounds * VERSIONS.size();
                    Thread server = Thread.ofPlatform().daemon().name("tls-warmup").start(() -> serve(listener, connections));
                    for (String version : VERSIONS) {
                        for (int i = 0; i < rounds; i++) {
                            handshake(m, listener.getLocalPort(), version);
                        }
                    }
                    server.join(TIMEOUT_MILLIS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception | LinkageError e) {
            // best effort: the probe measures anyway, its first attempt only slower
        }
    }

    private static void handshake(Material m, int port, String version) throws GeneralSecurityException, IOException {
        SSLContext fresh = SSLContext.getInstance("TLS");
        fresh.init(null, new TrustManager[] {m.clientTrust()}, null);
        try (Socket plain = new Socket()) {
            plain.setTcpNoDelay(true);
            plain.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), TIMEOUT_MILLIS);
            plain.setSoTimeout(TIMEOUT_MILLIS);
            try (SSLSocket tls = (SSLSocket) fresh.getSocketFactory().createSocket(plain, "127.0.0.1", port, true)) {
                tls.setEnabledProtocols(new String[] {version});
                TlsTrust.identify(tls, "127.0.0.1");
                tls.startHandshake();
                tls.getOutputStream().write(1);
                tls.getOutputStream().flush();
                tls.getInputStream().read();
            }
        }
    }

    /** Runs {@code trust} over the warm-up chain; it rejects it, which exercises the same path a real chain takes. */
    public static void exerciseTrust(X509ExtendedTrustManager trust, X509Certificate[] chain) {
        if (trust == null) {
            return;
        }
        try {
            trust.checkServerTrusted(chain, "EC");
        } catch (Exception e) {
            // expected: the warm-up certificate is nobody's
        }
    }

    private static void serve(ServerSocket listener, int connections) {
        for (int i = 0; i < connections; i++) {
            try (Socket s = listener.accept()) {
                s.setSoTimeout(TIMEOUT_MILLIS);
                int b = s.getInputStream().read();
                s.getOutputStream().write(b < 0 ? 0 : b);
                s.getOutputStream().flush();
            } catch (IOException e) {
                return;
            }
        }
    }

    /** Trusts exactly one certificate (the warm-up server's), so even the warm-up handshake verifies its peer. */
    private static final class PinnedTrustManager extends javax.net.ssl.X509ExtendedTrustManager {
        private final X509Certificate pinned;

        PinnedTrustManager(X509Certificate pinned) {
            this.pinned = pinned;
        }

        private void check(X509Certificate[] chain) throws java.security.cert.CertificateException {
            if (chain == null || chain.length == 0 || !chain[0].equals(pinned)) {
                throw new java.security.cert.CertificateException("not the warm-up certificate");
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws java.security.cert.CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, javax.net.ssl.SSLEngine engine)
                throws java.security.cert.CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws java.security.cert.CertificateException {
            check(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws java.security.cert.CertificateException {
            throw new java.security.cert.CertificateException("client certificates are not used");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, javax.net.ssl.SSLEngine engine)
                throws java.security.cert.CertificateException {
            throw new java.security.cert.CertificateException("client certificates are not used");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws java.security.cert.CertificateException {
            throw new java.security.cert.CertificateException("client certificates are not used");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
