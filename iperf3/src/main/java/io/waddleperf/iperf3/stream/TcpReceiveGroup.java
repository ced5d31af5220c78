package io.waddleperf.iperf3.stream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Several TCP receiving streams read by one thread through a {@link Selector}, as iperf3's single-threaded server
 * reads all of its streams. Used when a test has more receiving streams than the server has threads to spare for
 * them ({@link #threadsFor}): a thread per stream then only adds wake-ups and context switches. Measured on a 2-core
 * machine, stock iperf3 3.12 client with {@code -P 4} to our server: 13.1–14.3 Gbit/s with four receiving threads,
 * against 17.5–18.8 for stock iperf3's server in the same minute (docs/BENCHMARKS.md, iperf3 section).
 */
public final class TcpReceiveGroup implements Runnable {

    /** How often a select wakes to notice streams stopped from another thread. */
    private static final long SELECT_TIMEOUT_MILLIS = 50;

    private final List<TcpReceiveStream> streams;

    public TcpReceiveGroup(List<TcpReceiveStream> streams) {
        this.streams = List.copyOf(streams);
    }

    /**
     * How many threads {@code receivers} TCP receiving streams get on a machine with {@code processors} processors:
     * one per stream up to half the processors (the rest is for the senders' kernel work and the peer, on
     * loopback), at least one.
     */
    public static int threadsFor(int receivers, int processors) {
        return Math.max(1, Math.min(receivers, processors / 2));
    }

    /** Ends one stream's reading once: its key cancelled, its end (and failure, unless it was stopped) recorded. */
    private static void end(Set<TcpReceiveStream> active, TcpReceiveStream s, SelectionKey key, IOException error) {
        if (key != null) {
            key.cancel();
        }
        if (active.remove(s)) {
            s.finish(error);
        }
    }

    @Override
    public void run() {
        int read = 0;
        for (TcpReceiveStream s : streams) {
            read = Math.max(read, Math.max(TcpReceiveStream.MIN_READ_BYTES, s.context.params().effectiveLenBytes()));
        }
        ByteBuffer buffer = ByteBuffer.allocateDirect(read);
        Set<TcpReceiveStream> active = new HashSet<>(streams);
        try (Selector selector = Selector.open()) {
            for (TcpReceiveStream s : streams) {
                try {
                    s.channel().configureBlocking(false);
                    s.channel().register(selector, SelectionKey.OP_READ, s);
                } catch (IOException e) {
                    end(active, s, null, e);
                }
            }
            while (!active.isEmpty()) {
                selector.select(SELECT_TIMEOUT_MILLIS);
                for (SelectionKey key : selector.selectedKeys()) {
                    TcpReceiveStream s = (TcpReceiveStream) key.attachment();
                    try {
                        if (key.isValid() && s.readOnce(buffer) < 0) {
                            end(active, s, key, null);
                        }
                    } catch (IOException e) {
                        end(active, s, key, e);
                    }
                }
                selector.selectedKeys().clear();
                // A stream stopped from another thread has its channel closed; select() then drops its cancelled key
                // from keys(), so look at the streams, not the keys.
                for (TcpReceiveStream s : List.copyOf(active)) {
                    if (!s.channel().isOpen()) {
                        end(active, s, s.channel().keyFor(selector), null);
                    }
                }
            }
        } catch (IOException e) {
            for (TcpReceiveStream s : List.copyOf(active)) {
                end(active, s, null, e);
            }
        }
    }
}
