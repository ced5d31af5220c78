package io.waddleperf.probes.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waddleperf.core.spec.TlsClientSpec;
import io.waddleperf.probes.Failures;
import io.waddleperf.testkit.TrustFixture;
import io.waddleperf.tls.TlsCredentials;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIMatcher;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared trust against a real TLS server on loopback whose certificate names only a DNS name: the name the
 * client asks for is sent as SNI (seen by the server) and checked against the certificate, on both ways in
 * ({@code handshake} for hand-made connections, {@code socketFactory} for OkHttp).
 */
class TlsTrustTest {

    @TempDir
    static Path dir;

    private static TrustFixture trust;
    private static SSLServerSocket server;
    private static final List<String> SNI_SEEN = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        trust = TrustFixture.create(dir);
        TlsCredentials identity = trust.otherNameServer();
        char[] password = "test".toCharArray();
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(identity.keyStore("server", password), password);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        server = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        SSLParameters params = server.getSSLParameters();
        params.setSNIMatchers(List.of(new SNIMatcher(0) { // type 0: host_name (RFC 6066 §3)
            @Override
            public boolean matches(SNIServerName name) {
                SNI_SEEN.add(((SNIHostName) name).getAsciiName());
                return true;
            }
        }));
        server.setSSLParameters(params);
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    SSLSocket s = (SSLSocket) server.accept();
                    Thread.ofVirtual().start(() -> {
                        try (s) {
                            s.startHandshake();
                            s.getInputStream().read();
                        } catch (IOException e) {
                            // the client refused the certificate or went away
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    @AfterAll
    static void stop() throws IOException {
        server.close();
    }

    private static Socket plain() throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), 5_000);
        s.setSoTimeout(5_000);
        return s;
    }

    @Test
    void handshake_sends_the_name_as_sni_and_accepts_a_certificate_for_it() throws Exception {
        TlsTrust t = TlsTrust.of(new TlsClientSpec(trust.caFile().toString(), true));
        SNI_SEEN.clear();
        try (SSLSocket s = t.handshake(plain(), TrustFixture.OTHER_NAME, server.getLocalPort())) {
            assertThat(s.getSession().getProtocol()).startsWith("TLSv1.");
        }
        assertThat(SNI_SEEN).containsExactly(TrustFixture.OTHER_NAME);
    }

    @Test
    void socket_factory_sends_sni_and_checks_the_name_too() throws Exception {
        TlsTrust t = TlsTrust.of(new TlsClientSpec(trust.caFile().toString(), true));
        SNI_SEEN.clear();
        try (SSLSocket s = (SSLSocket) t.socketFactory().createSocket(plain(), TrustFixture.OTHER_NAME, server.getLocalPort(), true)) {
            s.startHandshake();
        }
        assertThat(SNI_SEEN).containsExactly(TrustFixture.OTHER_NAME);
        assertThatThrownBy(() -> {
            try (SSLSocket s = (SSLSocket) t.socketFactory().createSocket(plain(), "wrong.example.com", server.getLocalPort(), true)) {
                s.startHandshake();
            }
        }).isInstanceOfSatisfying(SSLException.class, e -> assertThat(Failures.classify(e).describe())
                .startsWith("tls_error: hostname mismatch").contains("wrong.example.com"));
    }

    @Test
    void another_name_is_a_named_hostname_mismatch() throws Exception {
        TlsTrust t = TlsTrust.of(new TlsClientSpec(trust.caFile().toString(), true));
        assertThatThrownBy(() -> t.handshake(plain(), "wrong.example.com", server.getLocalPort()).close())
                .isInstanceOfSatisfying(SSLException.class, e -> assertThat(Failures.classify(e).describe())
                        .startsWith("tls_error: hostname mismatch").contains("wrong.example.com"));
    }

    @Test
    void without_the_ca_file_the_chain_is_untrusted_and_verify_false_accepts_anything() throws Exception {
        TlsTrust system = TlsTrust.of(TlsClientSpec.DEFAULT);
        assertThatThrownBy(() -> system.handshake(plain(), TrustFixture.OTHER_NAME, server.getLocalPort()).close())
                .isInstanceOfSatisfying(SSLException.class, e -> assertThat(Failures.classify(e).describe())
                        .startsWith("tls_error: untrusted certificate"));
        TlsTrust none = TlsTrust.of(new TlsClientSpec(null, false));
        assertThat(none.verifies()).isFalse();
        none.handshake(plain(), "wrong.example.com", server.getLocalPort()).close();
    }

    @Test
    void no_sni_for_ip_literals() {
        assertThat(TlsTrust.sniFor("127.0.0.1")).isEmpty();
        assertThat(TlsTrust.sniFor("::1")).isEmpty();
        assertThat(TlsTrust.sniFor("localhost")).contains(new SNIHostName("localhost"));
    }
}
