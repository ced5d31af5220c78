package io.waddleperf.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** HTTP by hand over a plain socket, for tests that play slow or greedy clients against a server. */
public final class RawHttp {

    private RawHttp() {
    }

    /** Writes {@code text} (ASCII) and flushes. */
    public static void write(Socket s, String text) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** The status line's first 12 characters of the next answer, e.g. {@code HTTP/1.1 200}. */
    public static String status(Socket s) throws IOException {
        return new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
    }

    /** Opens a connection to the server under test. */
    @FunctionalInterface
    public interface Connector {
        Socket connect() throws IOException;
    }

    /**
     * Checks a connection limit of {@code limit}: holds that many connections, checks that one more is closed at once
     * and that each held one is then served {@code GET /health}; returns the held connections, still open.
     */
    public static List<Socket> assertHoldsAtMost(int limit, Connector connector) throws IOException, InterruptedException {
        List<Socket> held = new ArrayList<>();
        for (int i = 0; i < limit; i++) {
            held.add(connector.connect());
        }
        Thread.sleep(300);
        Socket extra = connector.connect();
        org.assertj.core.api.Assertions.assertThat(secondsUntilClosed(extra, System.nanoTime()))
                .as("connection " + (limit + 1) + " is closed at once").isLessThan(1.0);
        for (Socket s : held) {
            write(s, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            org.assertj.core.api.Assertions.assertThat(status(s)).as("the first " + limit + " are served")
                    .isEqualTo("HTTP/1.1 200");
        }
        return held;
    }

    /**
     * Seconds until the server closed {@code s} while a request head was trickled into it: {@code requestLine} and a
     * Host line, then a header line every 300 ms for 9 s (a slow-loris client, which an idle timeout never ends).
     */
    public static double secondsUntilClosedWhileTrickling(Socket s, String requestLine) throws IOException {
        long start = System.nanoTime();
        Thread trickle = Thread.ofVirtual().start(() -> {
            try {
                write(s, requestLine + "\r\nHost: 127.0.0.1\r\n");
                for (int i = 0; i < 30; i++) {
                    Thread.sleep(300);
                    write(s, "X-Slow-" + i + ": " + "a".repeat(10) + "\r\n");
                }
            } catch (IOException | InterruptedException e) {
                // the server closed the connection, as it should
            }
        });
        try {
            return secondsUntilClosed(s, start);
        } finally {
            trickle.interrupt();
        }
    }

    /**
     * Seconds from {@code startNanos} until the server closed {@code s} (end of stream or reset), reading and dropping
     * any answer; infinity when the socket's read timeout passed first.
     */
    public static double secondsUntilClosed(Socket s, long startNanos) throws IOException {
        InputStream in = s.getInputStream();
        byte[] buf = new byte[4096];
        try {
            while (in.read(buf) >= 0) {
                // an error answer may come first; the close is what is waited for
            }
        } catch (SocketTimeoutException e) {
            return Double.POSITIVE_INFINITY;
        } catch (IOException e) {
            // reset by the server: closed too
        }
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
