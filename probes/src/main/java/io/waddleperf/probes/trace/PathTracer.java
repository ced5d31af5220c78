package io.waddleperf.probes.trace;

import io.waddleperf.core.clock.MonotonicClock;
import io.waddleperf.core.result.ErrorKind;
import io.waddleperf.core.result.Hop;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.spec.TracerouteSpec;
import io.waddleperf.core.stats.LatencyStats;
import io.waddleperf.probes.ProbeException;
import io.waddleperf.net.Errno;
import io.waddleperf.net.NativeException;
import io.waddleperf.net.SocketScope;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Runs one traceroute as traceroute(8) does: probes for several hops at once ({@value #SIMULTANEOUS_PROBES} probes,
 * i.e. {@code 16 / probesPerHop} hops, as its default {@code -N 16}), their answers awaited up to the spec's wait after
 * the last send — no longer once the path has ended and every nearer probe is answered — then the hops read in order:
 * the trace stops at the hop where the destination answers, a hop reports it unreachable ({@code !H}, {@code !N}, …),
 * {@value #MAX_SILENT_HOPS} hops in a row stay silent through more than one wait (as mtr's {@code --max-unknown}), or {@code maxHops}. Probes sent
 * past the hop it stopped at are left out. Fills {@code hops}, {@code hop_count} and {@code raw_results}
 * ({@code method}, {@code destination_reached}, {@code stopped}, {@code hop_details} with every probe).
 *
 * <p>An ICMP trace that may open neither an ICMP datagram nor a raw socket runs the system traceroute instead
 * ({@link SystemTraceroute}, method {@code system_traceroute}, the refused socket call in {@code native_error}).
 */
final class PathTracer {

    /** Silent hops in a row after which the trace stops: nothing further is likely to answer (mtr's default 5). */
    static final int MAX_SILENT_HOPS = 5;
    /** Probes in flight at once: traceroute's default ({@code -N 16}); a hop's probes always go together. */
    static final int SIMULTANEOUS_PROBES = 16;

    /** The probes of a run and why it stopped. */
    record Outcome(List<PathProbe> probes, int lastTtl, String method, String stopped) {
    }

    private final SocketScope scope;
    private final PathTransport.IcmpOpener icmpOpener;
    private final SystemTraceroute systemTraceroute;

    PathTracer(SocketScope scope) {
        this(scope, PathTransport.IcmpOpener.DEFAULT, SystemTraceroute.onPath());
    }

    /** A tracer opening ICMP sockets with {@code icmpOpener}, falling back to {@code systemTraceroute} (may be null). */
    PathTracer(SocketScope scope, PathTransport.IcmpOpener icmpOpener, SystemTraceroute systemTraceroute) {
        this.scope = scope;
        this.icmpOpener = icmpOpener;
        this.systemTraceroute = systemTraceroute;
    }

    /** Traces toward {@code address}; returns the table. Throws only when no probe could be sent at all. */
    HopTable trace(TracerouteSpec spec, InetAddress address, MonotonicClock clock, ProbeResult.Builder result) throws Exception {
        result.raw("proto", spec.proto());
        result.raw("ip_version", address instanceof Inet6Address ? 6 : 4);
        result.raw("max_hops", spec.maxHops());
        result.raw("probes_per_hop", spec.probesPerHop());
        Outcome outcome = scope.call("traceroute", () -> run(spec, address, clock, result));
        result.raw("method", outcome.method());
        HopTable table = table(outcome.probes(), outcome.lastTtl(), spec.resolve());
        fill(result, table);
        result.raw("stopped", outcome.stopped());
        result.raw("hop_details", table.details());
        return table;
    }

    private Outcome run(TracerouteSpec spec, InetAddress address, MonotonicClock clock, ProbeResult.Builder result)
            throws Exception {
        PathTransport opened;
        try {
            opened = PathTransport.open(spec.proto(), address, spec.endpoint().port(), spec.udpPortPerProbe(), clock, icmpOpener);
        } catch (NativeException e) {
            boolean mayFallBack = e.isPermissionDenied() || e.errno() == Errno.EPROTONOSUPPORT || e.errno() == Errno.ESOCKTNOSUPPORT;
            if (!mayFallBack || !"icmp".equals(spec.proto())) {
                throw e;
            }
            if (systemTraceroute == null) {
                throw new ProbeException(ErrorKind.PERMISSION_DENIED, "may open neither an ICMP datagram socket (net.ipv4."
                        + "ping_group_range) nor a raw socket (CAP_NET_RAW), and no system traceroute is installed: "
                        + e.getMessage());
            }
            result.raw("native_error", e.getMessage());
            return systemTraceroute.run(spec, address);
        }
        List<PathProbe> probes = new ArrayList<>();
        int serial = 0;
        int silent = 0;
        int lastTtl = 0;
        String stopped = "max_hops";
        int hopsPerBatch = Math.max(1, SIMULTANEOUS_PROBES / spec.probesPerHop());
        int silentSinceBatch = 0;
        int batchNumber = 0;
        try (PathTransport transport = opened) {
            batches:
            for (int first = 1; first <= spec.maxHops(); first += hopsPerBatch) {
                int last = Math.min(spec.maxHops(), first + hopsPerBatch - 1);
                batchNumber++;
                List<PathProbe> batch = new ArrayList<>();
                for (int ttl = first; ttl <= last; ttl++) {
                    for (int q = 0; q < spec.probesPerHop(); q++) {
                        PathProbe p = new PathProbe(ttl, serial++);
                        transport.send(p);
                        batch.add(p);
                    }
                }
                transport.collect(batch, clock.nanos() + spec.probeWait().toNanos());
                for (int ttl = first; ttl <= last; ttl++) {
                    int t = ttl;
                    List<PathProbe> hop = batch.stream().filter(p -> p.ttl() == t).toList();
                    probes.addAll(hop);
                    lastTtl = ttl;
                    if (hop.stream().anyMatch(p -> kind(p) == PathReply.Kind.REACHED)) {
                        stopped = "destination";
                        break batches;
                    }
                    if (hop.stream().anyMatch(p -> kind(p) == PathReply.Kind.UNREACHABLE)) {
                        stopped = "unreachable";
                        break batches;
                    }
                    if (hop.stream().anyMatch(PathProbe::answered)) {
                        silent = 0;
                    } else if (silent++ == 0) {
                        silentSinceBatch = batchNumber;
                    }
                    // Silence must outlast one wait: a router whose ICMP errors are rate-limited (Linux sends route
                    // errors from a bucket of five refilled once a second) is silent to a burst of probes and answers
                    // the next batch, as it answered the next hop when hops were probed one wait apart.
                    if (silent >= MAX_SILENT_HOPS && silentSinceBatch < batchNumber) {
                        stopped = "silent_hops";
                        break batches;
                    }
                }
            }
            return new Outcome(probes, lastTtl, transport.method(), stopped);
        }
    }

    private static PathReply.Kind kind(PathProbe p) {
        return p.answered() ? p.reply().kind() : null;
    }

    /** The table of {@code probes}, with reverse names when {@code resolve}. */
    static HopTable table(List<PathProbe> probes, int lastTtl, boolean resolve) throws InterruptedException {
        Map<InetAddress, String> names = Map.of();
        if (resolve) {
            List<InetAddress> addresses = probes.stream().filter(PathProbe::answered).map(p -> p.reply().from())
                    .filter(Objects::nonNull).distinct().toList();
            names = ReverseNames.lookup(addresses, TracerouteSpec.resolveBudget());
        }
        return HopTable.of(probes, lastTtl, names);
    }

    /** Puts the table's hops, the hop count and the destination's figures into {@code result}. */
    static void fill(ProbeResult.Builder result, HopTable table) {
        result.hops(table.hops());
        boolean reached = table.destinationHop() > 0;
        result.raw("destination_reached", reached);
        if (!reached) {
            return;
        }
        result.hopCount(table.destinationHop());
        Hop destination = table.hops().getLast();
        long received = Math.round(destination.sent() * (100.0 - destination.lossPercent()) / 100.0);
        // The hop's stddev column divides by n - 1 as mtr's StDev does; the result's stddev_latency_ms is the population
        // figure every other probe reports (docs/RESULTS.md), so it is computed from the samples, not copied.
        result.latencyMs(destination.avgMs()).minLatencyMs(destination.bestMs()).maxLatencyMs(destination.worstMs())
                .stddevLatencyMs(LatencyStats.of(table.destinationRttsMs()).roundedToMicroseconds().stddevMs())
                .packetsSent((long) destination.sent()).packetsReceived(received)
                .packetLossPercent(destination.lossPercent());
    }

    /** Fails the probe when the destination never answered, naming the last thing seen. */
    static void requireReached(HopTable table, int maxHops, String stopped) throws ProbeException {
        if (table.destinationHop() > 0) {
            return;
        }
        String note = table.unreachableNote();
        if (note != null) {
            Hop last = table.hops().getLast();
            ErrorKind kind = "!N".equals(note) ? ErrorKind.NETWORK_UNREACHABLE : ErrorKind.HOST_UNREACHABLE;
            throw new ProbeException(kind, note + " from " + (last.ip() == null ? "the local host" : last.ip()) + " at hop " + last.hop());
        }
        throw new ProbeException(ErrorKind.NO_REPLY, "destination not reached"
                + ("silent_hops".equals(stopped) ? " (" + MAX_SILENT_HOPS + " silent hops in a row)" : " within " + maxHops + " hops"));
    }
}
