package io.waddleperf.probes.tls;

import io.waddleperf.probes.trust.TlsTrust;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.HandshakeCompletedEvent;
import javax.net.ssl.HandshakeCompletedListener;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * A JDK {@link SSLSocket} whose TLS is the system's OpenSSL, layered over a socket the JVM owns (so a client such as
 * OkHttp keeps its own socket, timeouts and per-read instrumentation). OpenSSL works on two memory buffers
 * ({@code BIO_s_mem}): what it wants sent is taken from the write buffer and written to the underlying socket, what
 * the socket delivers is put into the read buffer. Every handshake flight is made by OpenSSL's own code in one call;
 * Java only moves the bytes, so a handshake costs what it costs a C client plus the copies.
 *
 * <p>Threads: HTTP/2 reads on one thread while others write, so the socket is safe for one reader and several
 * writers at once. One lock guards every call into the {@code SSL} object (OpenSSL's objects are not thread-safe); a
 * second keeps the records on the wire in the order OpenSSL made them (a record is taken from the write buffer and
 * written to the socket under it); blocking socket reads and writes happen outside the first. Order: handshake lock,
 * read lock, write lock, SSL lock, each taken only after those before it (a reader only tries the write lock); the
 * handshake runs before a read or a write takes its locks.
 *
 * <p>What differs from the JDK's socket: an end of stream from the peer without {@code close_notify} ends the input
 * as an ordinary end of stream (the HTTP layer above knows whether a body was cut short); no session is ever resumed;
 * client authentication is not offered.
 */
public final class OpenSslSocket extends LayeredSslSocket {

    /** Bytes moved per call: a TLS record is at most 16 KiB of data plus its header and overhead. */
    private static final int CHUNK = 32 * 1024;
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1"};
    private static final String[] DEFAULT_PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private final OpenSslSocketFactory factory;
    private final String peerHost;
    private final int peerPort;
    private final boolean autoClose;
    private final boolean client;
    private final InputStream rawIn;
    private final OutputStream rawOut;

    private final ReentrantLock sslLock = new ReentrantLock();
    private final ReentrantLock writeLock = new ReentrantLock();
    private final ReentrantLock readLock = new ReentrantLock();
    private final ReentrantLock handshakeLock = new ReentrantLock();
    private final Arena arena;
    private final MemorySegment ssl;
    private final MemorySegment readBio;
    private final MemorySegment writeBio;
    /** Native side of every copy, used only under {@link #sslLock}. */
    private final MemorySegment buffer;
    private final byte[] inbound = new byte[CHUNK];

    private volatile boolean closed;
    private volatile boolean handshakeDone;
    /** Why the handshake failed, once it has: it is not tried again. */
    private volatile IOException handshakeFailure;
    /** Set by a reader whose SSL_read queued output while a writer held the write lock; that writer sends it. */
    private volatile boolean flushPending;
    private boolean inputEnded;
    private String[] enabledProtocols = DEFAULT_PROTOCOLS.clone();
    private String[] enabledSuites;
    private List<String> applicationProtocols = List.of();
    private List<SNIServerName> serverNames;
    private volatile String selectedProtocol;
    private volatile OpenSslSession session;
    private final List<HandshakeCompletedListener> handshakeListeners = new CopyOnWriteArrayList<>();
    private final InputStream in = new In();
    private final OutputStream out = new Out();

    OpenSslSocket(OpenSslSocketFactory factory, Socket raw, String peerHost, int peerPort, boolean autoClose, boolean client)
            throws IOException {
        super(raw);
        this.factory = factory;
        this.peerHost = peerHost;
        this.peerPort = peerPort;
        this.autoClose = autoClose;
        this.client = client;
        this.rawIn = raw.getInputStream();
        this.rawOut = raw.getOutputStream();
        this.enabledSuites = factory.suites().keySet().toArray(String[]::new);
        this.ssl = factory.newSsl();
        MemorySegment read = MemorySegment.NULL;
        MemorySegment write = MemorySegment.NULL;
        try {
            MemorySegment method = (MemorySegment) OpenSsl.Calls.BIO_S_MEM.invokeExact();
            read = (MemorySegment) OpenSsl.Calls.BIO_NEW.invokeExact(method);
            write = (MemorySegment) OpenSsl.Calls.BIO_NEW.invokeExact(method);
            if (read.equals(MemorySegment.NULL) || write.equals(MemorySegment.NULL)) {
                throw new SSLException("cannot set up OpenSSL's buffers: " + OpenSsl.takeError());
            }
            // From here SSL_free frees both buffers.
            OpenSsl.Calls.SSL_SET_BIO.invokeExact(ssl, read, write);
            // A TLS 1.2 renegotiation would make SSL_write wait for the reader; no client of the probes needs one.
            long ignored = (long) OpenSsl.Calls.SSL_SET_OPTIONS.invokeExact(ssl, OpenSsl.SSL_OP_NO_RENEGOTIATION);
            if (client) {
                OpenSsl.Calls.SSL_SET_CONNECT_STATE.invokeExact(ssl);
            } else {
                OpenSsl.Calls.SSL_SET_ACCEPT_STATE.invokeExact(ssl);
            }
        } catch (Throwable t) {
            try {
                if (!read.equals(MemorySegment.NULL) && !write.equals(MemorySegment.NULL)) {
                    OpenSsl.Calls.SSL_FREE.invokeExact(ssl); // the buffers were handed over (or the call that did it failed)
                } else {
                    for (MemorySegment bio : List.of(read, write)) {
                        if (!bio.equals(MemorySegment.NULL)) {
                            int ignored = (int) OpenSsl.Calls.BIO_FREE.invokeExact(bio);
                        }
                    }
                    OpenSsl.Calls.SSL_FREE.invokeExact(ssl);
                }
            } catch (Throwable ignored) {
                // freeing is all that is left to do
            }
            throw t instanceof IOException io ? io : new SSLException("cannot set up OpenSSL", t);
        }
        this.readBio = read;
        this.writeBio = write;
        this.arena = Arena.ofShared();
        this.buffer = arena.allocate(CHUNK);
    }

    // ---------------------------------------------------------------------------------------------- handshake

    @Override
    public void startHandshake() throws IOException {
        if (handshakeDone) {
            return;
        }
        handshakeLock.lock();
        try {
            if (handshakeDone) {
                return;
            }
            if (handshakeFailure != null) {
                throw new SSLException("the handshake has already failed: " + handshakeFailure.getMessage(), handshakeFailure);
            }
            handshake();
        } catch (IOException e) {
            if (handshakeFailure == null) {
                handshakeFailure = e;
            }
            throw e;
        } finally {
            handshakeLock.unlock();
        }
    }

    /** The handshake's flights, under {@link #handshakeLock}. */
    private void handshake() throws IOException {
        try {
            configure();
            while (true) {
                int rc;
                int error = 0;
                String reason = null;
                String verifyFailure = null;
                writeLock.lock();
                try {
                    byte[] flight;
                    sslLock.lock();
                    try {
                        ensureOpen();
                        rc = (int) OpenSsl.Calls.SSL_DO_HANDSHAKE.invokeExact(ssl);
                        if (rc != 1) {
                            error = (int) OpenSsl.Calls.SSL_GET_ERROR.invokeExact(ssl, rc);
                            if (error != OpenSsl.SSL_ERROR_WANT_READ) {
                                reason = OpenSsl.takeError();
                                verifyFailure = verifyFailure();
                            }
                        }
                        // Also after a failure: the alert OpenSSL made for it goes out, as a C client's would.
                        flight = drainLocked();
                    } finally {
                        sslLock.unlock();
                    }
                    if (flight.length > 0) {
                        rawOut.write(flight);
                        rawOut.flush();
                    }
                } finally {
                    writeLock.unlock();
                }
                if (rc == 1) {
                    break;
                }
                if (error != OpenSsl.SSL_ERROR_WANT_READ) {
                    throw handshakeFailure(error, reason, verifyFailure);
                }
                int n = rawIn.read(inbound);
                if (n < 0) {
                    throw new SSLHandshakeException("the " + (client ? "server" : "client")
                            + " closed the connection during the handshake");
                }
                feed(inbound, n);
            }
            session = newSession();
            handshakeDone = true;
            if (!handshakeListeners.isEmpty()) {
                HandshakeCompletedEvent event = new HandshakeCompletedEvent(this, session);
                for (HandshakeCompletedListener listener : handshakeListeners) {
                    listener.handshakeCompleted(event);
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("OpenSSL call failed", t);
        }
    }

    /** Versions, suites, SNI, host name and ALPN, from what the caller set, before the first flight. */
    private void configure() throws Throwable {
        sslLock.lock();
        try (Arena call = Arena.ofConfined()) {
            ensureOpen();
            // SSL_get_error needs an empty error queue on this thread. It is emptied here once; every failure after
            // this takes its error off the queue (OpenSsl.takeError), so the calls below need not clear it each time.
            OpenSsl.Calls.ERR_CLEAR_ERROR.invokeExact();
            int min = Integer.MAX_VALUE;
            int max = 0;
            for (String p : enabledProtocols) {
                int v = versionOf(p);
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            setControl(OpenSsl.SSL_CTRL_SET_MIN_PROTO_VERSION, min, "minimum version");
            setControl(OpenSsl.SSL_CTRL_SET_MAX_PROTO_VERSION, max, "maximum version");
            if (!Arrays.asList(enabledSuites).equals(List.copyOf(factory.suites().keySet()))) {
                setSuites(call);
            }
            if (!client) {
                return;
            }
            String sni = sniName();
            if (sni != null) {
                long ok = (long) OpenSsl.Calls.SSL_CTRL.invokeExact(ssl, OpenSsl.SSL_CTRL_SET_TLSEXT_HOSTNAME,
                        (long) OpenSsl.TLSEXT_NAMETYPE_HOST_NAME, call.allocateFrom(sni));
                if (ok != 1) {
                    throw new SSLException("cannot set the server name: " + OpenSsl.takeError());
                }
            }
            if (peerHost != null && (int) OpenSsl.Calls.SSL_SET1_HOST.invokeExact(ssl, call.allocateFrom(peerHost)) != 1) {
                throw new SSLException("'" + peerHost + "' cannot be checked against a certificate: " + OpenSsl.takeError());
            }
            if (!applicationProtocols.isEmpty()) {
                byte[] wire = alpnWire(applicationProtocols);
                MemorySegment protos = call.allocateFrom(ValueLayout.JAVA_BYTE, wire);
                // 0 is success for this call (unlike its neighbours)
                if ((int) OpenSsl.Calls.SSL_SET_ALPN_PROTOS.invokeExact(ssl, protos, wire.length) != 0) {
                    throw new SSLException("cannot offer application protocols " + applicationProtocols + ": "
                            + OpenSsl.takeError());
                }
            }
        } finally {
            sslLock.unlock();
        }
    }

    private void setControl(int command, int version, String what) throws Throwable {
        long ok = (long) OpenSsl.Calls.SSL_CTRL.invokeExact(ssl, command, (long) version, MemorySegment.NULL);
        if (ok != 1) {
            throw new SSLException("cannot set the " + what + ": " + OpenSsl.takeError());
        }
    }

    /** The enabled suites: TLS 1.3's by their IANA names, the older ones by OpenSSL's names (two separate lists). */
    private void setSuites(Arena call) throws Throwable {
        List<String> tls13 = new ArrayList<>();
        List<String> older = new ArrayList<>();
        for (String s : enabledSuites) {
            if (factory.isTls13(s)) {
                tls13.add(s);
            } else {
                older.add(factory.suites().get(s));
            }
        }
        if ((int) OpenSsl.Calls.SSL_SET_CIPHERSUITES.invokeExact(ssl, call.allocateFrom(String.join(":", tls13))) != 1) {
            throw new SSLException("cannot enable the TLS 1.3 suites " + tls13 + ": " + OpenSsl.takeError());
        }
        if (older.isEmpty()) {
            // OpenSSL refuses an empty list; with no older suite left only TLS 1.3 can be negotiated
            setControl(OpenSsl.SSL_CTRL_SET_MIN_PROTO_VERSION, OpenSsl.TLS1_3_VERSION, "minimum version");
        } else if ((int) OpenSsl.Calls.SSL_SET_CIPHER_LIST.invokeExact(ssl, call.allocateFrom(String.join(":", older))) != 1) {
            throw new SSLException("cannot enable the suites " + older + ": " + OpenSsl.takeError());
        }
    }

    private String sniName() {
        if (serverNames != null) {
            for (SNIServerName name : serverNames) {
                if (name instanceof SNIHostName host) {
                    return host.getAsciiName();
                }
            }
            return null;
        }
        return peerHost == null ? null : TlsTrust.sniFor(peerHost).map(SNIHostName::getAsciiName).orElse(null);
    }

    /** RFC 7301 §3.1: each protocol name preceded by its length in one byte. */
    static byte[] alpnWire(List<String> protocols) throws SSLException {
        int size = 0;
        for (String p : protocols) {
            int length = p.getBytes(StandardCharsets.US_ASCII).length;
            if (length == 0 || length > 255) {
                throw new SSLException("not an application protocol name: '" + p + "'");
            }
            size += 1 + length;
        }
        byte[] wire = new byte[size];
        int at = 0;
        for (String p : protocols) {
            byte[] name = p.getBytes(StandardCharsets.US_ASCII);
            wire[at++] = (byte) name.length;
            System.arraycopy(name, 0, wire, at, name.length);
            at += name.length;
        }
        return wire;
    }

    private static int versionOf(String protocol) {
        return switch (protocol) {
            case "TLSv1.3" -> OpenSsl.TLS1_3_VERSION;
            case "TLSv1.2" -> OpenSsl.TLS1_2_VERSION;
            case "TLSv1.1" -> OpenSsl.TLS1_1_VERSION;
            case "TLSv1" -> OpenSsl.TLS1_VERSION;
            default -> throw new IllegalArgumentException("unsupported protocol: " + protocol);
        };
    }

    /** The verification's reason in {@link TlsTrust}'s words when verification is on and failed; else null. */
    private String verifyFailure() throws Throwable {
        if (!client || !factory.verifies()) {
            return null;
        }
        long code = (long) OpenSsl.Calls.SSL_GET_VERIFY_RESULT.invokeExact(ssl);
        X509Certificate[] chain = OpenSslClient.chain(ssl);
        return code == OpenSsl.X509_V_OK || chain == null ? null : OpenSslClient.reasonOf(code, chain, peerHost);
    }

    private static IOException handshakeFailure(int error, String reason, String verifyFailure) {
        if (verifyFailure != null) {
            // Failures.classify reports a CertificateException's words as the tls_error detail, as for the JDK path.
            SSLHandshakeException e = new SSLHandshakeException(verifyFailure);
            e.initCause(new CertificateException(verifyFailure));
            return e;
        }
        String detail = switch (error) {
            case OpenSsl.SSL_ERROR_SYSCALL, OpenSsl.SSL_ERROR_ZERO_RETURN -> "the peer closed the connection during the handshake";
            default -> "handshake failed: " + (reason == null ? "OpenSSL error " + error : reason);
        };
        return new SSLHandshakeException(detail);
    }

    private OpenSslSession newSession() throws Throwable {
        sslLock.lock();
        try (Arena call = Arena.ofConfined()) {
            ensureOpen();
            String protocol = OpenSsl.string((MemorySegment) OpenSsl.Calls.SSL_GET_VERSION.invokeExact(ssl));
            String suite = OpenSsl.string((MemorySegment) OpenSsl.Calls.SSL_CIPHER_STANDARD_NAME.invokeExact(
                    (MemorySegment) OpenSsl.Calls.SSL_GET_CURRENT_CIPHER.invokeExact(ssl)));
            MemorySegment data = call.allocate(ValueLayout.ADDRESS);
            MemorySegment length = call.allocate(ValueLayout.JAVA_INT);
            OpenSsl.Calls.SSL_GET0_ALPN_SELECTED.invokeExact(ssl, data, length);
            int n = length.get(ValueLayout.JAVA_INT, 0);
            MemorySegment selected = data.get(ValueLayout.ADDRESS, 0);
            selectedProtocol = n == 0 || selected.equals(MemorySegment.NULL) ? ""
                    : new String(selected.reinterpret(n).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.US_ASCII);
            return new OpenSslSession(protocol, suite, client ? OpenSslClient.chain(ssl) : null, peerHost, peerPort);
        } finally {
            sslLock.unlock();
        }
    }

    // ---------------------------------------------------------------------------------------------- data

    /** Bytes from the socket into OpenSSL's read buffer. */
    private void feed(byte[] bytes, int length) throws Throwable {
        sslLock.lock();
        try {
            ensureOpen();
            MemorySegment.copy(bytes, 0, buffer, ValueLayout.JAVA_BYTE, 0, length);
            // A memory buffer takes everything it is given (it grows), so one call always writes all of it.
            int written = (int) OpenSsl.Calls.BIO_WRITE.invokeExact(readBio, buffer, length);
            if (written != length) {
                throw new SSLException("OpenSSL took " + written + " of " + length + " bytes: " + OpenSsl.takeError());
            }
        } finally {
            sslLock.unlock();
        }
    }

    /**
     * Everything OpenSSL has queued for the peer. Under {@link #sslLock} (and the write lock, to keep the order). Reads
     * the buffer until it is empty rather than asking its size first: one call when a flight fits in a chunk, as a
     * handshake flight does (every call here is Java on the handshake's clock).
     */
    private byte[] drainLocked() throws Throwable {
        byte[] bytes = EMPTY;
        while (true) {
            int n = (int) OpenSsl.Calls.BIO_READ.invokeExact(writeBio, buffer, CHUNK);
            if (n <= 0) {
                return bytes; // empty: a memory buffer answers "retry", not an error
            }
            int at = bytes.length;
            bytes = Arrays.copyOf(bytes, at + n);
            MemorySegment.copy(buffer, ValueLayout.JAVA_BYTE, 0, bytes, at, n);
            if (n < CHUNK) {
                return bytes;
            }
        }
    }

    private static final byte[] EMPTY = new byte[0];

    /**
     * Sends what OpenSSL queued while reading (a reply to a key update, an alert) without waiting for a writer: a
     * reader that waited for a writer blocked on a full socket would stop reading, and a peer that waits for us to
     * read before it reads would never unblock that writer. If a writer holds the lock, it sends the bytes when it
     * lets go ({@link #flushPending}, set before trying, so a writer that has just let go still sees it).
     */
    private void flushQueuedByReader() throws Throwable {
        flushPending = true;
        if (writeLock.tryLock()) {
            try {
                flushPending = false;
                sendQueuedLocked();
            } finally {
                writeLock.unlock();
            }
        }
    }

    /** What a reader left for a writer to send ({@link #flushQueuedByReader}); after the writer let go of the lock. */
    private void sendPendingAfterWrite() throws Throwable {
        if (flushPending) {
            writeLock.lock();
            try {
                flushPending = false;
                sendQueuedLocked();
            } finally {
                writeLock.unlock();
            }
        }
    }

    /** Sends whatever OpenSSL has queued. Under the write lock. */
    private void sendQueuedLocked() throws Throwable {
        byte[] queued;
        sslLock.lock();
        try {
            ensureOpen();
            queued = drainLocked();
        } finally {
            sslLock.unlock();
        }
        if (queued.length > 0) {
            rawOut.write(queued);
            rawOut.flush();
        }
    }

    private int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        startHandshake();
        readLock.lock();
        try {
            while (true) {
                int n;
                int error = 0;
                String reason = null;
                boolean queued;
                sslLock.lock();
                try {
                    ensureOpen();
                    OpenSsl.Calls.ERR_CLEAR_ERROR.invokeExact(); // SSL_get_error below reads this thread's queue
                    n = (int) OpenSsl.Calls.SSL_READ.invokeExact(ssl, buffer, Math.min(len, CHUNK));
                    if (n > 0) {
                        MemorySegment.copy(buffer, ValueLayout.JAVA_BYTE, 0, b, off, n);
                    } else {
                        error = (int) OpenSsl.Calls.SSL_GET_ERROR.invokeExact(ssl, n);
                        if (error != OpenSsl.SSL_ERROR_WANT_READ && error != OpenSsl.SSL_ERROR_ZERO_RETURN) {
                            reason = OpenSsl.takeError();
                        }
                    }
                    queued = (long) OpenSsl.Calls.BIO_CTRL.invokeExact(writeBio, OpenSsl.BIO_CTRL_PENDING, 0L,
                            MemorySegment.NULL) > 0;
                } finally {
                    sslLock.unlock();
                }
                if (queued) {
                    flushQueuedByReader();
                }
                if (n > 0) {
                    return n;
                }
                if (error == OpenSsl.SSL_ERROR_ZERO_RETURN) {
                    return -1; // the peer's close_notify
                }
                if (error != OpenSsl.SSL_ERROR_WANT_READ) {
                    throw new SSLException("TLS read failed: " + (reason == null ? "OpenSSL error " + error : reason));
                }
                if (inputEnded) {
                    return -1;
                }
                int got = rawIn.read(inbound);
                if (got < 0) {
                    inputEnded = true;
                    return -1;
                }
                feed(inbound, got);
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("OpenSSL call failed", t);
        } finally {
            readLock.unlock();
        }
    }

    private void write(byte[] b, int off, int len) throws IOException {
        startHandshake();
        writeLock.lock();
        try {
            while (len > 0) {
                int n = Math.min(len, CHUNK);
                byte[] records;
                sslLock.lock();
                try {
                    ensureOpen();
                    MemorySegment.copy(b, off, buffer, ValueLayout.JAVA_BYTE, 0, n);
                    OpenSsl.Calls.ERR_CLEAR_ERROR.invokeExact(); // SSL_get_error below reads this thread's queue
                    // Without SSL_MODE_ENABLE_PARTIAL_WRITE and with a memory buffer that grows, all n or a failure.
                    int rc = (int) OpenSsl.Calls.SSL_WRITE.invokeExact(ssl, buffer, n);
                    if (rc != n) {
                        int error = (int) OpenSsl.Calls.SSL_GET_ERROR.invokeExact(ssl, rc);
                        String reason = OpenSsl.takeError();
                        throw new SSLException("TLS write failed: " + (reason == null ? "OpenSSL error " + error : reason));
                    }
                    records = drainLocked();
                } finally {
                    sslLock.unlock();
                }
                rawOut.write(records);
                off += n;
                len -= n;
            }
            rawOut.flush();
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("OpenSSL call failed", t);
        } finally {
            writeLock.unlock();
        }
        try {
            sendPendingAfterWrite();
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("OpenSSL call failed", t);
        }
    }

    /**
     * TLS 1.3 KeyUpdate (RFC 8446 §4.6.3): new keys for what this side sends, and a request that the peer update its
     * own; sent at once. A long-lived connection may want it; the tests use it to make the peer's reader answer one.
     */
    public void requestKeyUpdate() throws IOException {
        startHandshake();
        writeLock.lock();
        try {
            sslLock.lock();
            try {
                ensureOpen();
                OpenSsl.Calls.ERR_CLEAR_ERROR.invokeExact();
                if ((int) OpenSsl.Calls.SSL_KEY_UPDATE.invokeExact(ssl, OpenSsl.SSL_KEY_UPDATE_REQUESTED) != 1) {
                    throw new SSLException("cannot update the keys: " + OpenSsl.takeError());
                }
                // SSL_key_update only schedules it: a zero-length write makes OpenSSL send the message
                int ignored = (int) OpenSsl.Calls.SSL_DO_HANDSHAKE.invokeExact(ssl);
            } finally {
                sslLock.unlock();
            }
            sendQueuedLocked();
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("OpenSSL call failed", t);
        } finally {
            writeLock.unlock();
        }
    }

    private void ensureOpen() throws SocketException {
        if (closed) {
            throw new SocketException("Socket closed");
        }
    }

    private final class In extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            return OpenSslSocket.this.read(b, off, len);
        }

        @Override
        public void close() throws IOException {
            OpenSslSocket.this.close();
        }
    }

    private final class Out extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            OpenSslSocket.this.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            OpenSslSocket.this.close();
        }
    }

    // ---------------------------------------------------------------------------------------------- closing

    /**
     * Sends {@code close_notify} when nothing else is being written (best effort, never waiting for a writer), frees
     * OpenSSL's objects, and closes the underlying socket if this socket owns it (then a read blocked on the socket
     * ends with the socket's own exception; without, the owner's closing of it does that).
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        if (handshakeDone && !raw.isClosed() && writeLock.tryLock()) {
            try {
                byte[] notify;
                sslLock.lock();
                try {
                    if (closed) {
                        return;
                    }
                    OpenSsl.Calls.ERR_CLEAR_ERROR.invokeExact();
                    int ignored = (int) OpenSsl.Calls.SSL_SHUTDOWN.invokeExact(ssl); // queues close_notify
                    OpenSsl.Calls.ERR_CLEAR_ERROR.invokeExact();
                    notify = drainLocked();
                } finally {
                    sslLock.unlock();
                }
                rawOut.write(notify);
                rawOut.flush();
            } catch (Throwable t) {
                // a peer that is gone: nothing to tell it
            } finally {
                writeLock.unlock();
            }
        }
        sslLock.lock();
        try {
            if (!closed) {
                closed = true;
                freeQuietly();
            }
        } finally {
            sslLock.unlock();
        }
        if (autoClose) {
            raw.close();
        }
    }

    private void freeQuietly() {
        try {
            OpenSsl.Calls.SSL_FREE.invokeExact(ssl);
        } catch (Throwable t) {
            throw new IllegalStateException("SSL_free failed", t);
        } finally {
            arena.close();
        }
    }

    // ---------------------------------------------------------------------------------------------- SSLSocket

    @Override
    public InputStream getInputStream() throws IOException {
        ensureOpen();
        return in;
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
        ensureOpen();
        return out;
    }

    @Override
    public SSLSession getSession() {
        if (handshakeFailure != null) {
            return OpenSslSession.invalid(peerHost, peerPort);
        }
        if (!handshakeDone) {
            try {
                startHandshake();
            } catch (IOException e) {
                return OpenSslSession.invalid(peerHost, peerPort);
            }
        }
        return session;
    }

    @Override
    public SSLSession getHandshakeSession() {
        return null;
    }

    /** The protocol ALPN chose: "" when none was negotiated, null before the handshake (as the JDK's socket). */
    @Override
    public String getApplicationProtocol() {
        return handshakeDone ? selectedProtocol : null;
    }

    @Override
    public String getHandshakeApplicationProtocol() {
        return getApplicationProtocol();
    }

    @Override
    public SSLParameters getSSLParameters() {
        SSLParameters p = new SSLParameters(getEnabledCipherSuites(), getEnabledProtocols());
        p.setApplicationProtocols(applicationProtocols.toArray(String[]::new));
        if (serverNames != null) {
            p.setServerNames(serverNames);
        }
        return p;
    }

    /** Suites, versions, ALPN offers and server names; endpoint identification is always on for a verifying client. */
    @Override
    public void setSSLParameters(SSLParameters params) {
        if (params.getCipherSuites() != null) {
            setEnabledCipherSuites(params.getCipherSuites());
        }
        if (params.getProtocols() != null) {
            setEnabledProtocols(params.getProtocols());
        }
        if (params.getApplicationProtocols() != null) {
            applicationProtocols = List.of(params.getApplicationProtocols());
        }
        if (params.getServerNames() != null) {
            serverNames = List.copyOf(params.getServerNames());
        }
        if (params.getNeedClientAuth() || params.getWantClientAuth()) {
            throw new IllegalArgumentException("client authentication is not supported by this socket");
        }
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return factory.getSupportedCipherSuites();
    }

    @Override
    public String[] getEnabledCipherSuites() {
        return enabledSuites.clone();
    }

    @Override
    public void setEnabledCipherSuites(String[] suites) {
        for (String s : suites) {
            if (!factory.suites().containsKey(s)) {
                throw new IllegalArgumentException("Unsupported CipherSuite: " + s);
            }
        }
        if (suites.length == 0) {
            throw new IllegalArgumentException("no cipher suite enabled");
        }
        enabledSuites = suites.clone();
    }

    @Override
    public String[] getSupportedProtocols() {
        return PROTOCOLS.clone();
    }

    @Override
    public String[] getEnabledProtocols() {
        return enabledProtocols.clone();
    }

    @Override
    public void setEnabledProtocols(String[] protocols) {
        if (protocols.length == 0) {
            throw new IllegalArgumentException("no protocol enabled");
        }
        for (String p : protocols) {
            versionOf(p);
        }
        enabledProtocols = protocols.clone();
    }

    /** Called on the thread that made the handshake, right after it completed (the JDK's socket uses a thread of its own). */
    @Override
    public void addHandshakeCompletedListener(HandshakeCompletedListener listener) {
        if (listener == null) {
            throw new IllegalArgumentException("listener is null");
        }
        handshakeListeners.add(listener);
    }

    @Override
    public void removeHandshakeCompletedListener(HandshakeCompletedListener listener) {
        if (!handshakeListeners.remove(listener)) {
            throw new IllegalArgumentException("no such listener: " + listener);
        }
    }

    @Override
    public void setUseClientMode(boolean mode) {
        if (mode != client) {
            throw new IllegalArgumentException("the mode is fixed when the socket is made");
        }
    }

    @Override
    public boolean getUseClientMode() {
        return client;
    }

    @Override
    public void setNeedClientAuth(boolean need) {
        if (need) {
            throw new IllegalArgumentException("client authentication is not supported by this socket");
        }
    }

    @Override
    public boolean getNeedClientAuth() {
        return false;
    }

    @Override
    public void setWantClientAuth(boolean want) {
        setNeedClientAuth(want);
    }

    @Override
    public boolean getWantClientAuth() {
        return false;
    }

    @Override
    public void setEnableSessionCreation(boolean flag) {
        if (!flag) {
            throw new IllegalArgumentException("every connection makes a new session");
        }
    }

    @Override
    public boolean getEnableSessionCreation() {
        return true;
    }

    @Override
    public boolean isClosed() {
        return closed || raw.isClosed();
    }

    @Override
    public String toString() {
        return "OpenSslSocket[" + (client ? "client" : "server") + ", " + raw + "]";
    }
}
