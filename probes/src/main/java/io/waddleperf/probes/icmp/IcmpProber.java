package io.waddleperf.probes.icmp;

import io.waddleperf.core.result.ErrorKind;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.spec.IcmpSpec;
import io.waddleperf.probes.ProbeContext;
import io.waddleperf.probes.ProbeException;
import io.waddleperf.probes.Prober;
import io.waddleperf.net.AddressText;
import io.waddleperf.net.Errno;
import io.waddleperf.net.IcmpSocket;
import io.waddleperf.net.LinuxNet;
import io.waddleperf.net.NativeException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * The {@code icmp} prober: {@code count} echo requests to the target's address, RTT statistics, loss and
 * duplicates by sequence, and the TTL / hop limit of the replies ({@code raw_results.reply_ttl}). Socket method chosen
 * at run time: ICMP datagram socket, else raw socket ({@code raw_results.method} {@code icmp_datagram} /
 * {@code icmp_raw}); only when neither may be opened, the system {@code ping} ({@code system_ping}).
 *
 * <p>Some replies missing is a success with the loss in {@code packet_loss_percent}; no reply at all is a failed
 * result ({@code no_reply}, or the ICMP error that came instead) with the counters filled. The socket loop runs on a
 * platform thread of its own: its {@code poll} blocks an OS thread, which must not be a virtual thread's carrier.
 */
public final class IcmpProber implements Prober<IcmpSpec> {

    /** Opens the ICMP socket for one run; the seam that lets tests open it inside a network namespace. */
    @FunctionalInterface
    public interface SocketOpener {
        IcmpSocket open(StandardProtocolFamily family) throws Exception;
    }

    public static final IcmpProber INSTANCE = new IcmpProber(family -> IcmpSocket.open(family, true), SystemPing.onPath());

    private final SocketOpener opener;
    private final SystemPing systemPing;

    IcmpProber(SocketOpener opener, SystemPing systemPing) {
        this.opener = opener;
        this.systemPing = systemPing;
    }

    /** A prober that opens its sockets with {@code opener} and falls back to the system ping found on PATH. */
    public static IcmpProber withOpener(SocketOpener opener) {
        return new IcmpProber(opener, SystemPing.onPath());
    }

    @Override
    public void probe(IcmpSpec spec, ProbeContext context, ProbeResult.Builder result) throws Exception {
        InetAddress address = InetAddress.getByName(spec.endpoint().host());
        boolean ipv6 = address instanceof Inet6Address;
        result.targetIp(AddressText.of(address));
        result.raw("ip_version", ipv6 ? 6 : 4);
        result.raw("payload_bytes", spec.sizeBytes());
        if (spec.ttl() != null) {
            result.raw("ttl", spec.ttl());
        }
        result.raw("dont_fragment", spec.dontFragment());
        EchoTally tally = new EchoTally(spec.count());
        IcmpSocket socket;
        try {
            socket = opener.open(ipv6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        } catch (NativeException e) {
            fallBack(spec, address, tally, result, e);
            return;
        }
        try (socket) {
            result.raw("method", socket.method().wireName());
            result.raw("icmp_id", socket.identifier());
            if (spec.ttl() != null) {
                socket.setTtl(spec.ttl());
            }
            if (spec.dontFragment()) {
                socket.setMtuDiscover(ipv6 ? LinuxNet.IPV6_PMTUDISC_DO : LinuxNet.IP_PMTUDISC_DO);
            }
            runOnPlatformThread(new EchoSession(spec, socket, address, context.clock(), tally));
        } finally {
            tally.report(result);
        }
        tally.judge(spec.timeout().toMillis());
    }

    private void fallBack(IcmpSpec spec, InetAddress address, EchoTally tally, ProbeResult.Builder result, NativeException e)
            throws Exception {
        boolean mayFallBack = e.isPermissionDenied() || e.errno() == Errno.EPROTONOSUPPORT || e.errno() == Errno.ESOCKTNOSUPPORT;
        if (!mayFallBack) {
            throw e;
        }
        if (systemPing == null) {
            throw new ProbeException(ErrorKind.PERMISSION_DENIED, "may open neither an ICMP datagram socket (net.ipv4."
                    + "ping_group_range) nor a raw socket (CAP_NET_RAW), and no system ping is installed: " + e.getMessage());
        }
        result.raw("method", "system_ping");
        result.raw("native_error", e.getMessage());
        try {
            systemPing.run(spec, address, tally);
        } finally {
            tally.report(result);
        }
        tally.judge(spec.timeout().toMillis());
    }

    private static void runOnPlatformThread(EchoSession session) throws Exception {
        FutureTask<Void> task = new FutureTask<>(() -> {
            session.run();
            return null;
        });
        Thread thread = Thread.ofPlatform().name("icmp-echo").daemon().start(task);
        try {
            task.get();
        } catch (InterruptedException e) {
            session.stop();
            thread.join();
            throw e;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }
}
