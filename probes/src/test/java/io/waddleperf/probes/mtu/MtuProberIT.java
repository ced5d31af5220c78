package io.waddleperf.probes.mtu;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.Source;
import io.waddleperf.core.result.TestType;
import io.waddleperf.core.spec.MtuSpec;
import io.waddleperf.core.spec.ProbeOptions;
import io.waddleperf.core.spec.TargetParser;
import io.waddleperf.probes.ProbeContext;
import io.waddleperf.probes.ProbeRunner;
import io.waddleperf.probes.Prober;
import io.waddleperf.net.IcmpSocket;
import io.waddleperf.net.NetNamespace;
import io.waddleperf.testkit.lab.ThrowawayNamespace;
import io.waddleperf.testkit.ResultSchema;
import io.waddleperf.testkit.lab.ExecResult;
import io.waddleperf.testkit.lab.Lab;
import io.waddleperf.testkit.lab.LabExtension;
import io.waddleperf.testkit.lab.LabNode;
import io.waddleperf.testkit.lab.LinkConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The mtu probe against the lab's ground truth (client – r1 – r2 – r3 – server, MTU 1400 on r2–r3): the exact path
 * MTU over IPv4 and IPv6 with frag-needed honoured, a black hole when r2 suppresses it, agreement with
 * {@code tracepath}, and loopback on the host (raw socket) and in a namespace (datagram socket).
 */
class MtuProberIT {

    private static final ProbeContext CONTEXT = ProbeContext.of(Source.CLI);

    @RegisterExtension
    static final LabExtension LAB = LabExtension.of(Lab.builder().routers(3).link(2, LinkConfig.DEFAULT.withMtu(1400)));

    private static MtuSpec spec(String target) {
        return (MtuSpec) TargetParser.parse(target, new ProbeOptions(null, null, Duration.ofMillis(300), null, Map.of()));
    }

    /** Runs the whole prober inside {@code node}'s namespace: its socket, route and interface are the node's. */
    static <S extends io.waddleperf.core.spec.ProbeSpec> ProbeResult runIn(LabNode node, S spec, Prober<S> prober) {
        Prober<S> inNode = (s, context, result) -> node.run(() -> {
            prober.probe(s, context, result);
            return null;
        });
        return ResultSchema.assertValid(ProbeRunner.runWith(spec, inNode, CONTEXT));
    }

    @Test
    void finds_the_1400_byte_link_exactly_and_names_the_router_that_said_so() {
        Lab lab = LAB.lab();
        String server = lab.server().addressV4().getHostAddress();

        ProbeResult r = runIn(lab.client(), spec("mtu://" + server), MtuProber.INSTANCE);

        System.out.println("[mtu] frag-needed honoured: injected " + lab.pathMtuBytes() + ", measured " + r.pathMtuBytes()
                + ", probes " + r.rawResults().get("probes"));
        assertThat(r.success()).as("error %s", r.error()).isTrue();
        assertThat(r.testType()).isEqualTo(TestType.MTU);
        assertThat(r.pathMtuBytes()).isEqualTo(lab.pathMtuBytes()).isEqualTo(1400);
        assertThat(r.rawResults().get("method")).isIn("icmp_datagram", "icmp_raw");
        assertThat(r.rawResults())
                .containsEntry("black_hole", false)
                .containsEntry("limited_by", "frag_needed")
                .containsEntry("frag_needed_from", lab.router(2).addressV4().getHostAddress())
                .containsEntry("next_hop_mtu_bytes", 1400)
                .containsEntry("local_interface_mtu_bytes", 1500)
                .containsEntry("max_bytes", 1500)
                .containsEntry("min_bytes", 576);
        assertThat((List<?>) r.rawResults().get("probes")).hasSize(3);
    }

    @Test
    void finds_the_1400_byte_link_over_ipv6_by_packet_too_big() {
        Lab lab = LAB.lab();
        ProbeResult r = runIn(lab.client(), spec("mtu://[" + lab.server().addressV6().getHostAddress() + "]"),
                MtuProber.INSTANCE);

        assertThat(r.success()).as("error %s", r.error()).isTrue();
        assertThat(r.pathMtuBytes()).isEqualTo(1400);
        assertThat(r.rawResults()).containsEntry("ip_version", 6).containsEntry("limited_by", "frag_needed")
                .containsEntry("next_hop_mtu_bytes", 1400);
        // IPv6's floor: every IPv6 link carries 1280 bytes (RFC 8200), so the search starts there, not at IPv4's 576
        assertThat(r.rawResults()).containsEntry("min_bytes", 1280);
        assertThat(((List<?>) r.rawResults().get("probes")).getFirst()).asString().contains("size_bytes=1280");
    }

    @Test
    void agrees_with_tracepath() {
        Lab lab = LAB.lab();
        String server = lab.server().addressV4().getHostAddress();
        ExecResult trace = lab.client().exec("tracepath", "-n", server);
        Matcher pmtu = Pattern.compile("pmtu (\\d+)").matcher(trace.output());
        assertThat(pmtu.find()).as(trace.toString()).isTrue();

        ProbeResult r = runIn(lab.client(), spec("mtu://" + server), MtuProber.INSTANCE);

        System.out.println("[mtu] tracepath pmtu " + pmtu.group(1) + ", ours " + r.pathMtuBytes());
        assertThat(r.pathMtuBytes()).isEqualTo(Integer.parseInt(pmtu.group(1)));
    }

    @Test
    void reports_a_black_hole_when_the_router_suppresses_frag_needed() {
        try (Lab lab = Lab.builder().routers(3).link(2, LinkConfig.DEFAULT.withMtu(1400)).suppressFragNeeded(2)
                .ipv6(false).build()) {
            ProbeResult r = runIn(lab.client(), spec("mtu://" + lab.server().addressV4().getHostAddress()),
                    MtuProber.INSTANCE);

            System.out.println("[mtu] black hole: injected 1400, measured " + r.pathMtuBytes() + ", error " + r.error()
                    + ", echo requests " + r.rawResults().get("probes_sent"));
            assertThat(r.success()).isFalse();
            assertThat(r.error()).isEqualTo("packet_loss: pmtu black hole above 1400 bytes (1401-byte packets vanish "
                    + "without an ICMP fragmentation-needed message)");
            assertThat(r.pathMtuBytes()).isEqualTo(1400);
            assertThat(r.rawResults()).containsEntry("black_hole", true).containsEntry("largest_ok_bytes", 1400)
                    .containsEntry("smallest_vanished_bytes", 1401).containsEntry("limited_by", "vanished")
                    .doesNotContainKey("frag_needed_from");
        }
    }

    @Test
    void loopback_over_a_raw_socket_reaches_the_top_of_the_range() {
        ThrowawayNamespace.assumeRoot("raw ICMP sockets need CAP_NET_RAW");
        MtuProber prober = MtuProber.withOpener(family -> IcmpSocket.open(family, IcmpSocket.Method.RAW));
        ProbeResult r = ResultSchema.assertValid(ProbeRunner.runWith(spec("mtu://127.0.0.1"), prober, CONTEXT));

        assertThat(r.success()).as("error %s", r.error()).isTrue();
        assertThat(r.pathMtuBytes()).isEqualTo(9000);
        assertThat(r.rawResults()).containsEntry("method", "icmp_raw").containsEntry("limited_by", "range_max")
                .containsEntry("local_interface", "lo").containsEntry("black_hole", false);
    }

    @Test
    void loopback_in_a_namespace_over_a_datagram_socket_is_limited_by_the_interface() throws Exception {
        try (ThrowawayNamespace ns = ThrowawayNamespace.create()) {
            ns.exec("ip", "link", "set", "lo", "mtu", "4000");
            MtuProber prober = MtuProber.withOpener(family -> IcmpSocket.open(family, IcmpSocket.Method.DATAGRAM));
            Prober<MtuSpec> inNamespace = (s, context, result) -> NetNamespace.call(ns.file(), () -> {
                prober.probe(s, context, result);
                return null;
            });
            ProbeResult r = ResultSchema.assertValid(ProbeRunner.runWith(spec("mtu://127.0.0.1?max=6000"), inNamespace,
                    CONTEXT));

            assertThat(r.success()).as("error %s", r.error()).isTrue();
            assertThat(r.pathMtuBytes()).isEqualTo(4000);
            assertThat(r.rawResults()).containsEntry("method", "icmp_datagram").containsEntry("max_bytes", 4000)
                    .containsEntry("local_interface_mtu_bytes", 4000).containsEntry("limited_by", "range_max");
        }
    }

    @Test
    void an_address_without_a_route_is_network_unreachable() {
        Lab lab = LAB.lab();
        // The lab's namespaces have no default route: the kernel refuses a documentation address (RFC 5737) at once.
        ProbeResult r = runIn(lab.client(), (MtuSpec) TargetParser.parse("mtu://192.0.2.1",
                new ProbeOptions(1, null, Duration.ofMillis(200), null, Map.of())), MtuProber.INSTANCE);

        assertThat(r.success()).isFalse();
        assertThat(r.error()).startsWith("network_unreachable");
        assertThat(r.pathMtuBytes()).isNull();
    }
}
