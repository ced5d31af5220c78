package io.waddleperf.testkit.lab;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A userspace TCP delay relay for the lab: it accepts connections on an address inside one namespace, connects each
 * onward to a fixed target, and pumps bytes both ways, delivering every chunk a fixed delay after it was read (a
 * FIN is delayed the same way). Each direction has its own reader, delivery thread and bounded buffer pool, so a
 * slow receiver pushes back on the sender as a real path would.
 */
public final class TcpDelayRelay implements AutoCloseable {

    private static final int CHUNK_BYTES = 16 * 1024;
    private static final int CHUNKS_PER_DIRECTION = 64;
    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;

    private final ServerSocketChannel server;
    private final InetSocketAddress target;
    private final Duration delay;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private TcpDelayRelay(ServerSocketChannel server, InetSocketAddress target, Duration delay) {
        this.server = server;
        this.target = target;
        this.delay = delay;
    }

    /**
     * Starts a relay inside {@code node} listening on {@code listen} (port 0 picks a free port; see
     * {@link #localAddress()}) and forwarding to {@code target} with {@code delayEachWay} added in each direction.
     */
    public static TcpDelayRelay start(LabNode node, InetSocketAddress listen, InetSocketAddress target,
                                      Duration delayEachWay) {
        if (delayEachWay.isNegative()) {
            throw new IllegalArgumentException("delayEachWay must be >= 0, was " + delayEachWay);
        }
        try {
            TcpDelayRelay relay = node.run(() -> {
                ServerSocketChannel channel = ServerSocketChannel.open(family(listen));
                channel.bind(listen);
                return new TcpDelayRelay(channel, target, delayEachWay);
            });
            // The accepting thread lives in the namespace because it opens the onward socket of each connection.
            node.threadFactory().newThread(relay::acceptLoop).start();
            return relay;
        } catch (Exception e) {
            throw new LabException("starting TCP delay relay in " + node + " on " + listen + ": " + e, e);
        }
    }

    /** The address the relay listens on (with the actual port when port 0 was asked for). */
    public InetSocketAddress localAddress() {
        try {
            return (InetSocketAddress) server.getLocalAddress();
        } catch (IOException e) {
            throw new LabException("relay address unavailable: " + e, e);
        }
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel downstream;
            try {
                downstream = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("[lab] TCP delay relay " + target + " stopped accepting: " + e);
                }
                return;
            }
            try {
                SocketChannel upstream = SocketChannel.open(family(target));
                upstream.socket().connect(target, CONNECT_TIMEOUT_MILLIS);
                downstream.setOption(StandardSocketOptions.TCP_NODELAY, true);
                upstream.setOption(StandardSocketOptions.TCP_NODELAY, true);
                Connection connection = new Connection(downstream, upstream);
                connections.add(connection);
                connection.start();
            } catch (IOException e) {
                // The target refused or is unreachable: the client sees its connection closed, like a reset.
                closeQuietly(downstream);
            }
        }
    }

    private static StandardProtocolFamily family(InetSocketAddress address) {
        return address.getAddress() instanceof Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // Already broken; nothing left to release.
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            throw new LabException("closing TCP delay relay: " + e, e);
        } finally {
            connections.forEach(Connection::close);
        }
    }

    @Override
    public String toString() {
        return "TcpDelayRelay[" + server.socket().getLocalSocketAddress() + " -> " + target + "]";
    }

    /** One relayed connection: two directions, each a reader feeding a delay line that writes. */
    private final class Connection {

        private final SocketChannel downstream;
        private final SocketChannel upstream;
        private final DelayLine toTarget;
        private final DelayLine toClient;
        private final AtomicInteger finishedDirections = new AtomicInteger();

        Connection(SocketChannel downstream, SocketChannel upstream) {
            this.downstream = downstream;
            this.upstream = upstream;
            String name = "tcp-relay-" + downstream.socket().getPort();
            this.toTarget = new DelayLine(name + "-out", delay);
            this.toClient = new DelayLine(name + "-back", delay);
        }

        void start() {
            Thread.ofPlatform().daemon().name("tcp-relay-read-out").start(() -> pump(downstream, upstream, toTarget));
            Thread.ofPlatform().daemon().name("tcp-relay-read-back").start(() -> pump(upstream, downstream, toClient));
        }

        private void pump(SocketChannel from, SocketChannel to, DelayLine line) {
            RealtimeScheduling.raiseCallingThread();
            BufferPool pool = new BufferPool(CHUNK_BYTES, CHUNKS_PER_DIRECTION);
            try {
                while (true) {
                    ByteBuffer buffer = pool.acquire();
                    int read = from.read(buffer);
                    long receivedNanos = System.nanoTime();
                    if (read < 0) {
                        pool.release(buffer);
                        line.submit(receivedNanos, () -> finish(to));
                        return;
                    }
                    buffer.flip();
                    line.submit(receivedNanos, () -> deliver(to, buffer, pool));
                }
            } catch (IOException | InterruptedException e) {
                close();
            }
        }

        private void deliver(SocketChannel to, ByteBuffer buffer, BufferPool pool) {
            try {
                while (buffer.hasRemaining()) {
                    to.write(buffer);
                }
            } catch (IOException e) {
                close();
            } finally {
                pool.release(buffer);
            }
        }

        /** Passes a FIN on; once both directions have finished, the connection is done. */
        private void finish(SocketChannel to) {
            try {
                to.shutdownOutput();
            } catch (IOException e) {
                close();
                return;
            }
            if (finishedDirections.incrementAndGet() == 2) {
                close();
            }
        }

        void close() {
            connections.remove(this);
            toTarget.close();
            toClient.close();
            closeQuietly(downstream);
            closeQuietly(upstream);
        }
    }
}
