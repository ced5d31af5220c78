package io.waddleperf.testserver.echo;

import io.waddleperf.core.echo.EchoCodec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A real UDP relay on loopback between one echo client and a server, for tests that need a path that loses,
 * duplicates or reorders datagrams for real: each datagram from the client goes through {@code requests}, each
 * from the server through {@code replies}, and whatever the policy returns is forwarded (nothing, the datagram,
 * copies, or datagrams it held back earlier).
 */
final class EchoRelay implements AutoCloseable {

    private final DatagramChannel channel;
    private final InetSocketAddress server;
    private final Function<byte[], List<byte[]>> requests;
    private final Function<byte[], List<byte[]>> replies;
    private final Thread thread;
    final AtomicInteger requestsIn = new AtomicInteger();
    final AtomicInteger repliesIn = new AtomicInteger();

    EchoRelay(InetSocketAddress server, Function<byte[], List<byte[]>> requests,
              Function<byte[], List<byte[]>> replies) throws IOException {
        this.server = server;
        this.requests = requests;
        this.replies = replies;
        this.channel = DatagramChannel.open();
        channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        this.thread = Thread.ofPlatform().daemon().name("echo-relay").start(this::run);
    }

    static List<byte[]> pass(byte[] datagram) {
        return List.of(datagram);
    }

    static long sequenceOf(byte[] datagram) {
        return datagram.length >= 16 ? ByteBuffer.wrap(datagram).getLong(EchoCodec.OFFSET_SEQUENCE) : -1;
    }

    InetSocketAddress address() throws IOException {
        return (InetSocketAddress) channel.getLocalAddress();
    }

    private void run() {
        ByteBuffer buf = ByteBuffer.allocate(65_535);
        SocketAddress client = null;
        try {
            while (true) {
                buf.clear();
                SocketAddress from = channel.receive(buf);
                buf.flip();
                byte[] datagram = new byte[buf.remaining()];
                buf.get(datagram);
                if (server.equals(from)) {
                    repliesIn.incrementAndGet();
                    if (client != null) {
                        forward(replies.apply(datagram), client);
                    }
                } else {
                    client = from;
                    requestsIn.incrementAndGet();
                    forward(requests.apply(datagram), server);
                }
            }
        } catch (ClosedChannelException e) {
            // closed by the test
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void forward(List<byte[]> datagrams, SocketAddress to) throws IOException {
        for (byte[] d : datagrams) {
            channel.send(ByteBuffer.wrap(d), to);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
