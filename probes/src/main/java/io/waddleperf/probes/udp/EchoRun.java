package io.waddleperf.probes.udp;

import io.waddleperf.core.clock.MonotonicClock;
import io.waddleperf.core.echo.EchoCodec;
import io.waddleperf.core.echo.EchoDecoded;
import io.waddleperf.core.echo.EchoKey;
import io.waddleperf.core.echo.EchoReply;
import io.waddleperf.core.spec.UdpSpec;
import io.waddleperf.core.stats.SequenceTracker;
import java.io.IOException;
import java.net.PortUnreachableException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.Arrays;
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
        Thread receiver = Thread.ofPlatform().daemon().name("udp-echo-receiver").start(this::receive);
        try {
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
            // The send time is read before encoding because the request carries it.
            long now = clock.nanos();
            maxSendLagNanos = Math.max(maxSendLagNanos, now - slotNanos);
            EchoCodec.encodeRequest(buf, seq, now, sizeBytes, key);
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
