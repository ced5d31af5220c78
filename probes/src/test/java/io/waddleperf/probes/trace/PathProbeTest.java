package io.waddleperf.probes.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When a batch of path probes is worth no more waiting, and how a probe's round trip is chosen. */
class PathProbeTest {

    private static List<PathProbe> hops(int count) {
        List<PathProbe> probes = new ArrayList<>();
        for (int ttl = 1; ttl <= count; ttl++) {
            probes.add(new PathProbe(ttl, ttl - 1));
        }
        return probes;
    }

    private static void answer(PathProbe p, PathReply.Kind kind) throws Exception {
        p.answer(new PathReply(InetAddress.getByName("10.0.0." + p.ttl()), 0.1, kind, null));
    }

    @Test
    void settled_once_the_destination_and_every_nearer_hop_answered() throws Exception {
        List<PathProbe> probes = hops(5);
        answer(probes.get(2), PathReply.Kind.REACHED);
        answer(probes.get(0), PathReply.Kind.TIME_EXCEEDED);
        assertThat(PathProbe.settled(probes)).as("hop 2 still unanswered").isFalse();
        answer(probes.get(1), PathReply.Kind.TIME_EXCEEDED);
        assertThat(PathProbe.settled(probes)).as("hops 4 and 5 only find the destination again").isTrue();
    }

    @Test
    void an_unreachable_hop_ends_the_path_too_and_time_exceeded_does_not() throws Exception {
        List<PathProbe> probes = hops(3);
        answer(probes.get(0), PathReply.Kind.TIME_EXCEEDED);
        assertThat(PathProbe.settled(probes)).isFalse();
        answer(probes.get(1), PathReply.Kind.UNREACHABLE);
        assertThat(PathProbe.settled(probes)).isTrue();
    }

    @Test
    void the_kernel_round_trip_is_taken_from_the_transmit_stamp_else_the_time_before_the_send() {
        PathProbe p = new PathProbe(1, 0);
        p.sentAt(1_000_000);
        p.sentAtRealtime(5_000_000);
        assertThat(p.kernelRttTo(-1)).isEqualTo(-1);
        assertThat(p.kernelRttTo(5_300_000)).isEqualTo(300_000);
        p.transmittedAt(5_200_000);
        assertThat(p.kernelRttTo(5_300_000)).isEqualTo(100_000);
        // Read 2 ms after the send on the monotonic clock: the kernel's 0.1 ms stands.
        assertThat(p.millisTo(3_000_000, p.kernelRttTo(5_300_000))).isEqualTo(0.1);
        assertThat(p.millisTo(3_000_000, -1)).isEqualTo(2.0);
    }
}
