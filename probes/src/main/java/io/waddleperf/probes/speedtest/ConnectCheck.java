package io.waddleperf.probes.speedtest;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import io.waddleperf.probes.ProbeContext;

/** One timed TCP connect to the server before an HTTP-based test, so an unreachable server fails with a precise error. */
public final class ConnectCheck {

    private ConnectCheck() {
    }

    /** Connects and closes; returns the connect time in milliseconds. */
    public static double connectMs(InetAddress address, int port, Duration timeout) throws IOException {
        try (Socket s = new Socket()) {
            long t0 = System.nanoTime();
            s.connect(new InetSocketAddress(address, port), ProbeContext.millis(timeout));
            return (System.nanoTime() - t0) / 1e6;
        }
    }
}
