package io.waddleperf.net;

import java.lang.foreign.ValueLayout;
import java.lang.foreign.Arena;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A socket that sends ICMP / ICMPv6 echo requests and reads the matching replies and errors. Opens an ICMP
 * datagram socket ({@code SOCK_DGRAM}, {@code IPPROTO_ICMP[V6]}; allowed to groups in
 * {@code net.ipv4.ping_group_range}, icmp(7)) or a raw socket ({@code SOCK_RAW}, needs {@code CAP_NET_RAW}, raw(7)),
 * and says which in {@link #method()}. Error-queue reporting ({@code IP_RECVERR}/{@code IPV6_RECVERR}) and the
 * reply TTL ({@code IP_RECVTTL}/{@code IPV6_RECVHOPLIMIT}) are switched on. Use from a platform thread.
 */
public final class IcmpSocket implements AutoCloseable {

    /** How the socket was opened; the wire name goes to {@code raw_results.method}. */
    public enum Method {
        DATAGRAM("icmp_datagram", LinuxNet.SOCK_DGRAM), RAW("icmp_raw", LinuxNet.SOCK_RAW);

        private final String wireName;
        private final int socketType;

        Method(String wireName, int socketType) {
            this.wireName = wireName;
            this.socketType = socketType;
        }

        public String wireName() {
            return wireName;
        }
    }

    /** What {@link #receive} found. */
    public sealed interface Event permits EchoReply, ErrorReport {
    }

    /** An echo reply to one of this socket's requests, with its sender. */
    public record EchoReply(InetAddress from, IcmpEcho.Reply reply) implements Event {
    }

    /** An error from the error queue (e.g. unreachable, time exceeded) about the request {@code sequence} (-1 unknown). */
    public record ErrorReport(ExtendedError error, int sequence) implements Event {
    }

    private static final int CONTROL_BYTES = 512;

    private final NativeSocket socket;
    private final Method method;
    private final boolean ipv6;
    private final int identifier;

    private IcmpSocket(NativeSocket socket, Method method, boolean ipv6, int identifier) {
        this.socket = socket;
        this.method = method;
        this.ipv6 = ipv6;
        this.identifier = identifier;
    }

    /**
     * Opens a socket of {@code family} ({@code INET} or {@code INET6}), trying the datagram kind first when
     * {@code preferDatagram}, else raw first, then the other.
     *
     * @throws NativeException of the first attempt when neither kind can be opened ({@link
     *     NativeException#isPermissionDenied()} when the process may open neither)
     */
    public static IcmpSocket open(StandardProtocolFamily family, boolean preferDatagram) throws NativeException {
        List<Method> order = preferDatagram ? List.of(Method.DATAGRAM, Method.RAW) : List.of(Method.RAW, Method.DATAGRAM);
        NativeException first = null;
        for (Method method : order) {
            try {
                return open(family, method);
            } catch (NativeException e) {
                first = first == null ? e : first;
            }
        }
        throw first;
    }

    /** Opens a socket of exactly this {@code method}. */
    public static IcmpSocket open(StandardProtocolFamily family, Method method) throws NativeException {
        boolean v6 = family == StandardProtocolFamily.INET6;
        if (!v6 && family != StandardProtocolFamily.INET) {
            throw new IllegalArgumentException("ICMP needs INET or INET6, got " + family);
        }
        NativeSocket s = NativeSocket.open(v6 ? LinuxNet.AF_INET6 : LinuxNet.AF_INET, method.socketType,
                v6 ? LinuxNet.IPPROTO_ICMPV6 : LinuxNet.IPPROTO_ICMP);
        try {
            if (v6) {
                s.setInt(LinuxNet.IPPROTO_IPV6, LinuxNet.IPV6_RECVERR, 1);
                s.setInt(LinuxNet.IPPROTO_IPV6, LinuxNet.IPV6_RECVHOPLIMIT, 1);
            } else {
                s.setInt(LinuxNet.IPPROTO_IP, LinuxNet.IP_RECVERR, 1);
                s.setInt(LinuxNet.IPPROTO_IP, LinuxNet.IP_RECVTTL, 1);
            }
            int identifier;
            if (method == Method.DATAGRAM) {
                // Binding to port 0 makes the kernel pick the echo identifier (the "port" of a ping socket), which it
                // writes into every request it sends and uses to route replies back to this socket.
                s.bind(new InetSocketAddress(v6 ? InetAddress.getByName("::") : InetAddress.getByName("0.0.0.0"), 0));
                identifier = s.localAddress().getPort();
            } else {
                identifier = ThreadLocalRandom.current().nextInt(1, 0x10000);
            }
            IcmpSocket socket = new IcmpSocket(s, method, v6, identifier);
            socket.warmUp();
            return socket;
        } catch (NativeException | java.net.UnknownHostException | RuntimeException e) {
            s.close();
            if (e instanceof NativeException n) {
                throw n;
            }
            throw new IllegalStateException(e);
        }
    }

    public Method method() {
        return method;
    }

    public boolean ipv6() {
        return ipv6;
    }

    /** The echo identifier of this socket's requests (RFC 792). */
    public int identifier() {
        return identifier;
    }

    /** The unicast TTL / hop limit of outgoing requests ({@code IP_TTL}, {@code IPV6_UNICAST_HOPS}). */
    public void setTtl(int ttl) throws NativeException {
        if (ipv6) {
            socket.setInt(LinuxNet.IPPROTO_IPV6, LinuxNet.IPV6_UNICAST_HOPS, ttl);
        } else {
            socket.setInt(LinuxNet.IPPROTO_IP, LinuxNet.IP_TTL, ttl);
        }
    }

    /**
     * Path-MTU discovery mode: {@code IP_PMTUDISC_DONT} (0, may fragment), {@code _DO} (2, DF set, honour the path MTU
     * and fail with EMSGSIZE above it) or {@code _PROBE} (3, DF set, ignore the cached path MTU); ip(7), ipv6(7).
     */
    public void setMtuDiscover(int mode) throws NativeException {
        if (ipv6) {
            socket.setInt(LinuxNet.IPPROTO_IPV6, LinuxNet.IPV6_MTU_DISCOVER, mode);
        } else {
            socket.setInt(LinuxNet.IPPROTO_IP, LinuxNet.IP_MTU_DISCOVER, mode);
        }
    }

    /** Sends echo request {@code sequence} (16 bits) with {@code data} to {@code to}. */
    public void send(InetAddress to, int sequence, byte[] data) throws NativeException {
        byte[] packet = IcmpEcho.request(ipv6, identifier, sequence & 0xFFFF, data, method == Method.RAW && !ipv6);
        socket.sendTo(packet, new InetSocketAddress(to, 0), 0);
    }

    /**
     * Runs the send and receive paths once without sending anything: the first downcall through each FFM handle,
     * and the first use of the packet and address code, cost milliseconds (linking, lambda forms, class loading);
     * paying that here keeps it out of the first measured round trip (which came out 10-40 ms on loopback before).
     * The send goes to descriptor -1, so the kernel refuses it with EBADF and no packet exists.
     */
    private void warmUp() throws NativeException {
        byte[] packet = IcmpEcho.request(ipv6, identifier, 0, new byte[8], method == Method.RAW && !ipv6);
        try (Arena arena = Arena.ofConfined()) {
            Libc.sendto(-1, arena.allocateFrom(ValueLayout.JAVA_BYTE, packet), 0,
                    SockAddr.encode(new InetSocketAddress(ipv6 ? InetAddress.getLoopbackAddress() : InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0), arena));
        } catch (NativeException expected) {
            // EBADF: the point was the call path, not the call
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException("a literal address cannot fail to parse", e);
        }
        IcmpEcho.parseReply(packet, packet.length, ipv6, false);
        socket.poll(LinuxNet.POLLIN, Duration.ZERO);
        socket.receive(64, CONTROL_BYTES, LinuxNet.MSG_DONTWAIT);
        socket.receive(64, CONTROL_BYTES, LinuxNet.MSG_ERRQUEUE | LinuxNet.MSG_DONTWAIT);
    }

    /**
     * Waits up to {@code timeout} for an echo reply carrying this socket's identifier or an error-queue report;
     * null on timeout. Other ICMP messages (a raw socket sees them all, our own requests on loopback included) are
     * skipped.
     */
    public Event receive(Duration timeout, int maxBytes) throws NativeException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            int revents = socket.poll(LinuxNet.POLLIN, Duration.ofNanos(Math.max(0, left)));
            if ((revents & LinuxNet.POLLERR) != 0) {
                Datagram d = socket.receive(maxBytes, CONTROL_BYTES, LinuxNet.MSG_ERRQUEUE | LinuxNet.MSG_DONTWAIT);
                ExtendedError error = d == null ? null : d.extendedError();
                // A raw socket's error queue also gets errors about other raw ICMP sockets' requests (raw(7)): keep
                // only those quoting this socket's identifier. A datagram socket only ever gets its own.
                boolean ours = method != Method.RAW || d == null
                        || IcmpEcho.quotedRequestIdentifier(d.data(), ipv6) == identifier;
                if (error != null && ours) {
                    return new ErrorReport(error, IcmpEcho.quotedRequestSequence(d.data(), ipv6));
                }
            } else if ((revents & LinuxNet.POLLIN) != 0) {
                Datagram d = socket.receive(maxBytes, CONTROL_BYTES, LinuxNet.MSG_DONTWAIT);
                EchoReply reply = d == null ? null : match(d);
                if (reply != null) {
                    return reply;
                }
            } else if (left <= 0) {
                return null;
            }
        }
    }

    private EchoReply match(Datagram d) {
        boolean ipHeader = method == Method.RAW && !ipv6;
        IcmpEcho.Reply r = IcmpEcho.parseReply(d.data(), d.data().length, ipv6, ipHeader);
        if (r == null || r.identifier() != identifier) {
            return null;
        }
        ControlMessage ttl = ipv6 ? d.control(LinuxNet.IPPROTO_IPV6, LinuxNet.IPV6_HOPLIMIT)
                : d.control(LinuxNet.IPPROTO_IP, LinuxNet.IP_TTL);
        if (ttl != null) {
            r = new IcmpEcho.Reply(r.identifier(), r.sequence(), r.dataBytes(), ttl.intValue());
        }
        return new EchoReply(d.from() == null ? null : d.from().getAddress(), r);
    }

    @Override
    public void close() throws NativeException {
        socket.close();
    }
}
