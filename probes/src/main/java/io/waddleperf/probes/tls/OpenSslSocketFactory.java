package io.waddleperf.probes.tls;

import io.waddleperf.core.result.ErrorKind;
import io.waddleperf.probes.ProbeException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.InetAddress;
import java.net.Socket;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocketFactory;

/**
 * TLS through the system's OpenSSL ({@link OpenSsl}) for clients that take a JDK {@link SSLSocketFactory} and layer
 * TLS over a socket they connected themselves — OkHttp, for the {@code http} probe. One {@code SSL_CTX} per factory,
 * as curl keeps one per transfer: client sessions are never cached or offered again (OpenSSL caches only on the server
 * side by default, and nothing here sets a session), so every connection makes a full handshake.
 *
 * <p>A client context trusts the system's default paths plus an optional {@code ca_file}; with {@code verify=true}
 * OpenSSL checks the chain and the host name inside the handshake, as it does for curl, and a failure is reported in
 * {@link io.waddleperf.probes.trust.TlsTrust}'s words. A server context (one certificate and key) serves the probes'
 * own untimed warm-ups and the tests. Close the factory when done; sockets it made keep the context alive until they
 * are closed (OpenSSL counts references).
 */
public final class OpenSslSocketFactory extends SSLSocketFactory implements AutoCloseable {

    private final MemorySegment ctx;
    private final boolean client;
    private final boolean verify;
    /** IANA name → OpenSSL's name, in the context's default order; TLS 1.3 suites apart (they are set another way). */
    private final Map<String, String> suites;
    private final List<String> tls13Suites;
    private final AtomicBoolean closed = new AtomicBoolean();

    private OpenSslSocketFactory(MemorySegment ctx, boolean client, boolean verify) throws Throwable {
        this.ctx = ctx;
        this.client = client;
        this.verify = verify;
        this.suites = new LinkedHashMap<>();
        this.tls13Suites = new ArrayList<>();
        MemorySegment stack = (MemorySegment) OpenSsl.Calls.SSL_CTX_GET_CIPHERS.invokeExact(ctx);
        int n = stack.equals(MemorySegment.NULL) ? 0 : (int) OpenSsl.Calls.SK_NUM.invokeExact(stack);
        for (int i = 0; i < n; i++) {
            MemorySegment cipher = (MemorySegment) OpenSsl.Calls.SK_VALUE.invokeExact(stack, i);
            String iana = OpenSsl.string((MemorySegment) OpenSsl.Calls.SSL_CIPHER_STANDARD_NAME.invokeExact(cipher));
            String own = OpenSsl.string((MemorySegment) OpenSsl.Calls.SSL_CIPHER_GET_NAME.invokeExact(cipher));
            if (iana == null || own == null) {
                continue;
            }
            suites.put(iana, own);
            if ("TLSv1.3".equals(OpenSsl.string((MemorySegment) OpenSsl.Calls.SSL_CIPHER_GET_VERSION.invokeExact(cipher)))) {
                tls13Suites.add(iana);
            }
        }
    }

    /**
     * A client factory trusting the system's anchors plus {@code caFile} (checked beforehand by
     * {@link io.waddleperf.probes.trust.TlsTrust}, so its errors read as the JDK path's), verifying or only recording.
     */
    public static OpenSslSocketFactory client(String caFile, boolean verify) throws ProbeException {
        MemorySegment ctx = newContext(true);
        try {
            if ((int) OpenSsl.Calls.SSL_CTX_SET_DEFAULT_VERIFY_PATHS.invokeExact(ctx) != 1) {
                throw new ProbeException(ErrorKind.TLS_ERROR, "cannot set up trust: " + OpenSsl.takeError());
            }
            if (caFile != null) {
                try (Arena arena = Arena.ofConfined()) {
                    int ok = (int) OpenSsl.Calls.SSL_CTX_LOAD_VERIFY_LOCATIONS.invokeExact(ctx, arena.allocateFrom(caFile),
                            MemorySegment.NULL);
                    if (ok != 1) {
                        throw new ProbeException(ErrorKind.INVALID_TARGET, "ca_file '" + caFile
                                + "' cannot be loaded by OpenSSL: " + OpenSsl.takeError());
                    }
                }
            }
            OpenSsl.Calls.SSL_CTX_SET_VERIFY.invokeExact(ctx, verify ? OpenSsl.SSL_VERIFY_PEER : OpenSsl.SSL_VERIFY_NONE,
                    MemorySegment.NULL);
            return new OpenSslSocketFactory(ctx, true, verify);
        } catch (Throwable t) {
            free(ctx);
            throw rethrown(t);
        }
    }

    /** A server factory presenting {@code certificate} (a leaf, sent alone) with {@code key}. */
    public static OpenSslSocketFactory server(X509Certificate certificate, PrivateKey key) throws ProbeException {
        MemorySegment ctx = newContext(false);
        try {
            MemorySegment x509 = decode(OpenSsl.Calls.D2I_X509, certificate.getEncoded());
            try {
                if ((int) OpenSsl.Calls.SSL_CTX_USE_CERTIFICATE.invokeExact(ctx, x509) != 1) {
                    throw new ProbeException(ErrorKind.TLS_ERROR, "OpenSSL refused the certificate: " + OpenSsl.takeError());
                }
            } finally {
                OpenSsl.Calls.X509_FREE.invokeExact(x509);
            }
            MemorySegment pkey = decode(OpenSsl.Calls.D2I_AUTO_PRIVATE_KEY, key.getEncoded());
            try {
                if ((int) OpenSsl.Calls.SSL_CTX_USE_PRIVATE_KEY.invokeExact(ctx, pkey) != 1) {
                    throw new ProbeException(ErrorKind.TLS_ERROR, "OpenSSL refused the key: " + OpenSsl.takeError());
                }
            } finally {
                OpenSsl.Calls.EVP_PKEY_FREE.invokeExact(pkey);
            }
            return new OpenSslSocketFactory(ctx, false, false);
        } catch (Throwable t) {
            free(ctx);
            throw rethrown(t);
        }
    }

    private static MemorySegment newContext(boolean client) throws ProbeException {
        if (!OpenSsl.available()) {
            throw new ProbeException(ErrorKind.INTERNAL_ERROR, "OpenSSL 3 cannot be used here: " + OpenSsl.problem());
        }
        try {
            MemorySegment method = client ? (MemorySegment) OpenSsl.Calls.TLS_CLIENT_METHOD.invokeExact()
                    : (MemorySegment) OpenSsl.Calls.TLS_SERVER_METHOD.invokeExact();
            MemorySegment ctx = (MemorySegment) OpenSsl.Calls.SSL_CTX_NEW.invokeExact(method);
            if (ctx.equals(MemorySegment.NULL)) {
                throw new ProbeException(ErrorKind.TLS_ERROR, "cannot set up OpenSSL: " + OpenSsl.takeError());
            }
            return ctx;
        } catch (Throwable t) {
            throw rethrown(t);
        }
    }

    /** An OpenSSL object from DER ({@code d2i_X509} or {@code d2i_AutoPrivateKey}); they advance the pointer given. */
    private static MemorySegment decode(MethodHandle d2i, byte[] der) throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment bytes = arena.allocateFrom(ValueLayout.JAVA_BYTE, der);
            MemorySegment cursor = arena.allocateFrom(ValueLayout.ADDRESS, bytes);
            MemorySegment object = (MemorySegment) d2i.invokeExact(MemorySegment.NULL, cursor, (long) der.length);
            if (object.equals(MemorySegment.NULL)) {
                throw new ProbeException(ErrorKind.TLS_ERROR, "OpenSSL cannot read the DER given: " + OpenSsl.takeError());
            }
            return object;
        }
    }

    private static ProbeException rethrown(Throwable t) {
        if (t instanceof ProbeException p) {
            return p;
        }
        if (t instanceof CertificateEncodingException e) {
            return new ProbeException(ErrorKind.TLS_ERROR, "cannot encode the certificate: " + e.getMessage(), e);
        }
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException("OpenSSL call failed", t);
    }

    private static void free(MemorySegment ctx) {
        try {
            OpenSsl.Calls.SSL_CTX_FREE.invokeExact(ctx);
        } catch (Throwable t) {
            throw new IllegalStateException("SSL_CTX_free failed", t);
        }
    }

    /**
     * A new {@code SSL} on this context. Under the factory's lock, as {@link #close()} is: once {@code SSL_new} has
     * returned, the {@code SSL} holds a reference to the context, and freeing the factory's own cannot free it.
     */
    synchronized MemorySegment newSsl() throws SSLException {
        if (closed.get()) {
            throw new SSLException("this OpenSSL socket factory is closed");
        }
        try {
            MemorySegment ssl = (MemorySegment) OpenSsl.Calls.SSL_NEW.invokeExact(ctx);
            if (ssl.equals(MemorySegment.NULL)) {
                throw new SSLException("cannot set up OpenSSL: " + OpenSsl.takeError());
            }
            return ssl;
        } catch (SSLException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("SSL_new failed", t);
        }
    }

    boolean verifies() {
        return verify;
    }

    /** IANA name → OpenSSL's own name, for every suite this context offers by default. */
    Map<String, String> suites() {
        return suites;
    }

    boolean isTls13(String ianaName) {
        return tls13Suites.contains(ianaName);
    }

    /** TLS over {@code s} as the client to {@code host} (SNI, host name check); closing it closes {@code s} if asked. */
    @Override
    public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
        if (!client) {
            throw new IllegalStateException("a server factory makes server sockets: use serverSide");
        }
        return new OpenSslSocket(this, s, host, port, autoClose, true);
    }

    /** TLS over an accepted socket, as the server. */
    public OpenSslSocket serverSide(Socket accepted) throws IOException {
        if (client) {
            throw new IllegalStateException("a client factory makes client sockets: use createSocket");
        }
        return new OpenSslSocket(this, accepted, null, accepted.getPort(), true, false);
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return createSocket(new Socket(host, port), host, port, true);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return createSocket(new Socket(host, port, localHost, localPort), host, port, true);
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return createSocket(new Socket(host, port), host.getHostAddress(), port, true);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        return createSocket(new Socket(address, port, localAddress, localPort), address.getHostAddress(), port, true);
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return suites.keySet().toArray(String[]::new);
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return getDefaultCipherSuites();
    }

    @Override
    public synchronized void close() {
        if (closed.compareAndSet(false, true)) {
            free(ctx);
        }
    }
}
