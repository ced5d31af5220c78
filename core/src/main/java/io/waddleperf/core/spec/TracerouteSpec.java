package io.waddleperf.core.spec;

import io.waddleperf.core.result.TestType;
import java.time.Duration;
import java.util.Set;

/**
 * A traceroute ({@code traceroute}, docs/RESULTS.md): probes with TTL / hop limit 1, 2, … toward {@code endpoint} until the
 * destination answers or {@code maxHops} is reached, {@code probesPerHop} probes per hop, each awaited at most
 * {@code probeWait}. {@code proto} is how the probes travel: {@code icmp} (echo requests, the default), {@code udp}
 * (datagrams to high ports, classic 33434 + n, or to the given port) or {@code tcp} (SYN to the port, default 80).
 * {@code resolve} asks for reverse DNS names of the hops.
 */
public record TracerouteSpec(String target, Endpoint endpoint, String proto, int maxHops, int probesPerHop,
                             Duration probeWait, boolean resolve) implements ProbeSpec {

    public static final Set<String> PROTOS = Set.of("icmp", "udp", "tcp");
    public static final int DEFAULT_MAX_HOPS = 30;
    public static final int DEFAULT_PROBES_PER_HOP = 3;
    public static final Duration DEFAULT_WAIT = Duration.ofSeconds(2);
    /** First destination port of classic UDP traceroute (Van Jacobson's traceroute, 32768 + 666). */
    public static final int UDP_BASE_PORT = 33434;
    public static final int DEFAULT_TCP_PORT = 80;
    /** The trace parameters that are not common probe options. */
    static final Set<String> PATH_PARAMS = Set.of("proto", "port", "max_hops", "resolve");

    public static TracerouteSpec of(String target, String host, Integer port, ProbeOptions o) {
        Params p = Params.of(o, "traceroute", PATH_PARAMS);
        return path(target, host, port, p.oneOf("proto", "icmp", PROTOS), p, o.countOr(DEFAULT_PROBES_PER_HOP),
                o.timeoutOr(DEFAULT_WAIT));
    }

    /**
     * The path part of a trace: {@code proto} decides what the port means (none for ICMP, the first port for UDP, the
     * SYN's port for TCP). Shared by {@link MtrSpec} and {@link ServiceTraceSpec}.
     */
    static TracerouteSpec path(String target, String host, Integer port, String proto, Params p, int probesPerHop,
                               Duration wait) {
        if (probesPerHop < 1 || probesPerHop > 10) {
            throw new InvalidSpecException("count", "probes per hop must be 1-10, got " + probesPerHop);
        }
        if (wait.compareTo(Duration.ofSeconds(30)) > 0) {
            throw new InvalidSpecException("timeout", "the wait for one hop's reply must be at most 30 s, got " + wait.toSeconds() + " s");
        }
        if (p.has("port")) {
            port = p.integer("port", 0, 1, 65535); // trace://host?proto=tcp&port=N
        }
        if ("icmp".equals(proto) && port != null) {
            throw new InvalidSpecException("port", "an icmp trace has no port, got " + port + " (use proto=udp or proto=tcp)");
        }
        Endpoint endpoint = switch (proto) {
            case "icmp" -> Endpoint.hostOnly(host);
            case "udp" -> new Endpoint(host, port == null ? UDP_BASE_PORT : port);
            default -> new Endpoint(host, port == null ? DEFAULT_TCP_PORT : port);
        };
        return new TracerouteSpec(target, endpoint, proto, p.integer("max_hops", DEFAULT_MAX_HOPS, 1, 255), probesPerHop,
                wait, p.bool("resolve", true));
    }

    /**
     * Whether UDP probes go to consecutive ports from {@link Endpoint#port()} (classic traceroute) rather than all
     * to one service port: true unless the user named a port.
     */
    public boolean udpPortPerProbe() {
        return "udp".equals(proto) && endpoint.port() == UDP_BASE_PORT;
    }

    /** Reverse DNS of every hop, in parallel, is bounded by this (names not found by then are left out). */
    public static Duration resolveBudget() {
        return Duration.ofSeconds(3);
    }

    @Override
    public Duration timeout() {
        return probeWait;
    }

    @Override
    public Duration budget() {
        // One hop after another, each waiting at most `wait`, then the reverse lookups.
        return probeWait.multipliedBy(maxHops).plus(resolve ? resolveBudget() : Duration.ZERO).plusSeconds(1);
    }

    @Override
    public TestType testType() {
        return TestType.TRACEROUTE;
    }

    @Override
    public String protocolDetail() {
        return proto;
    }
}
