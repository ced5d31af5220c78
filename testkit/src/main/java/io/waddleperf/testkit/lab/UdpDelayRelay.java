package io.waddleperf.testkit.lab;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A userspace UDP delay relay for the lab (this kernel has no {@code tc netem}): it listens on an address inside one
 * namespace, forwards every datagram to a fixed target after a fixed delay, and sends the target's replies back to
 * the original sender after the same delay, preserving order in each direction. Each sender gets its own upstream
 * socket, like a NAT mapping, so replies find their way back.
 *
 * <p>One platform thread in the namespace receives on all sockets; one thread per direction delivers. Datagrams are
 * held in pooled buffers; when all are in flight, new datagrams are dropped and counted, as a full queue would.
 */
public final class UdpDelayRelay implements AutoCloseable {

    private static final int MAX_DATAGRAM_BYTES = 65_536;
    private static final int MAX_BUFFERS = 512;

    private final InetSocketAddress target;
    private final DatagramChannel listener;
    private final Selector selector;
    private final DelayLine toTarget;
    private final DelayLine toSender;
    private final BufferPool pool = new BufferPool(MAX_DATAGRAM_BYTES, MAX_BUFFERS);
    private final ByteBuffer discard = ByteBuffer.allocateDirect(MAX_DATAGRAM_BYTES);
    private final Map<SocketAddress, DatagramChannel> upstreams = new ConcurrentHashMap<>();
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean closed;

    private UdpDelayRelay(DatagramChannel listener, Selector selector, InetSocketAddress target, Duration delay) {
        this.listener = listener;
        this.selector = selector;
        this.target = target;
        String name = "udp-relay-" + listener.socket().getLocalPort();
        this.toTarget = new DelayLine(name + "-out", delay);
        this.toSender = new DelayLine(name + "-back", delay);
    }

    /**
     * Starts a relay inside {@code node} listening on {@code listen} (port 0 picks a free port; see
     * {@link #localAddress()}) and forwarding to {@code target} with {@code delayEachWay} added in each direction.
     */
    public static UdpDelayRelay start(LabNode node, InetSocketAddress listen, InetSocketAddress target,
                                      Duration delayEachWay) {
        if (delayEachWay.isNegative()) {
            throw new IllegalArgumentException("delayEachWay must be >= 0, was " + delayEachWay);
        }
        try {
            UdpDelayRelay relay = node.run(() -> {
                DatagramChannel channel = DatagramChannel.open(family(listen));
                channel.bind(listen).configureBlocking(false);
                Selector selector = Selector.open();
                channel.register(selector, SelectionKey.OP_READ);
                return new UdpDelayRelay(channel, selector, target, delayEachWay);
            });
            // The receiver thread lives in the namespace because it opens an upstream socket per new sender.
            node.threadFactory().newThread(relay::receiveLoop).start();
            return relay;
        } catch (Exception e) {
            throw new LabException("starting UDP delay relay in " + node + " on " + listen + ": " + e, e);
        }
    }

    /** The address the relay listens on (with the actual port when port 0 was asked for). */
    public InetSocketAddress localAddress() {
        try {
            return (InetSocketAddress) listener.getLocalAddress();
        } catch (IOException e) {
            throw new LabException("relay address unavailable: " + e, e);
        }
    }

    /** Datagrams delivered, both directions together. */
    public long forwardedDatagrams() {
        return forwarded.get();
    }

    /** Datagrams dropped because every buffer was in flight or a socket's send buffer was full. */
    public long droppedDatagrams() {
        return dropped.get();
    }

    /** The most any delivery, either direction, started after its due time (a measure of the relay's own error). */
    public Duration maxLateness() {
        return Duration.ofNanos(Math.max(toTarget.maxLatenessNanos(), toSender.maxLatenessNanos()));
    }

    /** Deliveries, both directions, that started more than 0.1 ms after their due time. */
    public long lateDeliveries() {
        return toTarget.lateDeliveries() + toSender.lateDeliveries();
    }

    private void receiveLoop() {
        RealtimeScheduling.raiseCallingThread();
        try {
            while (!closed) {
                selector.select();
                for (SelectionKey key : selector.selectedKeys()) {
                    drain((DatagramChannel) key.channel(), (SocketAddress) key.attachment());
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException | ClosedSelectorException e) {
            if (!closed) {
                System.err.println("[lab] UDP delay relay " + localAddress() + " stopped: " + e);
            }
        }
    }

    /** Reads every waiting datagram from {@code channel}; {@code sender} is null for the listening socket. */
    private void drain(DatagramChannel channel, SocketAddress sender) throws IOException {
        while (true) {
            ByteBuffer buffer = pool.tryAcquire();
            if (buffer == null) {
                discard.clear();
                if (channel.receive(discard) == null) {
                    return;
                }
                dropped.incrementAndGet();
                continue;
            }
            SocketAddress from = channel.receive(buffer);
            long receivedNanos = System.nanoTime();
            if (from == null) {
                pool.release(buffer);
                return;
            }
            buffer.flip();
            if (sender == null) {
                DatagramChannel upstream = upstreams.computeIfAbsent(from, this::openUpstream);
                toTarget.submit(receivedNanos, () -> send(upstream, buffer, target));
            } else {
                toSender.submit(receivedNanos, () -> send(listener, buffer, sender));
            }
        }
    }

    private DatagramChannel openUpstream(SocketAddress sender) {
        try {
            DatagramChannel upstream = DatagramChannel.open(family(target));
            upstream.connect(target).configureBlocking(false);
            upstream.register(selector, SelectionKey.OP_READ, sender);
            return upstream;
        } catch (IOException e) {
            throw new LabException("opening upstream socket toward " + target + ": " + e, e);
        }
    }

    private void send(DatagramChannel channel, ByteBuffer buffer, SocketAddress to) {
        try {
            if (channel.send(buffer, to) == 0) {
                dropped.incrementAndGet();
            } else {
                forwarded.incrementAndGet();
            }
        } catch (IOException e) {
            // ICMP errors (port unreachable) surface here on later sends: the datagram is lost, as on a real path.
            dropped.incrementAndGet();
        } finally {
            pool.release(buffer);
        }
    }

    private static StandardProtocolFamily family(InetSocketAddress address) {
        return address.getAddress() instanceof Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
    }

    @Override
    public void close() {
        closed = true;
        toTarget.close();
        toSender.close();
        try {
            selector.close();
            listener.close();
            for (DatagramChannel upstream : upstreams.values()) {
                upstream.close();
            }
        } catch (IOException e) {
            throw new LabException("closing UDP delay relay: " + e, e);
        }
    }

    @Override
    public String toString() {
        return "UdpDelayRelay[" + listener.socket().getLocalSocketAddress() + " -> " + target + "]";
    }
}
