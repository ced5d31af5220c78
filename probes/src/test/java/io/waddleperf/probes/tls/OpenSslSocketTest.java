package io.waddleperf.probes.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waddleperf.probes.Failures;
import io.waddleperf.probes.trust.TlsWarmup;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link OpenSslSocket} over real loopback sockets: OpenSSL against OpenSSL (the socket in both roles) and against the
 * JDK's TLS server, data both ways at once, the ends of a stream, timeouts, closing under a blocked read, and the
 * handshake's failures as the probes report them.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class OpenSslSocketTest {

    private static TlsWarmup.Material material;
    private static OpenSslSocketFactory serverFactory;
    private static OpenSslSocketFactory clientFactory;

    @BeforeAll
    static void setUp() throws Exception {
        material = TlsWarmup.material();
        serverFactory = OpenSslSocketFactory.server(material.chain()[0], material.key());
        clientFactory = OpenSslSocketFactory.client(null, false);
    }

    @AfterAll
    static void tearDown() {
        serverFactory.close();
        clientFactory.close();
    }

    /** A connected pair: the client's TLS socket (handshake not yet made) and the server's, made on accept. */
    private record Pair(SSLSocket client, CompletableFuture<OpenSslSocket> server, ServerSocket listener) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            client.close();
            if (server.isDone() && !server.isCompletedExceptionally()) {
                server.join().close();
            }
            listener.close();
        }
    }

    private static Pair pair(OpenSslSocketFactory client) throws IOException {
        ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        CompletableFuture<OpenSslSocket> server = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try {
                OpenSslSocket s = serverFactory.serverSide(listener.accept());
                s.setSoTimeout(20_000);
                s.startHandshake();
                server.complete(s);
            } catch (IOException e) {
                server.completeExceptionally(e);
            }
        });
        Socket plain = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
        plain.setSoTimeout(20_000); // a test that goes wrong fails instead of waiting for ever
        return new Pair((SSLSocket) client.createSocket(plain, "localhost", listener.getLocalPort(), true), server, listener);
    }

    @Test
    void moves_megabytes_both_ways_at_once_intact() throws Exception {
        byte[] up = random(3 * 1024 * 1024 + 17, 1);
        byte[] down = random(2 * 1024 * 1024 + 5, 2);
        try (Pair p = pair(clientFactory)) {
            CompletableFuture<byte[]> serverGot = CompletableFuture.supplyAsync(() -> {
                try {
                    OpenSslSocket s = p.server().join();
                    Thread writer = Thread.ofPlatform().start(() -> writeAll(s, down));
                    byte[] got = s.getInputStream().readNBytes(up.length);
                    writer.join();
                    return got;
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread writer = Thread.ofPlatform().start(() -> writeAll(p.client(), up));
            byte[] clientGot = p.client().getInputStream().readNBytes(down.length);
            writer.join();

            assertThat(Arrays.equals(clientGot, down)).isTrue();
            assertThat(Arrays.equals(serverGot.get(30, TimeUnit.SECONDS), up)).isTrue();
            assertThat(p.client().getSession().getProtocol()).isEqualTo("TLSv1.3");
            assertThat(p.client().getSession().getPeerCertificates()).hasSize(1);
            assertThat(p.client().getSession().getPeerCertificates()[0]).isEqualTo(material.chain()[0]);
        }
    }

    @Test
    void several_writers_and_a_reader_at_once_keep_every_write_whole() throws Exception {
        int writers = 4;
        int blocks = 200;
        int block = 4096;
        byte[] down = random(1024 * 1024, 3);
        try (Pair p = pair(clientFactory)) {
            p.client().startHandshake();
            OpenSslSocket s = p.server().get(10, TimeUnit.SECONDS);
            Thread serverWriter = Thread.ofPlatform().start(() -> writeAll(s, down));
            CompletableFuture<int[]> counted = CompletableFuture.supplyAsync(() -> {
                int[] perWriter = new int[writers];
                try {
                    InputStream in = s.getInputStream();
                    for (int i = 0; i < writers * blocks; i++) {
                        byte[] b = in.readNBytes(block);
                        for (byte x : b) {
                            assertThat(x).as("a write of %d bytes arrived whole", block).isEqualTo(b[0]);
                        }
                        perWriter[b[0]]++;
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
                return perWriter;
            });
            List<Thread> threads = new java.util.ArrayList<>();
            for (int w = 0; w < writers; w++) {
                byte[] mine = new byte[block];
                Arrays.fill(mine, (byte) w);
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        for (int i = 0; i < blocks; i++) {
                            p.client().getOutputStream().write(mine);
                        }
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            byte[] got = p.client().getInputStream().readNBytes(down.length);
            for (Thread t : threads) {
                t.join();
            }
            serverWriter.join();
            assertThat(Arrays.equals(got, down)).isTrue();
            assertThat(counted.get(30, TimeUnit.SECONDS)).containsOnly(blocks);
        }
    }

    @Test
    void a_key_update_asked_for_by_the_peer_is_answered_and_data_flows_on() throws Exception {
        try (Pair p = pair(clientFactory)) {
            p.client().startHandshake();
            OpenSslSocket s = p.server().get(10, TimeUnit.SECONDS);
            for (int round = 0; round < 3; round++) {
                s.requestKeyUpdate(); // the client's reader must send its own update back (RFC 8446 §4.6.3)
                s.getOutputStream().write('x');
                assertThat(p.client().getInputStream().read()).isEqualTo('x');
                p.client().getOutputStream().write('y');
                assertThat(s.getInputStream().read()).isEqualTo('y');
            }
        }
    }

    @Test
    void the_peers_close_notify_and_a_bare_hang_up_both_end_the_stream() throws Exception {
        try (Pair p = pair(clientFactory)) {
            p.client().startHandshake();
            OpenSslSocket s = p.server().get(10, TimeUnit.SECONDS);
            s.getOutputStream().write("bye".getBytes());
            s.close(); // close_notify, then the socket
            InputStream in = p.client().getInputStream();
            assertThat(new String(in.readNBytes(3))).isEqualTo("bye");
            assertThat(in.read()).isEqualTo(-1);
        }
        try (Pair p = pair(clientFactory)) {
            p.client().startHandshake();
            OpenSslSocket s = p.server().get(10, TimeUnit.SECONDS);
            s.getOutputStream().write("cut".getBytes());
            s.shutdownOutput(); // a FIN without close_notify: the HTTP layer judges whether a body was cut short
            InputStream in = p.client().getInputStream();
            assertThat(new String(in.readNBytes(3))).isEqualTo("cut");
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    void a_read_timeout_leaves_the_connection_usable() throws Exception {
        try (Pair p = pair(clientFactory)) {
            p.client().startHandshake();
            OpenSslSocket s = p.server().get(10, TimeUnit.SECONDS);
            p.client().setSoTimeout(200);
            assertThatThrownBy(() -> p.client().getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            s.getOutputStream().write(42);
            assertThat(p.client().getInputStream().read()).isEqualTo(42);
        }
    }

    @Test
    void closing_under_a_blocked_read_ends_the_read_with_an_exception() throws Exception {
        try (Pair p = pair(clientFactory)) {
            p.client().startHandshake();
            p.server().get(10, TimeUnit.SECONDS);
            CompletableFuture<Throwable> reader = CompletableFuture.supplyAsync(() -> {
                try {
                    p.client().getInputStream().read();
                    return null;
                } catch (IOException e) {
                    return e;
                }
            });
            Thread.sleep(200);
            p.client().close();
            assertThat(reader.get(10, TimeUnit.SECONDS)).isInstanceOf(SocketException.class);
            assertThat(p.client().isClosed()).isTrue();
            assertThatThrownBy(() -> p.client().getOutputStream().write(1)).isInstanceOf(SocketException.class);
        }
    }

    @Test
    void handshake_listeners_hear_of_the_completed_handshake_once_and_can_be_removed() throws Exception {
        try (Pair p = pair(clientFactory)) {
            List<javax.net.ssl.HandshakeCompletedEvent> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
            javax.net.ssl.HandshakeCompletedListener kept = heard::add;
            javax.net.ssl.HandshakeCompletedListener removed = heard::add;
            p.client().addHandshakeCompletedListener(kept);
            p.client().addHandshakeCompletedListener(removed);
            p.client().removeHandshakeCompletedListener(removed);
            assertThatThrownBy(() -> p.client().removeHandshakeCompletedListener(removed))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> p.client().addHandshakeCompletedListener(null))
                    .isInstanceOf(IllegalArgumentException.class);
            p.client().startHandshake();
            p.client().startHandshake(); // already made: no second event
            assertThat(heard).singleElement().satisfies(e -> {
                assertThat(e.getSocket()).isSameAs(p.client());
                assertThat(e.getSession()).isSameAs(p.client().getSession());
                assertThat(e.getCipherSuite()).isEqualTo(p.client().getSession().getCipherSuite());
            });
        }
    }

    @Test
    void alpn_offers_and_what_came_of_them() throws Exception {
        try (Pair p = pair(clientFactory)) {
            SSLParameters params = p.client().getSSLParameters();
            params.setApplicationProtocols(new String[] {"h2", "http/1.1"});
            p.client().setSSLParameters(params);
            assertThat(p.client().getApplicationProtocol()).isNull(); // before the handshake
            p.client().startHandshake();
            // this server selects none: "" as the JDK's socket says it
            assertThat(p.client().getApplicationProtocol()).isEmpty();
        }
        assertThat(OpenSslSocket.alpnWire(List.of("h2", "http/1.1")))
                .containsExactly(2, 'h', '2', 8, 'h', 't', 't', 'p', '/', '1', '.', '1');
    }

    @Test
    void against_the_jdks_server_with_versions_and_suites_narrowed() throws Exception {
        try (SSLServerSocket listener = (SSLServerSocket) material.server().getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            SSLParameters serverParams = listener.getSSLParameters();
            serverParams.setApplicationProtocols(new String[] {"h2"});
            listener.setSSLParameters(serverParams);
            CompletableFuture<String> served = CompletableFuture.supplyAsync(() -> {
                try (SSLSocket s = (SSLSocket) listener.accept()) {
                    int b = s.getInputStream().read();
                    s.getOutputStream().write(b + 1);
                    s.getOutputStream().flush();
                    return s.getSession().getCipherSuite();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            Socket plain = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
            try (SSLSocket c = (SSLSocket) clientFactory.createSocket(plain, "localhost", listener.getLocalPort(), true)) {
                c.setEnabledProtocols(new String[] {"TLSv1.2"});
                c.setEnabledCipherSuites(new String[] {"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"});
                SSLParameters params = c.getSSLParameters();
                params.setApplicationProtocols(new String[] {"h2", "http/1.1"});
                c.setSSLParameters(params);
                c.getOutputStream().write(41);
                assertThat(c.getInputStream().read()).isEqualTo(42);
                assertThat(c.getSession().getProtocol()).isEqualTo("TLSv1.2");
                assertThat(c.getSession().getCipherSuite()).isEqualTo("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
                assertThat(c.getApplicationProtocol()).isEqualTo("h2");
                assertThat(served.get(10, TimeUnit.SECONDS)).isEqualTo("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
            }
        }
    }

    @Test
    void unknown_versions_and_suites_are_refused_by_name() throws Exception {
        try (Pair p = pair(clientFactory)) {
            assertThatThrownBy(() -> p.client().setEnabledCipherSuites(new String[] {"TLS_NO_SUCH_SUITE"}))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("TLS_NO_SUCH_SUITE");
            assertThatThrownBy(() -> p.client().setEnabledProtocols(new String[] {"SSLv2"}))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SSLv2");
        }
    }

    @Test
    void an_untrusted_certificate_fails_the_handshake_in_the_probes_words() throws Exception {
        try (OpenSslSocketFactory verifying = OpenSslSocketFactory.client(null, true); Pair p = pair(verifying)) {
            assertThatThrownBy(() -> p.client().startHandshake())
                    .isInstanceOf(SSLHandshakeException.class)
                    .satisfies(e -> assertThat(Failures.classify(e).describe())
                            .isEqualTo("tls_error: untrusted certificate: no certification path to a trusted root"));
        }
    }

    @Test
    void a_peer_that_hangs_up_in_the_handshake_is_named() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread.ofPlatform().daemon().start(() -> {
                try (Socket s = listener.accept()) {
                    s.getInputStream().read(new byte[512]);
                } catch (IOException e) {
                    // the client side reports what it saw
                }
            });
            Socket plain = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
            try (SSLSocket c = (SSLSocket) clientFactory.createSocket(plain, "localhost", listener.getLocalPort(), true)) {
                assertThatThrownBy(c::startHandshake).isInstanceOf(SSLHandshakeException.class)
                        .hasMessage("the server closed the connection during the handshake");
                // not tried again: the session is the JDK's "none", a second handshake fails at once saying why
                assertThat(c.getSession().getProtocol()).isEqualTo("NONE");
                assertThat(c.getSession().isValid()).isFalse();
                assertThatThrownBy(c::startHandshake).isInstanceOf(javax.net.ssl.SSLException.class)
                        .hasMessageContaining("already failed").hasMessageContaining("closed the connection");
            }
        }
    }

    private static void writeAll(Socket s, byte[] bytes) {
        try {
            OutputStream out = s.getOutputStream();
            for (int at = 0; at < bytes.length; at += 7_001) {
                out.write(bytes, at, Math.min(7_001, bytes.length - at));
            }
            out.flush();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }
}
