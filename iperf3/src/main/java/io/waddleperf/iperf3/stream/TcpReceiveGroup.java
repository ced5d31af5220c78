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
     * one per stream while there are no more streams than processors; beyond that, half the processors (the rest is
     * for the senders' kernel work and the peer, on loopback), at least one. Measured on 2 cores (docs/BENCHMARKS.md,
     * iperf3 section), 5 s runs, 3 repetitions: with two streams sharing one thread, stock iperf3's {@code -P 2}
     * reached 8.7–12.9 Gbit/s into our server and our client 6.6–14.3, with a thread each 14.8–20.3 and 10.5–23.4;
     * four streams on two threads instead of one left stock's {@code -P 4} unchanged (11.1–13.1 against 8.7–11.8)
     * but halved our client's (5.2–7.3 against 10.9–15.5), whose four sending threads then compete with two readers.
     */
    public static int threadsFor(int receivers, int processors) {
        return receivers <= processors ? Math.max(1, receivers) : Math.max(1, processors / 2);
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
