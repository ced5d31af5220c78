package io.waddleperf.probes.mtu;

import io.waddleperf.core.result.ErrorKind;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.spec.MtuSpec;
import io.waddleperf.probes.ProbeContext;
import io.waddleperf.probes.ProbeException;
import io.waddleperf.probes.Prober;
import io.waddleperf.net.AddressText;
import io.waddleperf.net.IcmpSocket;
import io.waddleperf.net.LinuxNet;
import io.waddleperf.net.NativeException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * The {@code mtu} prober: finds the path MTU toward the target with ICMP echo requests of chosen total
 * sizes, don't-fragment set, searching {@code min..max} capped by the outgoing interface's MTU ({@link MtuSearch}).
 * The socket is an ICMP datagram socket where {@code net.ipv4.ping_group_range} allows it, else a raw one
 * ({@code raw_results.method}); with neither the probe fails with {@code permission_denied}.
 *
 * <p>{@code path_mtu_bytes} is the largest size answered. A PMTU black hole (sizes above it vanish with no ICMP
 * fragmentation-needed message) is a failed result, {@code packet_loss: pmtu black hole above N bytes}, with
 * {@code path_mtu_bytes} and {@code raw_results.black_hole: true} still filled: the path drops packets that
 * PMTU-discovering transports will send (RFC 2923 §2.1), which is a fault to report, not a measurement detail.
 */
public final class MtuProber implements Prober<MtuSpec> {

    /** Opens the ICMP socket for one run; the seam that lets tests open it inside a network namespace. */
    @FunctionalInterface
    public interface SocketOpener {
        IcmpSocket open(StandardProtocolFamily family) throws Exception;
    }

    public static final MtuProber INSTANCE = new MtuProber(family -> IcmpSocket.open(family, true));

    private final SocketOpener opener;

    private MtuProber(SocketOpener opener) {
        this.opener = opener;
    }

    /** A prober that opens its sockets with {@code opener}. */
    public static MtuProber withOpener(SocketOpener opener) {
        return new MtuProber(opener);
    }

    @Override
    public void probe(MtuSpec spec, ProbeContext context, ProbeResult.Builder result) throws Exception {
        InetAddress address = InetAddress.getByName(spec.endpoint().host());
        boolean ipv6 = address instanceof Inet6Address;
        result.targetIp(AddressText.of(address));
        result.raw("ip_version", ipv6 ? 6 : 4);
        StandardProtocolFamily family = ipv6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
        IcmpSocket socket;
        try {
            socket = opener.open(family);
        } catch (NativeException e) {
            if (e.isPermissionDenied()) {
                throw new ProbeException(ErrorKind.PERMISSION_DENIED, "may open neither an ICMP datagram socket (net.ipv4."
                        + "ping_group_range) nor a raw socket (CAP_NET_RAW): " + e.getMessage());
            }
            throw e;
        }
        MtuSearch.Outcome outcome;
        try (socket) {
            result.raw("method", socket.method().wireName());
            socket.setMtuDiscover(ipv6 ? LinuxNet.IPV6_PMTUDISC_PROBE : LinuxNet.IP_PMTUDISC_PROBE);
            // poll(2) blocks an OS thread, so the search gets a platform thread; it shares this thread's network
            // namespace (a new thread inherits its creator's), where the route and the interface are looked up.
            outcome = onPlatformThread(() -> {
                LocalInterface local = LocalInterface.toward(address, family);
                int max = local == null ? spec.maxBytes() : Math.min(spec.maxBytes(), local.mtuBytes());
                int min = Math.min(spec.minBytesFor(ipv6), max);
                synchronized (result) {
                    if (local != null) {
                        result.raw("local_interface", local.name());
                        result.raw("local_interface_mtu_bytes", local.mtuBytes());
                    }
                    result.raw("min_bytes", min).raw("max_bytes", max);
                }
                EchoSizeTester tester = new EchoSizeTester(socket, address, spec.attempts(), spec.timeout());
                List<MtuSearch.Trial> tried = new ArrayList<>();
                try {
                    return MtuSearch.run(min, max, size -> {
                        MtuSearch.Trial t = tester.test(size);
                        tried.add(t);
                        return t;
                    });
                } finally {
                    synchronized (result) {
                        report(tried, result);
                    }
                }
            });
        }
        synchronized (result) {
            describe(outcome, result);
        }
        if (outcome.blackHole()) {
            throw new ProbeException(ErrorKind.PACKET_LOSS, "pmtu black hole above " + outcome.pathMtuBytes() + " bytes ("
                    + outcome.smallestFailedBytes() + "-byte packets vanish without an ICMP fragmentation-needed message)");
        }
    }

    /** The search's answer into the result. */
    private static void describe(MtuSearch.Outcome outcome, ProbeResult.Builder result) {
        result.pathMtuBytes(outcome.pathMtuBytes());
        result.raw("limited_by", outcome.limit().name().toLowerCase(Locale.ROOT));
        if (outcome.fragNeeded() != null) {
            InetAddress from = outcome.fragNeeded().from();
            result.raw("frag_needed_from", from == null ? null : AddressText.of(from));
            result.raw("next_hop_mtu_bytes", outcome.fragNeeded().nextHopMtu());
        }
        result.raw("black_hole", outcome.blackHole());
        if (outcome.blackHole()) {
            result.raw("largest_ok_bytes", outcome.pathMtuBytes());
            result.raw("smallest_vanished_bytes", outcome.smallestFailedBytes());
        }
    }

    /** Every size tried, as {@code raw_results.probes}, and the number of echo requests sent. */
    private static void report(List<MtuSearch.Trial> tried, ProbeResult.Builder result) {
        List<Map<String, Object>> probes = new ArrayList<>();
        int requests = 0;
        for (MtuSearch.Trial t : tried) {
            requests += t.tries();
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("size_bytes", t.sizeBytes());
            p.put("tries", t.tries());
            switch (t.outcome()) {
                case SizeOutcome.Reply r -> {
                    p.put("result", "reply");
                    p.put("rtt_ms", Math.round(r.rttMs() * 1000.0) / 1000.0);
                }
                case SizeOutcome.FragNeeded f -> {
                    p.put("result", "frag_needed");
                    p.put("next_hop_mtu_bytes", f.nextHopMtu());
                    p.put("from", f.from() == null ? null : AddressText.of(f.from()));
                }
                case SizeOutcome.TooBigLocally l -> {
                    p.put("result", "local_emsgsize");
                    p.put("mtu_bytes", l.mtu());
                }
                case SizeOutcome.Vanished v -> p.put("result", "no_reply");
                case SizeOutcome.Unreachable u -> {
                    p.put("result", "error");
                    p.put("error", u.failure().describe());
                }
            }
            probes.add(p);
        }
        result.raw("probes", probes);
        result.raw("probes_sent", requests);
    }

    /** The interface the kernel routes {@code target} through, and its MTU; null when Java cannot name it. */
    private record LocalInterface(String name, int mtuBytes) {

        static LocalInterface toward(InetAddress target, StandardProtocolFamily family) throws Exception {
            // Connecting a UDP socket sends nothing; it makes the kernel pick the route and the source address.
            try (DatagramChannel channel = DatagramChannel.open(family)) {
                channel.connect(new InetSocketAddress(target, 9));
                InetAddress source = ((InetSocketAddress) channel.getLocalAddress()).getAddress();
                NetworkInterface nic = NetworkInterface.getByInetAddress(source);
                return nic == null ? null : new LocalInterface(nic.getName(), nic.getMTU());
            }
        }
    }

    private static <T> T onPlatformThread(Callable<T> body) throws Exception {
        FutureTask<T> task = new FutureTask<>(body);
        Thread thread = Thread.ofPlatform().name("mtu-search").daemon().start(task);
        try {
            return task.get();
        } catch (InterruptedException e) {
            thread.interrupt();
            throw e;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }
}
