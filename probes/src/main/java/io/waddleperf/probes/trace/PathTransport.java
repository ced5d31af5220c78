package io.waddleperf.probes.trace;

import io.waddleperf.core.clock.MonotonicClock;
import io.waddleperf.net.IcmpSocket;
import io.waddleperf.net.NativeException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.util.List;

/**
 * How path probes travel and how their answers are read: ICMP echo requests, UDP datagrams or TCP SYNs, each sent with
 * a chosen TTL / hop limit. Used from the one platform thread that runs a trace; sockets must be opened there (see
 * {@link io.waddleperf.net.SocketScope}).
 */
interface PathTransport extends AutoCloseable {

    /** Probe bytes after the ICMP / UDP header: small, as traceroute's default 60-byte packets. */
    int PAYLOAD_BYTES = 32;

    /** The wire name for {@code raw_results.method}. */
    String method();

    /** Sends {@code probe} with its TTL and records when. */
    void send(PathProbe probe) throws NativeException;

    /**
     * Reads answers into {@code probes} until they are {@linkplain PathProbe#settled settled} or the monotonic clock
     * passes {@code deadlineNanos}; then releases what the probes held (their sockets).
     */
    void collect(List<PathProbe> probes, long deadlineNanos) throws NativeException, InterruptedException;

    @Override
    void close() throws NativeException;

    /** Opens the ICMP socket of an ICMP trace; the seam that lets tests refuse it to force the system fallback. */
    @FunctionalInterface
    interface IcmpOpener {
        /** Datagram ICMP socket where allowed, else raw (chosen at run time). */
        IcmpOpener DEFAULT = family -> IcmpSocket.open(family, true);

        IcmpSocket open(StandardProtocolFamily family) throws NativeException;
    }

    /** Opens the transport for {@code proto} toward {@code target}, {@code port} as the spec says (0 for ICMP). */
    static PathTransport open(String proto, InetAddress target, int port, boolean portPerProbe, MonotonicClock clock)
            throws NativeException {
        return open(proto, target, port, portPerProbe, clock, IcmpOpener.DEFAULT);
    }

    /** As {@link #open(String, InetAddress, int, boolean, MonotonicClock)}, ICMP sockets opened by {@code opener}. */
    static PathTransport open(String proto, InetAddress target, int port, boolean portPerProbe, MonotonicClock clock,
                              IcmpOpener opener) throws NativeException {
        boolean ipv6 = target instanceof Inet6Address;
        return switch (proto) {
            case "icmp" -> new IcmpPathTransport(opener.open(ipv6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET),
                    target, clock);
            case "udp" -> new SocketPathTransport(SocketPathTransport.Kind.UDP, target, port, portPerProbe, clock);
            case "tcp" -> new SocketPathTransport(SocketPathTransport.Kind.TCP, target, port, false, clock);
            default -> throw new IllegalArgumentException("unknown trace proto " + proto);
        };
    }
}
