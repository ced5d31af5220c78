package io.waddleperf.probes.trace;

import io.waddleperf.core.clock.MonotonicClock;
import io.waddleperf.core.result.ErrorKind;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.spec.MtrSpec;
import io.waddleperf.core.spec.TracerouteSpec;
import io.waddleperf.probes.ProbeContext;
import io.waddleperf.probes.ProbeException;
import io.waddleperf.probes.Prober;
import io.waddleperf.net.AddressText;
import io.waddleperf.net.SocketScope;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code mtr} prober: {@code cycles} rounds started {@code interval} apart; each round sends one probe
 * to every hop — TTL 1 … {@code maxHops} until the destination has answered, then 1 … the destination's hop — and
 * waits for the answers up to the wait (overrunning the interval if it must). The report has mtr's columns per hop
 * and, in {@code raw_results.hop_details}, a {@code loss_kind} that keeps an intermediate router's ICMP rate limiting
 * apart from loss on the path (see {@link HopTable}).
 *
 * <p>Outcome rule: success when the destination answered in at least one cycle; its loss is
 * {@code packet_loss_percent}. Otherwise a failed result ({@code no_reply}) with the hops that did answer.
 */
public final class MtrProber implements Prober<MtrSpec> {

    public static final MtrProber INSTANCE = new MtrProber(SocketScope.HOST);

    private final SocketScope scope;

    private MtrProber(SocketScope scope) {
        this.scope = scope;
    }

    /** A prober whose sockets live in {@code scope} (tests: a lab node's namespace). */
    public static MtrProber in(SocketScope scope) {
        return new MtrProber(scope);
    }

    /** The probes of all cycles and the method that sent them. */
    private record Cycles(List<PathProbe> probes, String method) {
    }

    @Override
    public void probe(MtrSpec spec, ProbeContext context, ProbeResult.Builder result) throws Exception {
        TracerouteSpec path = spec.path();
        InetAddress address = InetAddress.getByName(path.endpoint().host());
        result.targetIp(AddressText.of(address));
        result.raw("proto", path.proto());
        result.raw("ip_version", address instanceof Inet6Address ? 6 : 4);
        result.raw("cycles", spec.cycles());
        result.raw("interval_ms", (int) spec.interval().toMillis());
        Cycles cycles = scope.call("mtr", () -> run(spec, address, context.clock()));
        result.raw("method", cycles.method());
        int lastAnswered = cycles.probes().stream().filter(PathProbe::answered).mapToInt(PathProbe::ttl).max().orElse(1);
        HopTable table = PathTracer.table(cycles.probes(), lastAnswered, path.resolve());
        PathTracer.fill(result, table);
        result.raw("hop_details", table.details());
        if (table.destinationHop() == 0) {
            throw new ProbeException(ErrorKind.NO_REPLY, "the destination answered none of " + spec.cycles() + " cycles");
        }
    }

    private static Cycles run(MtrSpec spec, InetAddress address, MonotonicClock clock) throws Exception {
        TracerouteSpec path = spec.path();
        List<PathProbe> probes = new ArrayList<>();
        int serial = 0;
        int destination = 0;
        long start = clock.nanos();
        try (PathTransport transport = PathTransport.open(path.proto(), address, path.endpoint().port(),
                path.udpPortPerProbe(), clock)) {
            for (int cycle = 0; cycle < spec.cycles(); cycle++) {
                sleepUntil(clock, start + cycle * spec.interval().toNanos());
                int limit = destination > 0 ? destination : path.maxHops();
                List<PathProbe> round = new ArrayList<>();
                for (int ttl = 1; ttl <= limit; ttl++) {
                    PathProbe p = new PathProbe(ttl, serial++);
                    transport.send(p);
                    round.add(p);
                }
                probes.addAll(round);
                transport.collect(round, clock.nanos() + path.probeWait().toNanos());
                for (PathProbe p : round) {
                    if (p.answered() && p.reply().kind() == PathReply.Kind.REACHED) {
                        destination = destination == 0 ? p.ttl() : Math.min(destination, p.ttl());
                    }
                }
            }
            return new Cycles(probes, transport.method());
        }
    }

    private static void sleepUntil(MonotonicClock clock, long nanos) throws InterruptedException {
        long left = nanos - clock.nanos();
        if (left > 0) {
            Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
        }
    }
}
