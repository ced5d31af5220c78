package io.waddleperf.probes.udp;

import io.waddleperf.core.clock.MonotonicClock;
import io.waddleperf.core.echo.EchoCodec;
import io.waddleperf.core.echo.EchoDecoded;
import io.waddleperf.core.echo.EchoKey;
import io.waddleperf.core.echo.EchoKeyring;
import io.waddleperf.core.echo.EchoReply;
import io.waddleperf.core.spec.UdpSpec;
import io.waddleperf.core.stats.SequenceTracker;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One run of the echo probe over a connected channel: the sending schedule on the calling thread, the receiver on
 * its own platform thread (a virtual thread's wake-up through the JDK poller would add latency to every RTT), and
 * the per-sequence records both leave behind. Sending follows the schedule whatever the replies do (no
 * coordinated omission): slot {@code i} is at {@code start + i * interval} on the monotonic clock; a late slot is
 * sent at once and its lateness recorded, none is skipped.
 */
final class EchoRun {

    static final long NOT_SENT = Long.MIN_VALUE;
    private static final int BUFFER_BYTES = 65_535;

    private final DatagramChannel channel;
    private final MonotonicClock clock;
    private final int count;
    private final int sizeBytes;
    private final long intervalNanos;
    private final long timeoutNanos;
    private final String token;

    /** Client send time per sequence; written by the sender, read by the receiver to validate echoes. */
    private final AtomicLongArray sendNanos;
    /** Per sequence, first reply only; written by the receiver, read after it has been joined. */
    final long[] rttNanos;
    final long[] serverReceiveNanos;
    final long[] serverSendNanos;
    final long[] receiveNanos;
    final SequenceTracker tracker = new SequenceTracker();
    final Map<String, Integer> invalidReplies = new TreeMap<>();
    long receivedBytes;

    private final AtomicInteger uniqueReplies = new AtomicInteger();
    private final AtomicInteger portUnreachable = new AtomicInteger();
    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch receiverStarted = new CountDownLatch(1);
    private volatile boolean refused;
    private volatile IOException receiveFailure;

    int sent;
    long maxSendLagNanos;
    IOException sendFailure;

    EchoRun(UdpSpec spec, MonotonicClock clock, DatagramChannel channel) {
        this.channel = channel;
        this.clock = clock;
        this.count = spec.count();
        this.sizeBytes = spec.sizeBytes();
        this.intervalNanos = spec.interval().toNanos();
        this.timeoutNanos = spec.timeout().toNanos();
        this.token = spec.token();
        this.sendNanos = new AtomicLongArray(count);
        for (int i = 0; i < count; i++) {
            sendNanos.set(i, NOT_SENT);
        }
        this.rttNanos = new long[count];
        this.serverReceiveNanos = new long[count];
        this.serverSendNanos = new long[count];
        this.receiveNanos = new long[count];
        Arrays.fill(rttNanos, -1L);
    }

    /**
     * Sends on schedule, waits {@code timeout} after the last send (less when every request is answered, or when an
     * ICMP port unreachable arrives before any reply), then closes the channel and joins the receiver. Send errors
     * end the sending and are kept in {@link #sendFailure}; only an interrupt escapes.
     */
    void execute() throws InterruptedException {
        Warm.ensure();
        Thread receiver = Thread.ofPlatform().daemon().name("udp-echo-receiver").start(this::receive);
        try {
            // The first reply must not find the receiver still starting (a thread start is ~0.1 ms, more on a
            // loaded machine), or that start-up would be part of the first RTT.
            receiverStarted.await();
            sendAll();
            if (sendFailure == null && !refused) {
                long waitNanos = timeoutNanos - (clock.nanos() - lastSendNanos());
                if (waitNanos > 0) {
                    stop.await(waitNanos, TimeUnit.NANOSECONDS);
                }
            }
        } finally {
            closeQuietly();
            joinUninterruptibly(receiver);
        }
    }

    private void sendAll() throws InterruptedException {
        EchoKey key = token == null ? null : EchoKey.of(token);
        ByteBuffer buf = ByteBuffer.allocateDirect(sizeBytes);
        long start = clock.nanos();
        for (int slot = 0; slot < count && sent < count; slot++) {
            long slotNanos = start + slot * intervalNanos;
            long waitNanos = slotNanos - clock.nanos();
            if (waitNanos > 0 && stop.await(waitNanos, TimeUnit.NANOSECONDS)) {
                return;
            }
            if (refused) {
                return;
            }
            int seq = sent;
            // Encoded before the clock is read and only the send time put in after (with a key the MAC over it is
            // computed then, too): encoding is not part of the RTT. Interpreted, as in a one-shot run, the encoding
            // before the clock took 0.02-0.03 ms of every RTT on loopback (docs/BENCHMARKS.md §5).
            EchoCodec.encodeRequest(buf, seq, 0L, sizeBytes, key);
            long now = clock.nanos();
            EchoCodec.stampRequest(buf, now, key);
            maxSendLagNanos = Math.max(maxSendLagNanos, now - slotNanos);
            sendNanos.set(seq, now);
            try {
                channel.write(buf);
                sent = seq + 1;
            } catch (PortUnreachableException e) {
                // Linux reports the ICMP error of an earlier datagram on this send, which then was not sent: the
                // sequence number is reused at the next slot so the sequence stays gap-free.
                sendNanos.set(seq, NOT_SENT);
                onPortUnreachable();
            } catch (IOException e) {
                sendNanos.set(seq, NOT_SENT);
                sendFailure = e;
                return;
            }
        }
    }

    private long lastSendNanos() {
        return sent == 0 ? clock.nanos() : sendNanos.get(sent - 1);
    }

    private void receive() {
        EchoKey key = token == null ? null : EchoKey.of(token);
        ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER_BYTES);
        receiverStarted.countDown();
        while (true) {
            buf.clear();
            try {
                channel.read(buf);
            } catch (PortUnreachableException e) {
                onPortUnreachable();
                continue;
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (channel.isOpen()) {
                    receiveFailure = e;
                    stop.countDown();
                }
                return;
            }
            long now = clock.nanos();
            buf.flip();
            accept(EchoCodec.decodeReply(buf, key), now);
        }
    }

    private void accept(EchoDecoded<EchoReply> decoded, long now) {
        if (!decoded.isOk()) {
            invalid(decoded.reason().wireName());
            return;
        }
        EchoReply reply = decoded.value();
        long seq = reply.sequence();
        if (seq < 0 || seq >= count || sendNanos.get((int) seq) == NOT_SENT) {
            invalid("unknown_sequence");
            return;
        }
        int i = (int) seq;
        long sentAt = sendNanos.get(i);
        if (reply.clientSendNanos() != sentAt) {
            // Not an answer to this run's request (a stale run, or a forged reply): RTTs come from our own record.
            invalid("timestamp_mismatch");
            return;
        }
        tracker.received(seq);
        receivedBytes += reply.sizeBytes();
        if (rttNanos[i] >= 0) {
            return;
        }
        rttNanos[i] = now - sentAt;
        receiveNanos[i] = now;
        serverReceiveNanos[i] = reply.serverReceiveNanos();
        serverSendNanos[i] = reply.serverSendNanos();
        if (uniqueReplies.incrementAndGet() == count) {
            stop.countDown();
        }
    }

    private void invalid(String reason) {
        invalidReplies.merge(reason, 1, Integer::sum);
    }

    private void onPortUnreachable() {
        portUnreachable.incrementAndGet();
        if (uniqueReplies.get() == 0) {
            // Nobody listens on the port: further datagrams cannot be answered, so the run ends now.
            refused = true;
            stop.countDown();
        }
    }

    int uniqueReplies() {
        return uniqueReplies.get();
    }

    int portUnreachable() {
        return portUnreachable.get();
    }

    boolean refused() {
        return refused;
    }

    IOException receiveFailure() {
        return receiveFailure;
    }

    /** Client send time of {@code seq} on the monotonic clock. */
    long sendNanos(int seq) {
        return sendNanos.get(seq);
    }

    private void closeQuietly() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing only wakes the receiver; a close error leaves nothing to clean up
        }
    }

    /**
     * The untimed warm-up, once per JVM (class initialisation is the once). The send time is read before a request
     * is encoded and signed, so the first request would otherwise carry the loading of the codec, the MAC and the
     * channel's send and receive paths inside its RTT. One authenticated request
     * goes from a loopback channel to itself, is turned into a reply and decoded: the same code, no packet to the
     * target. Best effort: without loopback the first RTT just starts colder.
     */
    private static final class Warm {

        static {
            try (DatagramChannel self = DatagramChannel.open(StandardProtocolFamily.INET)) {
                self.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                self.connect(self.getLocalAddress());
                String token = "warm-up";
                ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER_BYTES);
                EchoCodec.encodeRequest(buf, 0, 0L, EchoCodec.minimumSize(true), EchoKey.of(token));
                EchoCodec.stampRequest(buf, System.nanoTime(), EchoKey.of(token));
                self.write(buf);
                buf.clear();
                self.read(buf);
                buf.flip();
                long now = System.nanoTime();
                EchoCodec.toReply(buf, now, now, EchoKeyring.of(List.of(token)));
                EchoCodec.decodeReply(buf, EchoKey.of(token));
            } catch (IOException | RuntimeException e) {
                // only means a colder first attempt
            }
        }

        static void ensure() {
            // initialising the class ran the warm-up
        }
    }

    /**
     * The compile warm-up for runs of more than one request, once per JVM: whole runs of this class, 50 requests
     * each sent at once, against a stand-in echo responder on loopback, until 1 000 replies were taken or 150 ms have
     * passed. A one-shot run otherwise interprets its first exchanges and queues compilations of the encoder, the
     * decoder and the bookkeeping while its timed exchanges go on; on two CPUs the compiler thread then takes the
     * sender's CPU and the kernel wakes the peer on the other one (docs/BENCHMARKS.md §5, "Where the two ends run",
     * where the same was found and fixed for dns). No packet goes to the target.
     */
    static final class Compiled {

        static final int REPLIES = 1000;
        static final long BUDGET_NANOS = java.time.Duration.ofMillis(150).toNanos();
        /** Replies taken: the warm-up swallows its failures (it only saves time), so tests read this. */
        static final int REPLIES_DONE;

        static {
            int done = 0;
            try (DatagramChannel responder = DatagramChannel.open(StandardProtocolFamily.INET)) {
                responder.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                // a class of its own: code of this class would wait for this initialiser to finish
                Thread echo = Thread.ofPlatform().daemon().name("udp-echo-warm-up").start(new StandIn(responder));
                UdpSpec spec = new UdpSpec("udp://warm-up", new io.waddleperf.core.spec.Endpoint("127.0.0.1",
                        ((InetSocketAddress) responder.getLocalAddress()).getPort()), 50, java.time.Duration.ZERO,
                        java.time.Duration.ofMillis(50), 64, null);
                long start = System.nanoTime();
                while (done < REPLIES && System.nanoTime() - start < BUDGET_NANOS) {
                    try (DatagramChannel channel = DatagramChannel.open(StandardProtocolFamily.INET)) {
                        channel.connect(responder.getLocalAddress());
                        EchoRun run = new EchoRun(spec, System::nanoTime, channel);
                        run.execute();
                        if (run.uniqueReplies() == 0) {
                            break;
                        }
                        done += run.uniqueReplies();
                    }
                }
                responder.close();
                echo.join(1000);
            } catch (IOException | RuntimeException e) {
                // only means a run's first exchanges run interpreted a while longer
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            REPLIES_DONE = done;
        }

        static void ensure() {
            // initialising the class ran the warm-up
        }
    }

    /** {@link Compiled}'s stand-in responder: every request back as its reply, until the channel is closed. */
    private record StandIn(DatagramChannel responder) implements Runnable {

        @Override
        public void run() {
            ByteBuffer buf = ByteBuffer.allocateDirect(BUFFER_BYTES);
            EchoKeyring none = EchoKeyring.of(List.of());
            try {
                while (true) {
                    buf.clear();
                    java.net.SocketAddress from = responder.receive(buf);
                    buf.flip();
                    long now = System.nanoTime();
                    EchoCodec.toReply(buf, now, now, none);
                    responder.send(buf, from);
                }
            } catch (IOException | RuntimeException e) {
                // closed at the end of the warm-up
            }
        }
    }

    private static void joinUninterruptibly(Thread t) {
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
