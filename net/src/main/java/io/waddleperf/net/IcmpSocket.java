package io.waddleperf.net;

import java.lang.foreign.ValueLayout;
import java.lang.foreign.Arena;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A socket that sends ICMP / ICMPv6 echo requests and reads the matching replies and errors. Opens an ICMP
 * datagram socket ({@code SOCK_DGRAM}, {@code IPPROTO_ICMP[V6]}; allowed to groups in
 * {@code net.ipv4.ping_group_range}, icmp(7)) or a raw socket ({@code SOCK_RAW}, needs {@code CAP_NET_RAW}, raw(7)),
 * and says which in {@link #method()}. Error-queue reporting ({@code IP_RECVERR}/{@code IPV6_RECVERR}) and the
 * reply TTL ({@code IP_RECVTTL}/{@code IPV6_RECVHOPLIMIT}) are switched on, and so are the kernel's send and receive
 * time stamps ({@link KernelTime}), from which each reply and error carries the round trip as the kernel saw it. Use
 * from a platform thread.
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

    /**
     * An echo reply to one of this socket's requests, with its sender and {@code kernelRttNanos}: from the kernel's
     * send stamp of the request (else the time just before its {@code sendto}) to the kernel's receive stamp of the
     * reply, -1 when either is missing. Callers pass it through {@link KernelTime#roundTrip}.
     */
    public record EchoReply(InetAddress from, IcmpEcho.Reply reply, long kernelRttNanos) implements Event {
    }

    /**
     * An error from the error queue (e.g. unreachable, time exceeded) about the request {@code sequence} (-1 unknown),
     * with the round trip to it as for {@link EchoReply}.
     */
    public record ErrorReport(ExtendedError error, int sequence, long kernelRttNanos) implements Event {
    }

    private static final int CONTROL_BYTES = 512;
    /** Sends remembered for their stamps: far more than are ever in flight (a trace sends 16 at once). */
    private static final int REMEMBERED_SENDS = 1024;
    /** Recent sends a transmit stamp is matched against, newest first. */
    private static final int MATCHED_SENDS = 64;

    /** When one request was handed to {@code sendto} (realtime ns before and after the call) and the kernel's stamp. */
    private static final class Send {
        final long before;
        final long after;
        long transmitted = -1;

        Send(long before, long after) {
            this.before = before;
            this.after = after;
        }

        long start() {
            return transmitted >= 0 ? transmitted : before;
        }
    }

    private final LinkedHashMap<Integer, Send> sends = new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, Send> eldest) {
            return size() > REMEMBERED_SENDS;
        }
    };
    private boolean kernelTimes;

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
            socket.kernelTimes = KernelTime.enable(s);
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

    /** True when the kernel stamps this socket's packets ({@link KernelTime}). */
    public boolean kernelTimes() {
        return kernelTimes;
    }

    /**
     * Sends echo request {@code sequence} (16 bits) with {@code data} to {@code to}. The wall clock is read right
     * around the {@code sendto} call, after the packet is built, so the kernel's transmit stamp can be matched to it.
     */
    public void send(InetAddress to, int sequence, byte[] data) throws NativeException {
        byte[] packet = IcmpEcho.request(ipv6, identifier, sequence & 0xFFFF, data, method == Method.RAW && !ipv6);
        InetSocketAddress address = new InetSocketAddress(to, 0);
        long before = KernelTime.realtimeNanos();
        socket.sendTo(packet, address, 0);
        long after = KernelTime.realtimeNanos();
        if (kernelTimes) {
            sends.remove(sequence & 0xFFFF);
            sends.put(sequence & 0xFFFF, new Send(before, after));
        }
    }

    /**
     * Gives a transmit stamp to the send whose {@code sendto} call it fell within: the stamp is taken inside that
     * call (before the device queue), so the windows of successive calls tell the sends apart without relying on
     * the kernel's per-socket counter (which a send refused after it was counted would shift). A stamp outside
     * every window (a packet that waited for ARP first) is not used; that request keeps the time before its call.
     */
    private void transmitted(long stamp) {
        if (stamp < 0) {
            return;
        }
        Iterator<Send> newestFirst = sends.sequencedValues().reversed().iterator();
        for (int i = 0; i < MATCHED_SENDS && newestFirst.hasNext(); i++) {
            Send s = newestFirst.next();
            if (s.transmitted < 0 && s.before <= stamp && stamp <= s.after) {
                s.transmitted = stamp;
                return;
            }
        }
    }

    private long kernelRtt(int sequence, Datagram d) {
        Send s = sequence < 0 ? null : sends.get(sequence & 0xFFFF);
        long received = KernelTime.of(d);
        return s == null || received < 0 ? -1 : received - s.start();
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
        Datagram none = socket.receive(64, CONTROL_BYTES, LinuxNet.MSG_ERRQUEUE | LinuxNet.MSG_DONTWAIT);
        if (none != null) {
            KernelTime.isTransmitReport(none);
        }
        KernelTime.of(new Datagram(new byte[0], null, List.of(), 0));
        KernelTime.roundTrip(KernelTime.realtimeNanos(), -1);
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
                if (d != null && KernelTime.isTransmitReport(d)) {
                    transmitted(KernelTime.of(d));
                    continue;
                }
                ExtendedError error = d == null ? null : d.extendedError();
                // A raw socket's error queue also gets errors about other raw ICMP sockets' requests (raw(7)): keep
                // only those quoting this socket's identifier. A datagram socket only ever gets its own.
                boolean ours = method != Method.RAW || d == null
                        || IcmpEcho.quotedRequestIdentifier(d.data(), ipv6) == identifier;
                if (error != null && ours) {
                    int sequence = IcmpEcho.quotedRequestSequence(d.data(), ipv6);
                    return new ErrorReport(error, sequence, kernelRtt(sequence, d));
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
        return new EchoReply(d.from() == null ? null : d.from().getAddress(), r, kernelRtt(r.sequence(), d));
    }

    @Override
    public void close() throws NativeException {
        socket.close();
    }
}
