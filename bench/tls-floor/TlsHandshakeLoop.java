// The JSSE side of the tls probe's handshake floor (bench/tls-floor.sh, docs/BENCHMARKS.md §6): the same steps as
// tls_handshake.c, in one JVM: a fresh SSLContext per attempt, set up outside the timing, the trust manager built
// once (as the probe does); connect timed alone; startHandshake() timed alone. `warm` untimed handshakes first,
// so the JIT (C1 only, or C2, as the JVM was started) has compiled the handshake path.
//   usage: java TlsHandshakeLoop.java host port warm count ca_file|- 1.2|1.3|- [interval_ms]
// Prints one line per timed attempt: connect_ms tls_ms version cipher.
import java.io.FileInputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.util.List;

public class TlsHandshakeLoop {
    public static void main(String[] args) throws Exception {
        InetSocketAddress remote = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
        int warm = Integer.parseInt(args[2]), count = Integer.parseInt(args[3]);
        TrustManager[] trust = trust(args[4]);
        String[] protocols = "-".equals(args[5]) ? null : new String[] {"TLSv" + args[5]};
        long interval = args.length > 6 ? Long.parseLong(args[6]) : 10;
        for (int i = 0; i < warm + count; i++) {
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, trust, null);
            try (Socket plain = new Socket()) {
                long t0 = System.nanoTime();
                plain.connect(remote, 5000);
                long t1 = System.nanoTime();
                plain.setTcpNoDelay(true);
                try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(plain, "localhost", remote.getPort(), true)) {
                    SSLParameters p = socket.getSSLParameters();
                    p.setServerNames(List.of(new SNIHostName("localhost")));
                    if (!"-".equals(args[4])) {
                        p.setEndpointIdentificationAlgorithm("HTTPS");
                    }
                    if (protocols != null) {
                        p.setProtocols(protocols);
                    }
                    socket.setSSLParameters(p);
                    long t2 = System.nanoTime();
                    socket.startHandshake();
                    long t3 = System.nanoTime();
                    if (i >= warm) {
                        System.out.printf("%.4f %.4f %s %s%n", (t1 - t0) / 1e6, (t3 - t2) / 1e6,
                                socket.getSession().getProtocol(), socket.getSession().getCipherSuite());
                        if (interval > 0) {
                            Thread.sleep(interval);
                        }
                    }
                }
            }
        }
    }

    /** PKIX over the CA file's certificates (the JDK's default validator, as the probe's TlsTrust); null = trust all. */
    private static TrustManager[] trust(String caFile) throws Exception {
        if ("-".equals(caFile)) {
            return new TrustManager[] {new X509TrustManager() {
                public void checkClientTrusted(X509Certificate[] c, String a) { }
                public void checkServerTrusted(X509Certificate[] c, String a) { }
                public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
            }};
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        try (FileInputStream in = new FileInputStream(caFile)) {
            int n = 0;
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca" + n++, c);
            }
        }
        TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        f.init(store);
        return f.getTrustManagers();
    }
}
