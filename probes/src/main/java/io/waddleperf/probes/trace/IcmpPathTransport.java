package io.waddleperf.probes.trace;

import io.waddleperf.core.clock.MonotonicClock;
import io.waddleperf.net.Errno;
import io.waddleperf.net.IcmpSocket;
import io.waddleperf.net.NativeException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Path probes as ICMP echo requests over one {@link IcmpSocket} (datagram socket where allowed, else raw): the echo
 * sequence number names the probe; routers' time-exceeded messages arrive on the error queue quoting it, the
 * destination answers with an echo reply.
 */
final class IcmpPathTransport implements PathTransport {

    private static final long SLICE_NANOS = Duration.ofMillis(100).toNanos();

    private final IcmpSocket socket;
    private final InetAddress target;
    private final MonotonicClock clock;
    private final Map<Integer, PathProbe> bySequence = new HashMap<>();
    private final byte[] payload = new byte[PAYLOAD_BYTES];

    IcmpPathTransport(IcmpSocket socket, InetAddress target, MonotonicClock clock) {
        this.socket = socket;
        this.target = target;
        this.clock = clock;
    }

    @Override
    public String method() {
        return socket.method().wireName();
    }

    @Override
    public void send(PathProbe probe) throws NativeException {
        int sequence = probe.serial() & 0xFFFF;
        socket.setTtl(probe.ttl());
        bySequence.put(sequence, probe);
        probe.sentAt(clock.nanos());
        try {
            socket.send(target, sequence, payload);
        } catch (NativeException e) {
            // With IP_RECVERR an ICMP error also sets the socket's pending error, which the next send returns once and
            // clears without sending (ip(7)); the error itself is on the error queue. Send again; a real local failure
            // fails again.
            if (e.errno() != Errno.EHOSTUNREACH && e.errno() != Errno.ENETUNREACH) {
                throw e;
            }
            probe.sentAt(clock.nanos());
            socket.send(target, sequence, payload);
        }
    }

    @Override
    public void collect(List<PathProbe> probes, long deadlineNanos) throws NativeException, InterruptedException {
        int maxBytes = PAYLOAD_BYTES + 8 + 60;
        while (!PathProbe.settled(probes)) {
            if (Thread.interrupted()) {
                throw new InterruptedException("trace interrupted");
            }
            long left = deadlineNanos - clock.nanos();
            if (left <= 0) {
                break;
            }
            IcmpSocket.Event event = socket.receive(Duration.ofNanos(Math.min(left, SLICE_NANOS)), maxBytes);
            long at = clock.nanos();
            switch (event) {
                case null -> { }
                case IcmpSocket.EchoReply r -> {
                    PathProbe p = bySequence.get(r.reply().sequence());
                    if (p != null) {
                        p.answer(new PathReply(r.from(), p.millisTo(at, r.kernelRttNanos()), PathReply.Kind.REACHED, null));
                    }
                }
                case IcmpSocket.ErrorReport e -> {
                    PathProbe p = e.sequence() < 0 ? null : bySequence.get(e.sequence());
                    if (p != null && e.error().fromIcmp()) {
                        p.answer(PathReply.fromIcmpError(e.error(), p.millisTo(at, e.kernelRttNanos())));
                    }
                }
            }
        }
        probes.forEach(p -> bySequence.remove(p.serial() & 0xFFFF));
    }

    @Override
    public void close() throws NativeException {
        socket.close();
    }
}
