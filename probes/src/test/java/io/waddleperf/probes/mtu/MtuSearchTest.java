package io.waddleperf.probes.mtu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waddleperf.core.result.ErrorKind;
import io.waddleperf.probes.ProbeException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The search logic against a modelled path: an interface MTU, one bottleneck router, with or without ICMP. */
class MtuSearchTest {

    private static final InetAddress ROUTER = InetAddress.ofLiteral("10.0.2.1");

    /** A path whose first hop has {@code interfaceMtu}, then a router forwarding at most {@code bottleneck}. */
    private record ModelPath(int interfaceMtu, int bottleneck, boolean sendsFragNeeded, List<Integer> sizes)
            implements MtuSearch.SizeTester {

        ModelPath(int interfaceMtu, int bottleneck, boolean sendsFragNeeded) {
            this(interfaceMtu, bottleneck, sendsFragNeeded, new ArrayList<>());
        }

        @Override
        public MtuSearch.Trial test(int size) {
            sizes.add(size);
            if (size > interfaceMtu) {
                return new MtuSearch.Trial(size, new SizeOutcome.TooBigLocally(interfaceMtu), 1);
            }
            if (size > bottleneck) {
                return sendsFragNeeded
                        ? new MtuSearch.Trial(size, new SizeOutcome.FragNeeded(bottleneck, ROUTER), 1)
                        : new MtuSearch.Trial(size, new SizeOutcome.Vanished(), 3);
            }
            return new MtuSearch.Trial(size, new SizeOutcome.Reply(0.5), 1);
        }
    }

    @Test
    void frag_needed_jumps_straight_to_the_next_hop_mtu() throws Exception {
        ModelPath path = new ModelPath(1500, 1400, true);
        MtuSearch.Outcome o = MtuSearch.run(576, 1500, path);
        assertThat(o.pathMtuBytes()).isEqualTo(1400);
        assertThat(o.smallestFailedBytes()).isEqualTo(1401);
        assertThat(o.limit()).isEqualTo(MtuSearch.Limit.FRAG_NEEDED);
        assertThat(o.blackHole()).isFalse();
        assertThat(o.fragNeeded().from()).isEqualTo(ROUTER);
        assertThat(path.sizes()).containsExactly(576, 1500, 1400);
        assertThat(o.echoRequests()).isEqualTo(3);
    }

    @Test
    void silent_drops_above_the_bottleneck_are_a_black_hole_found_by_binary_search() throws Exception {
        ModelPath path = new ModelPath(1500, 1400, false);
        MtuSearch.Outcome o = MtuSearch.run(576, 1500, path);
        assertThat(o.pathMtuBytes()).isEqualTo(1400);
        assertThat(o.smallestFailedBytes()).isEqualTo(1401);
        assertThat(o.blackHole()).isTrue();
        assertThat(o.fragNeeded()).isNull();
        assertThat(path.sizes()).hasSizeLessThanOrEqualTo(2 + 10).contains(1400, 1401);
    }

    @Test
    void the_interface_mtu_named_by_emsgsize_bounds_the_search() throws Exception {
        ModelPath path = new ModelPath(1500, 9000, true);
        MtuSearch.Outcome o = MtuSearch.run(576, 9000, path);
        assertThat(o.pathMtuBytes()).isEqualTo(1500);
        assertThat(o.limit()).isEqualTo(MtuSearch.Limit.LOCAL_INTERFACE);
        assertThat(path.sizes()).containsExactly(576, 9000, 1500);
    }

    @Test
    void an_answered_maximum_ends_the_search_at_once() throws Exception {
        ModelPath path = new ModelPath(65536, 65536, true);
        MtuSearch.Outcome o = MtuSearch.run(576, 9000, path);
        assertThat(o.pathMtuBytes()).isEqualTo(9000);
        assertThat(o.limit()).isEqualTo(MtuSearch.Limit.RANGE_MAX);
        assertThat(path.sizes()).containsExactly(576, 9000);
    }

    @Test
    void an_unanswered_minimum_is_no_reply_and_a_smaller_path_mtu_is_named() {
        assertThatThrownBy(() -> MtuSearch.run(576, 9000, size -> new MtuSearch.Trial(size, new SizeOutcome.Vanished(), 3)))
                .isInstanceOfSatisfying(ProbeException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.NO_REPLY);
                    assertThat(e.detail()).contains("576 bytes");
                });
        assertThatThrownBy(() -> MtuSearch.run(576, 9000, new ModelPath(1500, 500, true)))
                .isInstanceOfSatisfying(ProbeException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ErrorKind.PROTOCOL_ERROR);
                    assertThat(e.detail()).contains("next-hop mtu 500").contains("10.0.2.1");
                });
    }

    @Property(tries = 300)
    void finds_every_bottleneck_exactly(@ForAll @IntRange(min = 576, max = 9000) int bottleneck,
                                        @ForAll boolean sendsFragNeeded) throws Exception {
        ModelPath path = new ModelPath(9000, bottleneck, sendsFragNeeded);
        MtuSearch.Outcome o = MtuSearch.run(576, 9000, path);
        assertThat(o.pathMtuBytes()).isEqualTo(bottleneck);
        assertThat(o.blackHole()).isEqualTo(!sendsFragNeeded && bottleneck < 9000);
        assertThat(path.sizes()).hasSizeLessThanOrEqualTo(17);
    }
}
