package io.waddleperf.iperf3.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.iperf3.TestParameters;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Several receiving streams read by one thread, over real loopback connections. */
class TcpReceiveGroupTest {

    @Test
    void threads_are_one_per_stream_up_to_the_processors_and_half_of_them_beyond() {
        assertThat(TcpReceiveGroup.threadsFor(2, 2)).isEqualTo(2);
        assertThat(TcpReceiveGroup.threadsFor(3, 2)).isEqualTo(1);
        assertThat(TcpReceiveGroup.threadsFor(4, 2)).isEqualTo(1);
        assertThat(TcpReceiveGroup.threadsFor(4, 8)).isEqualTo(4);
        assertThat(TcpReceiveGroup.threadsFor(8, 8)).isEqualTo(8);
        assertThat(TcpReceiveGroup.threadsFor(16, 8)).isEqualTo(4);
        assertThat(TcpReceiveGroup.threadsFor(1, 1)).isEqualTo(1);
        assertThat(TcpReceiveGroup.threadsFor(0, 8)).isEqualTo(1);
    }

    @Test
    void counts_every_stream_and_ends_each_when_its_peer_closes() throws Exception {
        StreamContext context = new StreamContext(TestParameters.tcpDefaults(), System.nanoTime());
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            List<SocketChannel> senders = new ArrayList<>();
            List<TcpReceiveStream> streams = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                senders.add(SocketChannel.open(listener.getLocalAddress()));
                streams.add(new TcpReceiveStream(DataStream.streamId(i), context, listener.accept()));
            }
            Thread reader = Thread.ofPlatform().start(new TcpReceiveGroup(streams));
            long[] sizes = {1, 300_000, 5_000_000};
            for (int i = 0; i < 3; i++) {
                ByteBuffer data = ByteBuffer.allocate((int) sizes[i]);
                while (data.hasRemaining()) {
                    senders.get(i).write(data);
                }
            }
            // The first two peers close; the third stays open until its stream is stopped from outside.
            senders.get(0).close();
            senders.get(1).close();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while ((streams.get(0).endNanos() == 0 || streams.get(1).endNanos() == 0
                    || streams.get(2).bytes() < sizes[2]) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(streams.get(0).bytes()).isEqualTo(sizes[0]);
            assertThat(streams.get(1).bytes()).isEqualTo(sizes[1]);
            assertThat(streams.get(2).bytes()).isEqualTo(sizes[2]);
            assertThat(streams.get(0).endNanos()).isPositive();
            assertThat(streams.get(2).endNanos()).isZero();
            assertThat(reader.isAlive()).isTrue();

            streams.get(2).stop();
            reader.join(5_000);
            assertThat(reader.isAlive()).isFalse();
            assertThat(streams.get(2).endNanos()).isPositive();
            assertThat(streams).allSatisfy(s -> assertThat(s.failure()).isNull());
            senders.get(2).close();
        }
    }
}
