package io.waddleperf.probes.trace;

import io.waddleperf.core.clock.MonotonicClock;
import io.waddleperf.net.Datagram;
import io.waddleperf.net.Errno;
import io.waddleperf.net.ExtendedError;
import io.waddleperf.net.KernelTime;
import io.waddleperf.net.LinuxNet;
import io.waddleperf.net.NativeException;
import io.waddleperf.net.NativeSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Path probes as UDP datagrams or TCP SYNs, one socket per probe so every answer is unambiguous, each socket with
 * {@code IP_RECVERR} / {@code IPV6_RECVERR} so the ICMP errors routers send come back on its error queue with the
 * router's address (ip(7), ipv6(7)) — no raw socket and no privilege needed.
 *
 * <p>UDP (classic traceroute): datagrams to port {@code 33434 + n} (or all to one service port); a router's time
 * exceeded names a hop, the destination's port unreachable — or any datagram it sends back — means reached.
 * TCP (as {@code traceroute -M tcpconn}): a non-blocking {@code connect} with the TTL set; a time exceeded aborts the
 * SYN_SENT socket and is queued on its error queue; a SYN-ACK (connected, port open) or RST ({@code ECONNREFUSED},
 * port closed) means reached.
 *
 * <p>Each socket asks for kernel time stamps ({@link KernelTime}): a UDP probe is timed from its transmit stamp, an ICMP
 * error or UDP answer by its receive stamp. A SYN gets no transmit stamp and a SYN-ACK shows only as the connect
 * completing, so a TCP probe answered by the destination is timed in user space.
 */
final class SocketPathTransport implements PathTransport {

    enum Kind { UDP, TCP }

    private static final long SLICE_NANOS = Duration.ofMillis(100).toNanos();
    private static final int CONTROL_BYTES = 512;

    private final Kind kind;
    private final InetAddress target;
    private final int port;
    private final boolean portPerProbe;
    private final MonotonicClock clock;
    private final boolean ipv6;
    private final Map<PathProbe, NativeSocket> sockets = new IdentityHashMap<>();

    SocketPathTransport(Kind kind, InetAddress target, int port, boolean portPerProbe, MonotonicClock clock) {
        this.kind = kind;
        this.target = target;
        this.port = port;
        this.portPerProbe = portPerProbe;
        this.clock = clock;
        this.ipv6 = target instanceof Inet6Address;
    }

    @Override
    public String method() {
        return kind == Kind.UDP ? "udp_recverr" : "tcp_syn_recverr";
    }

    @Override
    public void send(PathProbe probe) throws NativeException {
        int family = ipv6 ? LinuxNet.AF_INET6 : LinuxNet.AF_INET;
        NativeSocket socket = kind == Kind.UDP
                ? NativeSocket.open(family, LinuxNet.SOCK_DGRAM, LinuxNet.IPPROTO_UDP)
                : NativeSocket.open(family, LinuxNet.SOCK_STREAM | LinuxNet.SOCK_NONBLOCK, LinuxNet.IPPROTO_TCP);
        try {
            if (ipv6) {
                socket.setInt(LinuxNet.IPPROTO_IPV6, LinuxNet.IPV6_UNICAST_HOPS, probe.ttl());
                socket.setInt(LinuxNet.IPPROTO_IPV6, LinuxNet.IPV6_RECVERR, 1);
            } else {
                socket.setInt(LinuxNet.IPPROTO_IP, LinuxNet.IP_TTL, probe.ttl());
                socket.setInt(LinuxNet.IPPROTO_IP, LinuxNet.IP_RECVERR, 1);
            }
            KernelTime.enable(socket);
            sockets.put(probe, socket);
            probe.sentAt(clock.nanos());
            probe.sentAtRealtime(KernelTime.realtimeNanos());
            if (kind == Kind.UDP) {
                // Classic traceroute: one port per probe, so even a destination that only counts ports could tell them apart.
                int p = portPerProbe ? port + Math.floorMod(probe.serial(), 65536 - port) : port;
                socket.sendTo(new byte[PAYLOAD_BYTES], new InetSocketAddress(target, p), 0);
            } else if (socket.connect(new InetSocketAddress(target, port))) {
                probe.answer(new PathReply(target, probe.millisTo(clock.nanos(), -1), PathReply.Kind.REACHED, "open"));
            }
        } catch (NativeException | RuntimeException e) {
            sockets.remove(probe);
            socket.close();
            throw e;
        }
    }

    @Override
    public void collect(List<PathProbe> probes, long deadlineNanos) throws NativeException, InterruptedException {
        try {
            while (true) {
                if (Thread.interrupted()) {
                    throw new InterruptedException("trace interrupted");
                }
                if (PathProbe.settled(probes)) {
                    return;
                }
                List<PathProbe> waiting = new ArrayList<>();
                List<NativeSocket> polled = new ArrayList<>();
                for (PathProbe p : probes) {
                    NativeSocket s = sockets.get(p);
                    if (!p.answered() && s != null) {
                        waiting.add(p);
                        polled.add(s);
                    }
                }
                long left = deadlineNanos - clock.nanos();
                if (waiting.isEmpty() || left <= 0) {
                    return;
                }
                short events = kind == Kind.UDP ? LinuxNet.POLLIN : LinuxNet.POLLOUT;
                short[] revents = NativeSocket.poll(polled, events, Duration.ofNanos(Math.min(left, SLICE_NANOS)));
                long at = clock.nanos();
                for (int i = 0; i < revents.length; i++) {
                    if (revents[i] != 0) {
                        read(waiting.get(i), polled.get(i), revents[i], at);
                    }
                }
            }
        } finally {
            for (PathProbe p : probes) {
                NativeSocket s = sockets.remove(p);
                if (s != null) {
                    s.close();
                }
            }
        }
    }

    private void read(PathProbe probe, NativeSocket socket, short revents, long at) throws NativeException {
        if ((revents & LinuxNet.POLLERR) != 0) {
            Datagram d = socket.receive(PAYLOAD_BYTES + 64, CONTROL_BYTES, LinuxNet.MSG_ERRQUEUE | LinuxNet.MSG_DONTWAIT);
            if (d != null && KernelTime.isTransmitReport(d)) {
                // One socket per probe: its only transmit stamp is this probe's. The answer is still to come.
                probe.transmittedAt(KernelTime.of(d));
                return;
            }
            ExtendedError error = d == null ? null : d.extendedError();
            if (error != null && error.fromIcmp()) {
                probe.answer(PathReply.fromIcmpError(error, probe.millisTo(at, probe.kernelRttTo(KernelTime.of(d)))));
                return;
            }
        }
        if (kind == Kind.UDP) {
            if ((revents & LinuxNet.POLLIN) != 0) {
                Datagram d = socket.receive(2048, CONTROL_BYTES, LinuxNet.MSG_DONTWAIT);
                if (d != null) {
                    InetAddress from = d.from() == null ? target : d.from().getAddress();
                    probe.answer(new PathReply(from, probe.millisTo(at, probe.kernelRttTo(KernelTime.of(d))), PathReply.Kind.REACHED, null));
                }
            }
            return;
        }
        int soError = socket.getInt(LinuxNet.SOL_SOCKET, LinuxNet.SO_ERROR);
        if (soError == 0 && (revents & LinuxNet.POLLOUT) != 0) {
            probe.answer(new PathReply(target, probe.millisTo(at, -1), PathReply.Kind.REACHED, "open"));
        } else if (soError == Errno.ECONNREFUSED) {
            probe.answer(new PathReply(target, probe.millisTo(at, -1), PathReply.Kind.REACHED, "closed"));
        } else if (soError != 0) {
            // A local failure without an ICMP message (e.g. no neighbour answers ARP): nobody on the path answered.
            probe.answer(new PathReply(null, probe.millisTo(at, -1), PathReply.Kind.UNREACHABLE, Errno.describe(soError)));
        } else if ((revents & (LinuxNet.POLLERR | LinuxNet.POLLHUP)) != 0) {
            // The error was already consumed and nothing says why: the attempt is over, without an answer to report.
            probe.answer(new PathReply(null, probe.millisTo(at, -1), PathReply.Kind.UNREACHABLE, "aborted"));
        }
    }

    @Override
    public void close() throws NativeException {
        for (NativeSocket s : sockets.values()) {
            s.close();
        }
        sockets.clear();
    }
}
