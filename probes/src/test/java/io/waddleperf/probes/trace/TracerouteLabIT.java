package io.waddleperf.probes.trace;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.core.result.Hop;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.Source;
import io.waddleperf.core.result.TestType;
import io.waddleperf.core.spec.ProbeOptions;
import io.waddleperf.core.spec.TargetParser;
import io.waddleperf.core.spec.TracerouteSpec;
import io.waddleperf.probes.ProbeContext;
import io.waddleperf.probes.ProbeRunner;
import io.waddleperf.net.AddressText;
import io.waddleperf.net.Errno;
import io.waddleperf.net.NativeException;
import io.waddleperf.net.NetNamespace;
import io.waddleperf.net.SocketScope;
import io.waddleperf.testkit.Requirements;
import io.waddleperf.testkit.ResultSchema;
import io.waddleperf.testkit.lab.ExecResult;
import io.waddleperf.testkit.lab.Lab;
import io.waddleperf.testkit.lab.LabExtension;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The traceroute probe from the lab's client over three routers to the server: every hop address exact (the lab's
 * ground truth), destination at hop 4, in ICMP, UDP and TCP modes, IPv4 and IPv6, run after run; and the same hops as
 * Debian's traceroute on the same lab.
 */
class TracerouteLabIT {

    @RegisterExtension
    static final LabExtension LAB = LabExtension.of(Lab.builder().routers(3).setup(TracerouteLabIT::noIcmpRateLimitAtTheServer));

    private static final ProbeContext CONTEXT = ProbeContext.of(Source.CLI);
    private static ServerSocket listenerV4;
    private static ServerSocket listenerV6;

    @BeforeAll
    static void startListeners() throws Exception {
        Lab lab = LAB.lab();
        listenerV4 = lab.server().run(() -> new ServerSocket(0, 50, lab.server().addressV4()));
        listenerV6 = lab.server().run(() -> new ServerSocket(0, 50, lab.server().addressV6()));
        for (ServerSocket s : List.of(listenerV4, listenerV6)) {
            Thread.ofPlatform().daemon().start(() -> {
                try {
                    while (true) {
                        s.accept().close();
                    }
                } catch (Exception e) {
                    // The test closed the listener.
                }
            });
        }
    }

    @AfterAll
    static void stopListeners() throws Exception {
        if (listenerV4 != null) {
            listenerV4.close();
            listenerV6.close();
        }
    }

    /**
     * UDP traces end with the server's ICMP port unreachable, which Linux rate-limits per peer (icmp_ratelimit, a
     * burst of 6 then 1/s): back-to-back runs would lose the last hop to that. Routers are unlimited in every lab.
     */
    static void noIcmpRateLimitAtTheServer(Lab lab) {
        ExecResult sysctl = lab.server().exec("sysctl", "-q", "-w", "net.ipv4.icmp_ratelimit=0", "net.ipv6.icmp.ratelimit=0",
                "net.ipv4.icmp_msgs_per_sec=1000000", "net.ipv4.icmp_msgs_burst=1000000");
        if (sysctl.exitCode() != 0) {
            throw new IllegalStateException(sysctl.toString());
        }
    }

    static SocketScope clientScope(Lab lab) {
        return SocketScope.namespace(NetNamespace.named(lab.client().namespace()));
    }

    static String literal(InetAddress a) {
        String text = AddressText.of(a);
        return text.contains(":") ? "[" + text + "]" : text;
    }

    static ProbeResult trace(Lab lab, String target) {
        TracerouteSpec spec = (TracerouteSpec) TargetParser.parse(target,
                new ProbeOptions(null, null, Duration.ofSeconds(1), null, Map.of("resolve", "false")));
        return ResultSchema.assertValid(ProbeRunner.runWith(spec, TracerouteProber.in(clientScope(lab)), CONTEXT));
    }

    static List<String> groundTruth(Lab lab, boolean ipv6) {
        return (ipv6 ? lab.hopsV6().stream().map(InetAddress.class::cast) : lab.hopsV4().stream().map(InetAddress.class::cast))
                .map(AddressText::of).toList();
    }

    @ParameterizedTest(name = "{0} over IPv{1}")
    @CsvSource({"icmp, 4", "udp, 4", "tcp, 4", "icmp, 6", "udp, 6", "tcp, 6"})
    void every_hop_is_exact_and_the_destination_is_hop_4(String proto, int ipVersion) {
        Lab lab = LAB.lab();
        boolean v6 = ipVersion == 6;
        InetAddress server = v6 ? lab.server().addressV6() : lab.server().addressV4();
        String port = proto.equals("tcp") ? "&port=" + (v6 ? listenerV6 : listenerV4).getLocalPort() : "";
        for (int run = 1; run <= 3; run++) {
            ProbeResult r = trace(lab, "trace://" + literal(server) + "?proto=" + proto + port);

            assertThat(r.success()).as("run %d: %s", run, r.error()).isTrue();
            assertThat(r.testType()).isEqualTo(TestType.TRACEROUTE);
            assertThat(r.hopCount()).isEqualTo(4);
            assertThat(r.hops()).extracting(Hop::ip).as("run %d", run).containsExactlyElementsOf(groundTruth(lab, v6));
            assertThat(r.hops()).extracting(Hop::hop).containsExactly(1, 2, 3, 4);
            assertThat(r.hops()).allSatisfy(h -> {
                assertThat(h.sent()).isEqualTo(3);
                assertThat(h.lossPercent()).isZero();
                assertThat(h.bestMs()).isPositive().isLessThanOrEqualTo(h.avgMs());
                assertThat(h.worstMs()).isGreaterThanOrEqualTo(h.avgMs()).isLessThan(1000.0);
                assertThat(h.stddevMs()).isNotNull();
                assertThat(h.hostname()).isNull();
            });
            assertThat(r.rawResults()).containsEntry("destination_reached", true).containsEntry("stopped", "destination")
                    .containsEntry("proto", proto).containsEntry("ip_version", ipVersion);
            assertThat(r.rawResults().get("method")).isIn(proto.equals("icmp") ? List.of("icmp_datagram", "icmp_raw")
                    : List.of(proto.equals("udp") ? "udp_recverr" : "tcp_syn_recverr"));
            assertThat(r.latencyMs()).isEqualTo(r.hops().getLast().avgMs());
        }
    }

    @Test
    void a_closed_tcp_port_answers_with_a_reset_and_counts_as_reached() throws Exception {
        Lab lab = LAB.lab();
        int closed;
        try (ServerSocket s = lab.server().run(() -> new ServerSocket(0, 1, lab.server().addressV4()))) {
            closed = s.getLocalPort();
        }
        ProbeResult r = trace(lab, "trace://" + literal(lab.server().addressV4()) + "?proto=tcp&port=" + closed);

        assertThat(r.success()).as(r.error()).isTrue();
        assertThat(r.hopCount()).isEqualTo(4);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> details = (List<Map<String, Object>>) r.rawResults().get("hop_details");
        assertThat(details.getLast()).containsEntry("port_state", "closed");
    }

    @Test
    void a_destination_without_a_route_is_a_failed_result_naming_the_router_that_said_so() {
        Lab lab = LAB.lab();
        // The routers know only the lab's links: r1 has no route to another /24 of the lab's range and answers ICMP
        // net unreachable (RFC 792 code 0). Linux rate-limits these route errors per sender with a token bucket that
        // starts empty (net.ipv4.route.error_cost, not settable per namespace), so the first probes may go unanswered
        // and the answer may come at a later TTL, still from r1: with 16 probes in flight, in the next batch.
        byte[] unrouted = lab.server().addressV4().getAddress();
        unrouted[2] = (byte) (unrouted[2] + 20);
        String absent = (unrouted[0] & 0xFF) + "." + (unrouted[1] & 0xFF) + "." + (unrouted[2] & 0xFF) + ".9";
        String r1 = lab.hopsV4().getFirst().getHostAddress();
        for (String proto : List.of("icmp", "udp")) {
            ProbeResult r = trace(lab, "trace://" + absent + "?proto=" + proto);

            assertThat(r.success()).isFalse();
            assertThat(r.error()).matches("network_unreachable: !N from " + Pattern.quote(r1) + " at hop ([1-9]|10)");
            assertThat(r.hopCount()).isNull();
            assertThat(r.rawResults()).containsEntry("destination_reached", false).containsEntry("stopped", "unreachable");
            assertThat(r.hops().getLast().ip()).isEqualTo(r1);
            assertThat(r.hops()).extracting(Hop::ip).allMatch(ip -> ip == null || ip.equals(r1));
        }
    }

    @ParameterizedTest(name = "IPv{0}")
    @CsvSource({"4", "6"})
    void without_icmp_sockets_the_system_traceroute_gives_the_same_exact_hops(int ipVersion) {
        SystemTraceroute system = SystemTraceroute.onPath();
        Requirements.require(system != null, "no system traceroute installed (apt-get install traceroute)");
        Lab lab = LAB.lab();
        boolean v6 = ipVersion == 6;
        TracerouteProber prober = new TracerouteProber(new PathTracer(clientScope(lab), family -> {
            throw new NativeException("socket", Errno.EPERM);
        }, system));
        TracerouteSpec spec = (TracerouteSpec) TargetParser.parse(
                "trace://" + literal(v6 ? lab.server().addressV6() : lab.server().addressV4()),
                new ProbeOptions(null, null, Duration.ofSeconds(1), null, Map.of("resolve", "false")));
        ProbeResult r = ResultSchema.assertValid(ProbeRunner.runWith(spec, prober, CONTEXT));

        assertThat(r.success()).as(r.error()).isTrue();
        assertThat(r.rawResults()).containsEntry("method", "system_traceroute").containsEntry("stopped", "destination")
                .containsEntry("native_error", "socket: EPERM (operation not permitted)");
        assertThat(r.hopCount()).isEqualTo(4);
        assertThat(r.hops()).extracting(Hop::ip).containsExactlyElementsOf(groundTruth(lab, v6));
        assertThat(r.hops()).allSatisfy(h -> {
            assertThat(h.sent()).isEqualTo(3);
            assertThat(h.lossPercent()).isZero();
            assertThat(h.bestMs()).isPositive();
        });
    }

    @Test
    void stock_traceroute_reports_the_same_hops() {
        Lab lab = LAB.lab();
        String server = lab.server().addressV4().getHostAddress();
        for (String[] mode : List.of(new String[] {"icmp", "-I"}, new String[] {"udp", "-U"})) {
            ExecResult stock = lab.client().exec("traceroute", "-n", "-q", "1", "-w", "2", mode[1], server);
            assertThat(stock.exitCode()).as(stock.toString()).isZero();
            List<String> stockHops = new ArrayList<>();
            Matcher hop = Pattern.compile("(?m)^\\s*\\d+\\s+(\\S+)\\s").matcher(stock.output());
            while (hop.find()) {
                stockHops.add(hop.group(1));
            }
            ProbeResult ours = trace(lab, "trace://" + server + "?proto=" + mode[0]);
            assertThat(ours.hops()).extracting(Hop::ip).as(stock.toString()).containsExactlyElementsOf(stockHops);
        }
    }
}
