package io.waddleperf.probes.tls;

import io.waddleperf.core.result.ErrorKind;
import io.waddleperf.net.Errno;
import io.waddleperf.net.Libc;
import io.waddleperf.net.LinuxNet;
import io.waddleperf.net.NativeException;
import io.waddleperf.net.NativeSocket;
import io.waddleperf.net.SockAddr;
import io.waddleperf.probes.Attempts;
import io.waddleperf.probes.ProbeContext;
import io.waddleperf.probes.ProbeException;
import io.waddleperf.probes.trust.TlsTrust;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@code tls} probe's handshake through the system's OpenSSL ({@link OpenSsl}), as curl makes it: one
 * {@code SSL_CTX} per probe run (trust: the system's default paths plus the {@code ca_file}; no session is ever
 * reused, so every attempt is a full handshake), and per attempt a blocking socket from the native layer with the
 * attempt's deadline as its send and receive timeouts, {@code connect} timed alone, {@code TCP_NODELAY}, then
 * {@code SSL_connect} timed alone: one native call for the whole handshake, as a C client makes it. SNI (not for IP literals, RFC 6066 §3) and the host name check ({@code SSL_set1_host}: a DNS name, or
 * an IP address against the certificate's IP entries) are set before the clock starts.
 *
 * <p>OpenSSL verifies the chain and name inside the handshake, as it does for curl: with {@code verify=true}
 * ({@code SSL_VERIFY_PEER}) a failure aborts it; with {@code verify=false} the handshake goes on and the outcome
 * is only read afterwards ({@code SSL_get_verify_result}). Either way the reasons use the words of {@link TlsTrust}
 * ({@code certificate expired}, {@code untrusted certificate}, {@code hostname mismatch}), and the certificates the
 * server sent are handed to the JDK's {@link CertificateFactory} (DER from {@code i2d_X509}), so the probe reports
 * the same certificate fields from either library. Used from one thread: the OpenSSL error queue is per thread.
 */
final class OpenSslClient implements AutoCloseable {

    private static final int TCP_NODELAY = 1;
    // socket(7) on x86-64 and aarch64 (asm-generic); struct timeval is two 64-bit fields on both
    private static final int SO_RCVTIMEO = 20;
    private static final int SO_SNDTIMEO = 21;
    private static final int TIMEVAL_BYTES = 16;
    private static final long CLOSE_WAIT_NANOS = 100_000_000;
    private static final int WARMUP_MILLIS = 2_000;

    private final MemorySegment ctx;
    private final boolean verify;

    private OpenSslClient(MemorySegment ctx, boolean verify) {
        this.ctx = ctx;
        this.verify = verify;
    }

    /** The outcome of one handshake that completed: negotiated version and suite. */
    record Session(String protocol, String cipher) {
    }

    /**
     * What an attempt saw of the certificate, filled as it happens (also when the attempt then fails): the chain the
     * server sent (null if none arrived) and why it would not verify (null if it did).
     */
    static final class Seen implements SeenCertificate {
        private X509Certificate[] chain;
        private String failureReason;

        @Override
        public X509Certificate[] chain() {
            return chain;
        }

        @Override
        public String failureReason() {
            return failureReason;
        }

        private void record(MemorySegment ssl, String serverName) throws Throwable {
            chain = OpenSslClient.chain(ssl);
            long result = (long) OpenSsl.Calls.SSL_GET_VERIFY_RESULT.invokeExact(ssl);
            failureReason = chain == null || result == OpenSsl.X509_V_OK ? null : reasonOf(result, chain, serverName);
        }
    }

    /**
     * A context trusting the system's anchors plus {@code caFile}, verifying ({@code verify=true}) or only recording.
     * {@code caFile} must have been checked by {@link TlsTrust#caCertificates} (so its errors read as the JDK
     * path's); one OpenSSL still refuses is an {@code invalid_target} too.
     */
    static OpenSslClient open(String caFile, boolean verify) throws ProbeException {
        try {
            MemorySegment ctx = (MemorySegment) OpenSsl.Calls.SSL_CTX_NEW.invokeExact(
                    (MemorySegment) OpenSsl.Calls.TLS_CLIENT_METHOD.invokeExact());
            if (ctx.equals(MemorySegment.NULL)) {
                throw new ProbeException(ErrorKind.TLS_ERROR, "cannot set up OpenSSL: " + OpenSsl.takeError());
            }
            OpenSslClient client = new OpenSslClient(ctx, verify);
            try {
                if ((int) OpenSsl.Calls.SSL_CTX_SET_DEFAULT_VERIFY_PATHS.invokeExact(ctx) != 1) {
                    throw new ProbeException(ErrorKind.TLS_ERROR, "cannot set up trust: " + OpenSsl.takeError());
                }
                if (caFile != null) {
                    try (Arena arena = Arena.ofConfined()) {
                        int ok = (int) OpenSsl.Calls.SSL_CTX_LOAD_VERIFY_LOCATIONS.invokeExact(ctx,
                                arena.allocateFrom(caFile), MemorySegment.NULL);
                        if (ok != 1) {
                            throw new ProbeException(ErrorKind.INVALID_TARGET, "ca_file '" + caFile
                                    + "' cannot be loaded by OpenSSL: " + OpenSsl.takeError());
                        }
                    }
                }
                OpenSsl.Calls.SSL_CTX_SET_VERIFY.invokeExact(ctx, verify ? OpenSsl.SSL_VERIFY_PEER : OpenSsl.SSL_VERIFY_NONE,
                        MemorySegment.NULL);
                return client;
            } catch (Throwable t) {
                client.close();
                throw t;
            }
        } catch (ProbeException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("OpenSSL call failed", t);
        }
    }

    /**
     * Untimed, before attempt 1, with no traffic to the target: one handshake attempt against a listener on loopback
     * in this process that reads the ClientHello and closes. It runs every downcall of the timed path once (their
     * first call in a JVM links and compiles the handle's adapter, milliseconds that attempt 1 would otherwise time),
     * the native socket calls, and OpenSSL's own first building of a ClientHello. Best effort: a failure here leaves
     * only a slower first attempt.
     */
    void warmUp(ProbeContext context) {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread server = Thread.ofPlatform().daemon().name("tls-openssl-warmup").start(() -> {
                try (Socket s = listener.accept()) {
                    s.setSoTimeout(WARMUP_MILLIS);
                    s.getInputStream().read(new byte[4096]);
                } catch (IOException e) {
                    // Nothing to do: the client side ends on its own deadline.
                }
            });
            try {
                attempt(context, new InetSocketAddress(listener.getInetAddress(), listener.getLocalPort()), "localhost",
                        Duration.ofMillis(WARMUP_MILLIS), new HashMap<>(), new Seen());
            } catch (Exception expected) {
                // The listener closes without answering: the attempt fails, as it is meant to.
            }
            server.join(WARMUP_MILLIS);
        } catch (IOException e) {
            // No loopback listener: no warm-up.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * One connect plus handshake within {@code timeout}; fills {@code connect_ms} and {@code tls_ms} into
     * {@code attempt} as they happen.
     */
    Session attempt(ProbeContext context, InetSocketAddress remote, String serverName, Duration timeout,
                    Map<String, Object> attempt, Seen seen) throws Exception {
        int family = remote.getAddress() instanceof Inet6Address ? LinuxNet.AF_INET6 : LinuxNet.AF_INET;
        MemorySegment ssl = MemorySegment.NULL;
        try (Arena arena = Arena.ofConfined();
             NativeSocket socket = NativeSocket.open(family, LinuxNet.SOCK_STREAM, 0)) {
            ssl = (MemorySegment) OpenSsl.Calls.SSL_NEW.invokeExact(ctx);
            if (ssl.equals(MemorySegment.NULL)) {
                throw new ProbeException(ErrorKind.TLS_ERROR, "cannot set up OpenSSL: " + OpenSsl.takeError());
            }
            var sni = TlsTrust.sniFor(serverName);
            if (sni.isPresent()) {
                long ok = (long) OpenSsl.Calls.SSL_CTRL.invokeExact(ssl, OpenSsl.SSL_CTRL_SET_TLSEXT_HOSTNAME,
                        (long) OpenSsl.TLSEXT_NAMETYPE_HOST_NAME, arena.allocateFrom(sni.get().getAsciiName()));
                if (ok != 1) {
                    throw new ProbeException(ErrorKind.TLS_ERROR, "cannot set the server name: " + OpenSsl.takeError());
                }
            }
            if ((int) OpenSsl.Calls.SSL_SET1_HOST.invokeExact(ssl, arena.allocateFrom(serverName)) != 1) {
                throw new ProbeException(ErrorKind.INVALID_TARGET, "'" + serverName + "' cannot be checked against a certificate: "
                        + OpenSsl.takeError());
            }
            MemorySegment capture = OpenSsl.Calls.capture(arena);
            MemorySegment address = SockAddr.encode(remote, arena);
            MemorySegment timeval = arena.allocate(TIMEVAL_BYTES, 8);
            long budgetNanos = timeout.toNanos();
            // A blocking socket, as the C reference and openssl s_client use: the handshake is one SSL_connect call
            // with no Java between its reads and writes. The attempt's deadline is kept by the socket's timeouts
            // (Linux applies SO_SNDTIMEO to connect too): a call that runs into one returns, and is retried with
            // what is left or ends as a timeout.
            setTimeouts(socket, timeval, budgetNanos);

            long t0 = context.clock().nanos();
            try {
                Libc.connect(socket.fd(), address);
            } catch (NativeException e) {
                if (e.errno() == Errno.EINPROGRESS || e.errno() == Errno.EAGAIN) {
                    throw new SocketTimeoutException("connect timed out");
                }
                throw e;
            }
            long connectNanos = context.clock().nanos() - t0;
            attempt.put("connect_ms", Attempts.millis(connectNanos));
            // A handshake flight written in several segments must not wait for the ACK of the first (Nagle against
            // the server's delayed ACK); curl sets it too.
            socket.setInt(LinuxNet.IPPROTO_TCP, TCP_NODELAY, 1);
            if ((int) OpenSsl.Calls.SSL_SET_FD.invokeExact(ssl, socket.fd()) != 1) {
                throw new ProbeException(ErrorKind.TLS_ERROR, "cannot attach the socket: " + OpenSsl.takeError());
            }

            long t1 = context.clock().nanos();
            while (true) {
                int rc = (int) OpenSsl.Calls.SSL_CONNECT.invokeExact(capture, ssl);
                if (rc == 1) {
                    break;
                }
                int error = (int) OpenSsl.Calls.SSL_GET_ERROR.invokeExact(ssl, rc);
                if (error == OpenSsl.SSL_ERROR_WANT_READ || error == OpenSsl.SSL_ERROR_WANT_WRITE) {
                    // a socket timeout (or EINTR): go on with the time left, if any
                    long left = budgetNanos - (context.clock().nanos() - t0);
                    if (left <= 0 || Thread.currentThread().isInterrupted()) {
                        throw new SocketTimeoutException("handshake timed out");
                    }
                    setTimeouts(socket, timeval, left);
                } else {
                    int errno = OpenSsl.Calls.errno(capture);
                    seen.record(ssl, serverName);
                    throw failure(error, errno, verify ? seen.failureReason() : null);
                }
            }
            long tlsNanos = context.clock().nanos() - t1;
            attempt.put("tls_ms", Attempts.millis(tlsNanos));

            seen.record(ssl, serverName);
            String protocol = OpenSsl.string((MemorySegment) OpenSsl.Calls.SSL_GET_VERSION.invokeExact(ssl));
            String cipher = OpenSsl.string((MemorySegment) OpenSsl.Calls.SSL_CIPHER_STANDARD_NAME.invokeExact(
                    (MemorySegment) OpenSsl.Calls.SSL_GET_CURRENT_CIPHER.invokeExact(ssl)));
            closeGracefully(ssl, socket, timeval, Math.min(CLOSE_WAIT_NANOS, budgetNanos - (context.clock().nanos() - t0)));
            return new Session(protocol, cipher);
        } catch (Exception | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("OpenSSL call failed", t);
        } finally {
            freeSsl(ssl);
        }
    }

    /**
     * Untimed: close_notify, then a short wait for the server's own, which reads (and drops) what the server sent
     * after its Finished (TLS 1.3 session tickets). Closing with those unread would reset the connection, and a
     * server that was still writing them can count the handshake as failed. Best effort within {@code nanos}.
     */
    private static void closeGracefully(MemorySegment ssl, NativeSocket socket, MemorySegment timeval, long nanos) {
        try {
            if (nanos > 0) {
                setTimeouts(socket, timeval, nanos);
                // 0: our close_notify is out; called again, it reads until the server's (or an error, or the timeout)
                if ((int) OpenSsl.Calls.SSL_SHUTDOWN.invokeExact(ssl) == 0) {
                    int ignored = (int) OpenSsl.Calls.SSL_SHUTDOWN.invokeExact(ssl); // best effort: any outcome will do
                }
            }
            OpenSsl.Calls.ERR_CLEAR_ERROR.invokeExact();
        } catch (Throwable t) {
            // a server that hung up or stays silent: the connection is closed anyway
        }
    }

    /** SO_SNDTIMEO and SO_RCVTIMEO to {@code nanos} (at least 1 ms: a zero timeval would mean no timeout). */
    private static void setTimeouts(NativeSocket socket, MemorySegment timeval, long nanos) throws NativeException {
        long micros = Math.max(1_000, nanos / 1_000);
        timeval.set(ValueLayout.JAVA_LONG, 0, micros / 1_000_000);
        timeval.set(ValueLayout.JAVA_LONG, 8, micros % 1_000_000);
        Libc.setsockopt(socket.fd(), LinuxNet.SOL_SOCKET, SO_SNDTIMEO, timeval);
        Libc.setsockopt(socket.fd(), LinuxNet.SOL_SOCKET, SO_RCVTIMEO, timeval);
    }

    /** Why SSL_connect failed: the verification's reason, the peer closing or resetting, or OpenSSL's own reason. */
    private static Exception failure(int error, int errno, String verifyFailure) throws Throwable {
        String reason = OpenSsl.takeError();
        if (verifyFailure != null) {
            return new ProbeException(ErrorKind.TLS_ERROR, verifyFailure);
        }
        if (error == OpenSsl.SSL_ERROR_SYSCALL && errno != 0) {
            // A reset or a failed read during the handshake: classified by errno, as the JDK path's SocketException.
            return new NativeException("SSL_connect", errno);
        }
        String detail = switch (error) {
            case OpenSsl.SSL_ERROR_SYSCALL, OpenSsl.SSL_ERROR_ZERO_RETURN -> "the server closed the connection during the handshake";
            default -> "handshake failed: " + (reason == null ? "OpenSSL error " + error : reason);
        };
        return new ProbeException(ErrorKind.TLS_ERROR, detail);
    }

    /** The certificates the peer sent, leaf first, as the JDK's objects; null when none arrived. */
    static X509Certificate[] chain(MemorySegment ssl) throws Throwable {
        MemorySegment stack = (MemorySegment) OpenSsl.Calls.SSL_GET_PEER_CERT_CHAIN.invokeExact(ssl);
        if (stack.equals(MemorySegment.NULL)) {
            return null;
        }
        int n = (int) OpenSsl.Calls.SK_NUM.invokeExact(stack);
        if (n <= 0) {
            return null;
        }
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        X509Certificate[] chain = new X509Certificate[n];
        for (int i = 0; i < n; i++) {
            byte[] der = OpenSsl.der((MemorySegment) OpenSsl.Calls.SK_VALUE.invokeExact(stack, i));
            if (der == null) {
                return null;
            }
            try {
                chain[i] = (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der));
            } catch (CertificateException e) {
                return null;
            }
        }
        return chain;
    }

    /** {@link TlsTrust#reasonOf}'s words for OpenSSL's verification result codes, OpenSSL's own text otherwise. */
    static String reasonOf(long code, X509Certificate[] chain, String serverName) throws Throwable {
        if (code == OpenSsl.X509_V_ERR_CERT_HAS_EXPIRED) {
            return "certificate expired" + (chain == null || chain.length == 0 ? ""
                    : " (not after " + chain[0].getNotAfter().toInstant() + ")");
        }
        if (code == OpenSsl.X509_V_ERR_CERT_NOT_YET_VALID) {
            return "certificate not yet valid";
        }
        if (code == OpenSsl.X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT || code == OpenSsl.X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT
                || code == OpenSsl.X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN || code == OpenSsl.X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY
                || code == OpenSsl.X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE || code == OpenSsl.X509_V_ERR_CERT_UNTRUSTED) {
            return "untrusted certificate: no certification path to a trusted root";
        }
        if (code == OpenSsl.X509_V_ERR_HOSTNAME_MISMATCH || code == OpenSsl.X509_V_ERR_IP_ADDRESS_MISMATCH) {
            return "hostname mismatch: the certificate does not name " + serverName;
        }
        return "certificate rejected: " + OpenSsl.verifyErrorString(code);
    }

    private static void freeSsl(MemorySegment ssl) {
        if (!ssl.equals(MemorySegment.NULL)) {
            try {
                OpenSsl.Calls.SSL_FREE.invokeExact(ssl);
            } catch (Throwable t) {
                throw new IllegalStateException("SSL_free failed", t);
            }
        }
    }

    @Override
    public void close() {
        try {
            OpenSsl.Calls.SSL_CTX_FREE.invokeExact(ctx);
        } catch (Throwable t) {
            throw new IllegalStateException("SSL_CTX_free failed", t);
        }
    }
}
