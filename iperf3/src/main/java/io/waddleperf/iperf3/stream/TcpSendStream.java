package io.waddleperf.iperf3.stream;

import io.waddleperf.iperf3.Payload;
import io.waddleperf.iperf3.StreamResult;
import io.waddleperf.iperf3.TcpStats;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A TCP stream on which this side sends (our client, or our server for {@code -R}/{@code --bidir}): one block buffer
 * filled once, written again and again. Reads its connection's kernel figures (retransmits, cwnd, RTT) through the
 * context's {@link io.waddleperf.iperf3.TcpStatsSource} at each interval sample, at the end of the omit period and
 * just before the socket closes, as iperf3 reads {@code TCP_INFO} in its stats callback. Its results' retransmits
 * are those from the end of the omit period to the last interval sample, as iperf3 sums its intervals', so the
 * intervals add up to the total; -1 when the figures cannot be read.
 */
public final class TcpSendStream extends DataStream {

    private final SocketChannel channel;
    private final InetSocketAddress local;
    private final InetSocketAddress remote;
    /** The last figures read while the socket was open; what interval samples after the close report. */
    private volatile TcpStats lastTcp;
    /** The figures of the last interval sample that read them: the end of the results' count. */
    private volatile TcpStats sampledTcp;
    /** {@code tcpi_total_retrans} at the end of the omit period (0 without one), -1 when it could not be read. */
    private volatile long omittedRetransmits;

    public TcpSendStream(int id, StreamContext context, SocketChannel channel) {
        super(id, context, channel);
        this.channel = channel;
        InetSocketAddress l = null;
        InetSocketAddress r = null;
        try {
            l = (InetSocketAddress) channel.getLocalAddress();
            r = (InetSocketAddress) channel.getRemoteAddress();
        } catch (IOException e) {
            // A channel closed before the test started: there are no figures to read, and the stream ends at once.
            l = null;
        }
        this.local = l;
        this.remote = r;
    }

    @Override
    public boolean sender() {
        return true;
    }

    @Override
    void transfer() throws IOException {
        int len = context.params().effectiveLenBytes();
        ByteBuffer block = ByteBuffer.allocateDirect(len);
        Payload.fill(block, context.params().repeatingPayload());
        RatePacer pacer = new RatePacer(context.params().effectiveRateBitsPerSecond(), context.params().burst(),
                context.startNanos());
        if (context.params().zeroCopy()) {
            sendFromFile(block, len, pacer);
            return;
        }
        long sent = 0;
        while (!stopping && context.takeBlock(len)) {
            pacer.awaitTurn(sent);
            block.clear();
            while (block.hasRemaining()) {
                sent += channel.write(block);
            }
            bytes = sent;
            checkOmit(System.nanoTime());
        }
    }

    /**
     * iperf3's {@code -Z}: each block leaves with {@code sendfile(2)} from a file holding it — the JDK's
     * {@link FileChannel#transferTo} into a socket is {@code sendfile} on Linux — so the kernel sends from the page
     * cache instead of copying the block in from user memory at every write, as iperf3's {@code Nsendfile} does from
     * its memory-mapped temporary file. The file is deleted when the stream ends.
     */
    private void sendFromFile(ByteBuffer block, int len, RatePacer pacer) throws IOException {
        Path file = Files.createTempFile("waddleperf-iperf3-zerocopy-", ".block");
        try (FileChannel source = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE,
                StandardOpenOption.DELETE_ON_CLOSE)) {
            block.clear();
            while (block.hasRemaining()) {
                source.write(block);
            }
            long sent = 0;
            while (!stopping && context.takeBlock(len)) {
                pacer.awaitTurn(sent);
                long position = 0;
                while (position < len) {
                    long n = source.transferTo(position, len - position, channel);
                    position += n;
                    sent += n;
                }
                bytes = sent;
                checkOmit(System.nanoTime());
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /**
     * The connection's figures now: read afresh while the socket is open (null when that fails), the last ones read
     * once it is closed, since a closed socket is no longer in the kernel's table under its four-tuple (an orphaned
     * one soon becomes a time-wait entry without {@code tcp_info}).
     */
    TcpStats tcpStats() {
        if (local == null || remote == null) {
            return null;
        }
        if (!channel.isOpen()) {
            return lastTcp;
        }
        TcpStats now = context.tcpStats().read(local, remote).orElse(null);
        if (now != null) {
            lastTcp = now;
            return now;
        }
        // The sender may have closed the socket between the check and the read (the interval sample at the end of
        // the test races the stop): then the read found nothing because it is closed, and the last figures are its
        // final ones. The channel reads as closed before the kernel socket goes.
        return channel.isOpen() ? null : lastTcp;
    }

    @Override
    public Counters counters() {
        long b = bytes;
        TcpStats tcp = tcpStats();
        if (tcp != null) {
            sampledTcp = tcp;
        }
        return new Counters(b, 0, 0, 0, 0, tcp);
    }

    @Override
    void snapshotOmitted() {
        super.snapshotOmitted();
        TcpStats s = tcpStats();
        omittedRetransmits = s == null ? -1 : s.totalRetransmits();
    }

    @Override
    void beforeClose() {
        if (channel.isOpen()) {
            tcpStats();
        }
    }

    @Override
    public StreamResult result() {
        TcpStats end = sampledTcp != null ? sampledTcp : lastTcp;
        long base = omittedRetransmits;
        long retransmits = end == null || base < 0 ? -1 : Math.max(0, end.totalRetransmits() - base);
        return new StreamResult(id, bytes - omittedBytes, retransmits, 0, 0, 0, 0, 0, measuredSeconds());
    }
}
