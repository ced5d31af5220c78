package io.waddleperf.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A TLS server on 127.0.0.1, port chosen by the system, presenting a given certificate (its SSL context): it accepts TCP
 * connections on virtual threads, optionally waits before answering the ClientHello (to make the handshake
 * measurably slower than the connect), completes the handshake, then reads until the client closes. Closing
 * the server closes its listening socket and every open connection.
 */
public final class TlsTestServer implements AutoCloseable {

    /** Protocols a server offers when none are given. */
    public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    private final ServerSocket listener;
    private final SSLContext context;
    private final List<String> protocols;
    private final Duration handshakeDelay;
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger handshakesCompleted = new AtomicInteger();
    private final AtomicInteger handshakesFailed = new AtomicInteger();
    private final Thread acceptor;

    private TlsTestServer(ServerSocket listener, SSLContext context, List<String> protocols, Duration handshakeDelay) {
        this.listener = listener;
        this.context = context;
        this.protocols = List.copyOf(protocols);
        this.handshakeDelay = handshakeDelay;
        this.acceptor = Thread.ofVirtual().name("tls-test-server-accept").start(this::acceptLoop);
    }

    /**
     * Starts a server presenting the key and chain of {@code identity} (e.g. {@code TlsCredentials.sslContext()}
     * of the tls module) and offering TLS 1.3 and 1.2.
     */
    public static TlsTestServer start(SSLContext identity) throws IOException {
        return start(identity, DEFAULT_PROTOCOLS, Duration.ZERO);
    }

    /**
     * Starts a server presenting {@code identity}, offering only {@code protocols} (e.g. {@code TLSv1.2}) and
     * waiting {@code handshakeDelay} after accepting a connection before it takes part in the handshake.
     */
    public static TlsTestServer start(SSLContext identity, List<String> protocols, Duration handshakeDelay) throws IOException {
        ServerSocket listener = new ServerSocket();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        return new TlsTestServer(listener, identity, protocols, handshakeDelay);
    }

    /** The port the server listens on. */
    public int port() {
        return listener.getLocalPort();
    }

    /** How many handshakes completed so far. */
    public int handshakesCompleted() {
        return handshakesCompleted.get();
    }

    /** How many handshakes the client or the server aborted so far. */
    public int handshakesFailed() {
        return handshakesFailed.get();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                connections.add(socket);
                Thread.ofVirtual().name("tls-test-server-conn").start(() -> serve(socket));
            } catch (IOException e) {
                if (!listener.isClosed()) {
                    throw new UncheckedIOException("TLS test server stopped accepting", e);
                }
            }
        }
    }

    private void serve(Socket plain) {
        try (plain) {
            Thread.sleep(handshakeDelay);
            SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, null, plain.getPort(), true);
            socket.setUseClientMode(false);
            socket.setEnabledProtocols(protocols.toArray(String[]::new));
            try {
                socket.startHandshake();
            } catch (IOException e) {
                handshakesFailed.incrementAndGet();
                return;
            }
            handshakesCompleted.incrementAndGet();
            InputStream in = socket.getInputStream();
            byte[] buf = new byte[4096];
            while (in.read(buf) >= 0) {
                // Discard application data; the server only exists to be handshaken with.
            }
        } catch (IOException e) {
            // The client went away (close_notify, reset): the connection is over either way.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            connections.remove(plain);
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket s : connections) {
            s.close();
        }
        try {
            acceptor.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
