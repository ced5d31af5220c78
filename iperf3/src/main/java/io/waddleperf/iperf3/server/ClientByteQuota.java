package io.waddleperf.iperf3.server;

import java.net.InetAddress;

/**
 * The bytes each client address may move through the server's tests, kept by whoever runs the server (a budget over
 * a window, say): asked when a test is admitted — nothing left refuses it with IEACCESSDENIED, iperf3's "try again
 * later" — and told, while the test runs, what it moved — a test that spends the rest is ended with IETOTALRATE, the
 * code of iperf3's own server-side limit. {@link #UNLIMITED} asks nothing.
 */
public interface ClientByteQuota {

    ClientByteQuota UNLIMITED = new ClientByteQuota() {
        @Override
        public long available(InetAddress client) {
            return Long.MAX_VALUE;
        }

        @Override
        public void charge(InetAddress client, long bytes) {
            // nothing is counted
        }
    };

    /** Bytes {@code client} may still move now; zero or less refuses its next test. */
    long available(InetAddress client);

    /** {@code client}'s test moved {@code bytes} more (both directions together). */
    void charge(InetAddress client, long bytes);
}
