package io.waddleperf.probes.trace;

import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.spec.TracerouteSpec;
import io.waddleperf.probes.ProbeContext;
import io.waddleperf.probes.Prober;
import io.waddleperf.net.AddressText;
import io.waddleperf.net.SocketScope;
import java.net.InetAddress;

/**
 * The {@code traceroute} prober: ICMP echo, UDP or TCP SYN probes with rising TTL / hop limit (see
 * {@link PathTracer}), per-hop RTTs and loss, optional reverse DNS. {@code raw_results.method}:
 * {@code icmp_datagram} / {@code icmp_raw} (ICMP socket kind chosen at run time), {@code udp_recverr},
 * {@code tcp_syn_recverr} (plain sockets reading the error queue, no privilege needed); {@code system_traceroute}
 * when an ICMP trace may open no ICMP socket at all.
 *
 * <p>Outcome rule: success when the destination answered; {@code hop_count} is then its hop number. Otherwise a
 * failed result with the hops seen so far: {@code host_unreachable} / {@code network_unreachable} when a hop said so,
 * else {@code no_reply}.
 */
public final class TracerouteProber implements Prober<TracerouteSpec> {

    public static final TracerouteProber INSTANCE = new TracerouteProber(SocketScope.HOST);

    private final PathTracer tracer;

    private TracerouteProber(SocketScope scope) {
        this(new PathTracer(scope));
    }

    TracerouteProber(PathTracer tracer) {
        this.tracer = tracer;
    }

    /** A prober whose sockets live in {@code scope} (tests: a lab node's namespace). */
    public static TracerouteProber in(SocketScope scope) {
        return new TracerouteProber(scope);
    }

    @Override
    public void probe(TracerouteSpec spec, ProbeContext context, ProbeResult.Builder result) throws Exception {
        InetAddress address = InetAddress.getByName(spec.endpoint().host());
        result.targetIp(AddressText.of(address));
        HopTable table = tracer.trace(spec, address, context.clock(), result);
        PathTracer.requireReached(table, spec.maxHops(), (String) result.rawResults().get("stopped"));
    }
}
