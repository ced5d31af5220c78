package io.waddleperf.probes.rpm;

import io.waddleperf.probes.trust.TlsTrust;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One HTTP/1.1 connection whose phases are timed apart: TCP connect ({@code tcp_f}), TLS handshake ({@code tls_f})
 * and request/response round trips ({@code http_f}, {@code http_l}) as the responsiveness draft's probes need.
 * Only what the probe asks for is spoken: GET with Content-Length bodies and POST of a streamed body.
 *
 * <p>Why not the JDK client or OkHttp: the probe must decide which connection carries each request (a new one for
 * every foreign probe, a given idle one for a self probe, one of its own for each load stream) and time connect
 * and handshake on exactly that socket. The JDK client hides both its pool and the phases. OkHttp does report the
 * phases (its {@code EventListener}, as the {@code http} probe uses), but its pool picks the connection: a request
 * can reuse one or silently open another, so each role would need its own client and pool plus bookkeeping of
 * which connection a call used, more code than this small subset of HTTP/1.1. TLS is not hand-made: the
 * handshake is {@link TlsTrust#handshake}, the same trust, host name check and SNI as every other TLS probe.
 */
final class Http1Connection implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final String hostHeader;
    final double connectMs;
    final double tlsMs;

    private Http1Connection(Socket socket, String hostHeader, double connectMs, double tlsMs) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        this.out = socket.getOutputStream();
        this.hostHeader = hostHeader;
        this.connectMs = connectMs;
        this.tlsMs = tlsMs;
    }

    /** Connects to {@code uri}'s host and port, for https with {@code trust}. */
    static Http1Connection open(URI uri, int timeoutMs, TlsTrust trust) throws IOException {
        boolean tls = "https".equals(uri.getScheme());
        int port = uri.getPort() != -1 ? uri.getPort() : tls ? 443 : 80;
        Socket plain = new Socket();
        try {
            plain.setTcpNoDelay(true);
            long t0 = System.nanoTime();
            plain.connect(new InetSocketAddress(uri.getHost(), port), timeoutMs);
            double connectMs = (System.nanoTime() - t0) / 1e6;
            plain.setSoTimeout(timeoutMs);
            Socket s = plain;
            double tlsMs = 0;
            if (tls) {
                String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1) : uri.getHost();
                long t1 = System.nanoTime();
                s = trust.handshake(plain, host, port);
                tlsMs = (System.nanoTime() - t1) / 1e6;
            }
            return new Http1Connection(s, uri.getRawAuthority(), connectMs, tlsMs);
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
    }

    /** GET and read the whole body; returns the milliseconds from sending the request to the body's last byte. */
    double getMs(URI uri) throws IOException {
        long t0 = System.nanoTime();
        send("GET", uri, -1);
        long length = readHead();
        in.skipNBytes(length);
        return (System.nanoTime() - t0) / 1e6;
    }

    /** GET a body and count it until it ends, the connection fails or {@code sink} says stop. */
    void stream(URI uri, ByteSink sink) throws IOException {
        send("GET", uri, -1);
        readHead();
        byte[] buf = new byte[64 * 1024];
        int n;
        while ((n = in.read(buf)) >= 0 && sink.accept(n)) {
            // counted by the sink
        }
    }

    /** POST an endless body of {@code chunk} bytes repeated, counting each write, until {@code sink} says stop. */
    void upload(URI uri, byte[] chunk, ByteSink sink) throws IOException {
        send("POST", uri, Long.MAX_VALUE);
        do {
            out.write(Long.toHexString(chunk.length).getBytes(StandardCharsets.US_ASCII));
            out.write('\r');
            out.write('\n');
            out.write(chunk);
            out.write('\r');
            out.write('\n');
        } while (sink.accept(chunk.length));
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Counts bytes; returns false to stop. */
    @FunctionalInterface
    interface ByteSink {
        boolean accept(int bytes);
    }

    private void send(String method, URI uri, long bodyLength) throws IOException {
        String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        String head = method + " " + target + " HTTP/1.1\r\nHost: " + hostHeader
                + "\r\nAccept-Encoding: identity\r\nUser-Agent: waddleperf-rpm\r\n"
                + (bodyLength == Long.MAX_VALUE ? "Transfer-Encoding: chunked\r\nContent-Type: application/octet-stream\r\n" : "")
                + "\r\n";
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Reads the status line and headers; returns Content-Length (the probe only asks for such bodies). */
    private long readHead() throws IOException {
        String status = line();
        if (!status.startsWith("HTTP/1.1 200") && !status.startsWith("HTTP/1.0 200")) {
            throw new ProtocolException("unexpected response '" + status + "'");
        }
        long length = -1;
        for (String h = line(); !h.isEmpty(); h = line()) {
            int colon = h.indexOf(':');
            if (colon > 0 && h.substring(0, colon).strip().toLowerCase(Locale.ROOT).equals("content-length")) {
                length = Long.parseLong(h.substring(colon + 1).strip());
            }
        }
        if (length < 0) {
            throw new ProtocolException("response without Content-Length");
        }
        return length;
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                b.write(c);
            }
            if (b.size() > 8192) {
                throw new ProtocolException("header line longer than 8 KiB");
            }
        }
        if (c < 0 && b.size() == 0) {
            throw new java.io.EOFException("connection closed before the response");
        }
        return b.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
