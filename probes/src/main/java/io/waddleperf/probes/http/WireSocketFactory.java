package io.waddleperf.probes.http;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import javax.net.SocketFactory;

/**
 * Plain sockets that report their connect, every write and every read that returned data to a {@link PhaseRecorder},
 * timed around the system call alone. TLS is layered over these sockets (the SSL socket reads and writes through
 * them), so the recorder sees the encrypted bytes as they cross the wire, not the plaintext OkHttp handles later.
 * The sockets send without Nagle's delay ({@code TCP_NODELAY}).
 */
final class WireSocketFactory extends SocketFactory {

    private final PhaseRecorder recorder;

    WireSocketFactory(PhaseRecorder recorder) {
        this.recorder = recorder;
    }

    /** The form OkHttp uses: an unconnected socket it connects itself. */
    @Override
    public Socket createSocket() {
        return new WireSocket(recorder);
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port), null);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return connected(new InetSocketAddress(host, port), new InetSocketAddress(localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port), null);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        return connected(new InetSocketAddress(address, port), new InetSocketAddress(localAddress, localPort));
    }

    private Socket connected(InetSocketAddress remote, InetSocketAddress local) throws IOException {
        Socket s = new WireSocket(recorder);
        try {
            if (local != null) {
                s.bind(local);
            }
            s.connect(remote);
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private static final class WireSocket extends Socket {
        private final PhaseRecorder recorder;
        private InputStream in;
        private OutputStream out;

        WireSocket(PhaseRecorder recorder) {
            this.recorder = recorder;
        }

        @Override
        public void connect(SocketAddress endpoint, int timeout) throws IOException {
            long start = recorder.now();
            super.connect(endpoint, timeout);
            recorder.wireConnected(start, recorder.now());
            // As curl and browsers do: with Nagle's algorithm on, a request or handshake flight written in two
            // segments waits for the ACK of the first, which the server delays (40 ms on Linux) while it waits for
            // the rest: a wait of the two TCP stacks, not the network's.
            setTcpNoDelay(true);
        }

        @Override
        public synchronized InputStream getInputStream() throws IOException {
            if (in == null) {
                in = new FilterInputStream(super.getInputStream()) {
                    @Override
                    public int read() throws IOException {
                        int b = super.read();
                        if (b >= 0) {
                            recorder.wireRead(recorder.now());
                        }
                        return b;
                    }

                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        int n = in.read(b, off, len);
                        if (n > 0) {
                            recorder.wireRead(recorder.now());
                        }
                        return n;
                    }
                };
            }
            return in;
        }

        @Override
        public synchronized OutputStream getOutputStream() throws IOException {
            if (out == null) {
                out = new FilterOutputStream(super.getOutputStream()) {
                    @Override
                    public void write(int b) throws IOException {
                        long start = recorder.now();
                        out.write(b);
                        recorder.wireWrite(start, recorder.now());
                    }

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        long start = recorder.now();
                        out.write(b, off, len);
                        recorder.wireWrite(start, recorder.now());
                    }
                };
            }
            return out;
        }
    }
}
