package io.waddleperf.probes.trace;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.core.result.Hop;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The hop table in memory: mtr's columns, the destination hop and the loss labels from made-up probe outcomes. */
class HopTableTest {

    private static InetAddress ip(int hop) {
        try {
            return InetAddress.getByAddress(new byte[] {10, 0, (byte) hop, 1});
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** Builds probes: for each hop a string of 'a' (answered) / '.' (lost); the last hop given is the destination. */
    private static List<PathProbe> probes(String... perHop) {
        List<PathProbe> probes = new ArrayList<>();
        int serial = 0;
        for (int h = 1; h <= perHop.length; h++) {
            PathReply.Kind kind = h == perHop.length ? PathReply.Kind.REACHED : PathReply.Kind.TIME_EXCEEDED;
            for (char c : perHop[h - 1].toCharArray()) {
                PathProbe p = new PathProbe(h, serial++);
                if (c == 'a') {
                    p.answer(new PathReply(ip(h), h, kind, null));
                }
                probes.add(p);
            }
        }
        return probes;
    }

    private static HopTable table(String... perHop) {
        return HopTable.of(probes(perHop), perHop.length, Map.of());
    }

    private static List<Object> kinds(HopTable t) {
        return t.details().stream().map(d -> d.get("loss_kind")).toList();
    }

    private static List<Object> pathLoss(HopTable t) {
        return t.details().stream().map(d -> d.get("path_loss_percent")).toList();
    }

    @Test
    void no_loss_anywhere_is_labelled_none() {
        HopTable t = table("aaaa", "aaaa", "aaaa");
        assertThat(kinds(t)).containsExactly("none", "none", "none");
        assertThat(t.hops()).extracting(Hop::lossPercent).containsExactly(0.0, 0.0, 0.0);
        assertThat(t.destinationHop()).isEqualTo(3);
    }

    @Test
    void loss_at_one_router_that_later_hops_do_not_have_is_rate_limiting_not_path_loss() {
        HopTable t = table("aaaa", "a.a.", "aaaa", "aaaa");
        assertThat(t.hops().get(1).lossPercent()).isEqualTo(50.0); // shown as observed, as mtr does
        assertThat(kinds(t)).containsExactly("none", "rate_limited_or_deprioritised", "none", "none");
        assertThat(pathLoss(t)).containsExactly(0.0, 0.0, 0.0, 0.0);
    }

    @Test
    void a_router_that_never_answers_in_front_of_a_lossless_destination_is_rate_limited() {
        HopTable t = table("aaaa", "....", "aaaa");
        assertThat(t.hops().get(1).ip()).isNull();
        assertThat(t.hops().get(1).lossPercent()).isEqualTo(100.0);
        assertThat(kinds(t)).containsExactly("none", "rate_limited_or_deprioritised", "none");
    }

    @Test
    void loss_that_carries_on_to_the_destination_is_path_loss() {
        HopTable t = table("aaaa", "aaaa", "a.aa", "a.aa");
        assertThat(kinds(t)).containsExactly("none", "none", "path", "path");
        assertThat(pathLoss(t)).containsExactly(0.0, 0.0, 25.0, 25.0);
    }

    @Test
    void more_loss_at_a_router_than_downstream_is_partly_path_partly_its_own() {
        HopTable t = table("aaaa", "a...", "aa.a", "aa.a");
        assertThat(kinds(t)).containsExactly("none", "path_and_rate_limited", "path", "path");
        assertThat(pathLoss(t)).containsExactly(0.0, 25.0, 25.0, 25.0);
        // The smallest later loss bounds it: the destination's 25 %, not hop 3's.
        HopTable mixed = table("aaaa", "a...", "a..a", "aa.a");
        assertThat(pathLoss(mixed)).containsExactly(0.0, 25.0, 25.0, 25.0);
        assertThat(kinds(mixed)).containsExactly("none", "path_and_rate_limited", "path_and_rate_limited", "path");
    }

    @Test
    void loss_with_no_later_hop_answering_counts_as_path_loss() {
        // Hops 1 and 2 answered, hop 3 was reached by the loop but got no probe in (the run's deadline): no
        // destination, so the table runs to the last TTL probed, and nothing after hop 2 answered to tell.
        HopTable t = HopTable.of(probes("aaaa", "a.a.", ""), 3, Map.of());
        assertThat(t.destinationHop()).isZero();
        assertThat(t.hops()).extracting(Hop::hop).containsExactly(1, 2, 3);
        assertThat(t.hops().get(2).sent()).isZero();
        assertThat(t.hops().get(2).lossPercent()).isNull();
        assertThat(kinds(t)).containsExactly("none", "path", "none");
        assertThat(pathLoss(t)).containsExactly(0.0, 50.0, 0.0);
    }

    @Test
    void columns_are_mtrs_with_the_sample_standard_deviation() {
        List<PathProbe> probes = new ArrayList<>();
        double[] rtts = {1.0, 2.0, 3.0};
        for (int i = 0; i < rtts.length; i++) {
            PathProbe p = new PathProbe(1, i);
            p.answer(new PathReply(ip(1), rtts[i], PathReply.Kind.REACHED, null));
            probes.add(p);
        }
        probes.add(new PathProbe(1, 3)); // lost
        Hop hop = HopTable.of(probes, 1, Map.of()).hops().getFirst();
        assertThat(hop.sent()).isEqualTo(4);
        assertThat(hop.lossPercent()).isEqualTo(25.0);
        assertThat(hop.lastMs()).isEqualTo(3.0);
        assertThat(hop.avgMs()).isEqualTo(2.0);
        assertThat(hop.bestMs()).isEqualTo(1.0);
        assertThat(hop.worstMs()).isEqualTo(3.0);
        // Sample (n - 1) deviation of 1, 2, 3 is 1; the population one would be 0.816.
        assertThat(hop.stddevMs()).isEqualTo(1.0);
        Hop single = table("a.").hops().getFirst();
        assertThat(single.stddevMs()).isNull();
    }

    @Test
    void the_destination_is_the_first_ttl_it_answered_and_later_probes_are_left_out() {
        List<PathProbe> probes = probes("aa", "aa");
        for (int ttl = 3; ttl <= 4; ttl++) {
            PathProbe late = new PathProbe(ttl, 10 + ttl);
            late.answer(new PathReply(ip(2), 1, PathReply.Kind.REACHED, null));
            probes.add(late);
        }
        HopTable t = HopTable.of(probes, 4, Map.of());
        assertThat(t.destinationHop()).isEqualTo(2);
        assertThat(t.hops()).extracting(Hop::hop).containsExactly(1, 2);
    }

    @Test
    void the_most_frequent_address_names_the_hop_others_are_listed_and_names_are_applied() throws Exception {
        InetAddress other = InetAddress.getByName("10.9.9.9");
        List<PathProbe> probes = new ArrayList<>();
        InetAddress[] from = {other, ip(1), ip(1)};
        for (int i = 0; i < from.length; i++) {
            PathProbe p = new PathProbe(1, i);
            p.answer(new PathReply(from[i], 1, PathReply.Kind.TIME_EXCEEDED, null));
            probes.add(p);
        }
        HopTable t = HopTable.of(probes, 1, Map.of(ip(1), "r1.lab.test"));
        assertThat(t.hops().getFirst().ip()).isEqualTo("10.0.1.1");
        assertThat(t.hops().getFirst().hostname()).isEqualTo("r1.lab.test");
        assertThat(t.details().getFirst()).containsEntry("ips", List.of("10.9.9.9", "10.0.1.1")).containsEntry("received", 3);
    }

    @Test
    void an_unreachable_answer_ends_the_table_with_its_note() {
        PathProbe p = new PathProbe(1, 0);
        p.answer(new PathReply(ip(1), 1, PathReply.Kind.UNREACHABLE, "!N"));
        HopTable t = HopTable.of(List.of(p), 1, Map.of());
        assertThat(t.destinationHop()).isZero();
        assertThat(t.unreachableNote()).isEqualTo("!N");
    }
}
