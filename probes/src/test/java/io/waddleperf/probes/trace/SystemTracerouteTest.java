package io.waddleperf.probes.trace;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.core.result.Hop;
import io.waddleperf.core.spec.ProbeOptions;
import io.waddleperf.core.spec.TargetParser;
import io.waddleperf.core.spec.TracerouteSpec;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reading Debian traceroute's output (traceroute 2.1, {@code -n}) into probes, and the command built from a spec. */
class SystemTracerouteTest {

    private static final String OUTPUT = """
            traceroute to 10.1.3.2 (10.1.3.2), 30 hops max, 60 byte packets
             1  10.1.0.2  0.061 ms  0.020 ms  0.018 ms
             2  * 10.1.1.2  0.043 ms  10.1.1.9  0.027 ms
             3  *  *  *
             4  10.1.3.2  0.050 ms  0.041 ms  0.033 ms
            """;

    @Test
    void reads_hops_lost_probes_and_the_destination() throws Exception {
        InetAddress target = InetAddress.getByName("10.1.3.2");
        PathTracer.Outcome o = SystemTraceroute.parse(OUTPUT, target, 30);
        assertThat(o.method()).isEqualTo("system_traceroute");
        assertThat(o.stopped()).isEqualTo("destination");
        assertThat(o.lastTtl()).isEqualTo(4);
        assertThat(o.probes()).hasSize(12);
        assertThat(o.probes()).extracting(PathProbe::serial).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);

        HopTable t = HopTable.of(o.probes(), o.lastTtl(), Map.of());
        assertThat(t.destinationHop()).isEqualTo(4);
        assertThat(t.hops()).extracting(Hop::ip).containsExactly("10.1.0.2", "10.1.1.2", null, "10.1.3.2");
        assertThat(t.hops()).extracting(Hop::lossPercent).containsExactly(0.0, 33.333, 100.0, 0.0);
        assertThat(t.hops().getFirst().lastMs()).isEqualTo(0.018);
        assertThat(t.details().get(1)).containsEntry("ips", java.util.List.of("10.1.1.2", "10.1.1.9"));
        assertThat(o.probes().get(11).reply().kind()).isEqualTo(PathReply.Kind.REACHED);
        assertThat(o.probes().get(0).reply().kind()).isEqualTo(PathReply.Kind.TIME_EXCEEDED);
    }

    @Test
    void annotations_mark_unreachables() throws Exception {
        String output = """
                traceroute to 10.9.0.9 (10.9.0.9), 30 hops max, 60 byte packets
                 1  10.1.0.2  0.061 ms !N  0.020 ms !N  *
                """;
        PathTracer.Outcome o = SystemTraceroute.parse(output, InetAddress.getByName("10.9.0.9"), 30);
        assertThat(o.stopped()).isEqualTo("unreachable");
        HopTable t = HopTable.of(o.probes(), o.lastTtl(), Map.of());
        assertThat(t.unreachableNote()).isEqualTo("!N");
        assertThat(t.destinationHop()).isZero();
        assertThat(t.hops().getFirst().lossPercent()).isEqualTo(33.333);
    }

    @Test
    void ipv6_output_and_no_hop_lines() throws Exception {
        String output = """
                traceroute to fd00::2 (fd00::2), 30 hops max, 80 byte packets
                 1  fd00::2  0.040 ms  0.012 ms  0.011 ms
                """;
        PathTracer.Outcome o = SystemTraceroute.parse(output, InetAddress.getByName("fd00::2"), 30);
        assertThat(o.stopped()).isEqualTo("destination");
        assertThat(o.probes()).allSatisfy(p -> assertThat(p.reply().kind()).isEqualTo(PathReply.Kind.REACHED));
        assertThat(SystemTraceroute.parse("socket: Operation not permitted\n", InetAddress.getByName("fd00::2"), 30).probes())
                .isEmpty();
    }

    @Test
    void builds_the_command_from_the_spec() throws Exception {
        TracerouteSpec spec = (TracerouteSpec) TargetParser.parse("trace://h?max_hops=7",
                new ProbeOptions(2, null, Duration.ofMillis(1500), null, Map.of()));
        assertThat(new SystemTraceroute("/usr/sbin/traceroute").command(spec, InetAddress.getByName("::1"))).containsExactly(
                "/usr/sbin/traceroute", "-6", "-n", "-I", "-q", "2", "-w", "1.500", "-m", "7", "::1");
    }
}
