package io.waddleperf.probes.icmp;

import io.waddleperf.core.clock.MonotonicClock;
import io.waddleperf.core.spec.IcmpSpec;
import io.waddleperf.probes.Failures;
import io.waddleperf.net.IcmpSocket;
import io.waddleperf.net.KernelTime;
import io.waddleperf.net.NativeException;
import java.net.InetAddress;
import java.time.Duration;

/**
 * One ping run over an {@link IcmpSocket}, as a single-threaded loop meant for a platform thread: request {@code i}
 * leaves at {@code start + i * interval} whatever the replies do (no coordinated omission), replies and errors are read
 * in between, and the loop ends when every request has its reply or ICMP error (ping stops there too) or {@code timeout}
 * after the last send. RTTs are the kernel's (send stamp to receive stamp, {@link KernelTime}) where it gave them,
 * else from just before the send call to just after the receive call.
 */
final class EchoSession {

    /** Longest single wait, so a {@link #stop()} is noticed quickly. */
    private static final long SLICE_NANOS = Duration.ofMillis(100).toNanos();

    private final IcmpSpec spec;
    private final IcmpSocket socket;
    private final InetAddress target;
    private final MonotonicClock clock;
    private final EchoTally tally;
    private volatile boolean stopped;

    EchoSession(IcmpSpec spec, IcmpSocket socket, InetAddress target, MonotonicClock clock, EchoTally tally) {
        this.spec = spec;
        this.socket = socket;
        this.target = target;
        this.clock = clock;
        this.tally = tally;
    }

    void stop() {
        stopped = true;
    }

    void run() throws NativeException {
        int count = spec.count();
        long intervalNanos = spec.interval().toNanos();
        long timeoutNanos = spec.timeout().toNanos();
        long[] sendNanos = new long[count];
        byte[] data = payload(spec.sizeBytes());
        // Room for the echoed data, the ICMP header and an IPv4 header with options (raw sockets deliver it).
        int maxBytes = spec.sizeBytes() + 8 + 60;
        long start = clock.nanos();
        long lastSend = start;
        while (!stopped) {
            long now = clock.nanos();
            int next = tally.sentCount();
            if (next < count && now - start >= next * intervalNanos) {
                sendNanos[next] = clock.nanos();
                lastSend = sendNanos[next];
                tally.sent(next);
                try {
                    socket.send(target, next, data);
                } catch (NativeException e) {
                    Failures.Failure f = Failures.classify(e);
                    tally.error(f.kind(), f.detail(), false);
                    tally.failed(next);
                }
                continue;
            }
            if (next == count && (tally.allSettled() || now - lastSend >= timeoutNanos)) {
                return;
            }
            long until = next < count ? start + next * intervalNanos : lastSend + timeoutNanos;
            long wait = Math.max(0, Math.min(until - now, SLICE_NANOS));
            IcmpSocket.Event event = socket.receive(Duration.ofNanos(wait), maxBytes);
            long at = clock.nanos();
            switch (event) {
                case null -> { }
                case IcmpSocket.EchoReply r -> {
                    int index = index(r.reply().sequence(), tally.sentCount() - 1);
                    if (index >= 0) {
                        long rtt = KernelTime.roundTrip(at - sendNanos[index], r.kernelRttNanos());
                        tally.reply(index, rtt / 1_000_000.0, r.reply().ttl());
                    }
                }
                case IcmpSocket.ErrorReport e -> {
                    Failures.Failure f = IcmpErrors.classify(e.error(), socket.ipv6());
                    tally.error(f.kind(), f.detail(), true);
                    if (e.sequence() >= 0) {
                        tally.failed(index(e.sequence(), tally.sentCount() - 1));
                    }
                }
            }
        }
    }

    /** The request index a 16-bit echo sequence number refers to: the latest sent index with those low 16 bits. */
    static int index(int sequence16, int lastSentIndex) {
        if (lastSentIndex < 0) {
            return -1;
        }
        return lastSentIndex - (((lastSentIndex & 0xFFFF) - sequence16) & 0xFFFF);
    }

    /** Echo data in ping's pattern (bytes 0x00, 0x01, …), so a packet capture reads like iputils ping's. */
    static byte[] payload(int size) {
        byte[] data = new byte[size];
        for (int i = 0; i < size; i++) {
            data[i] = (byte) i;
        }
        return data;
    }
}
