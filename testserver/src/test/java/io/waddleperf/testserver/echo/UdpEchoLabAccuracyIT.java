package io.waddleperf.testserver.echo;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.Source;
import io.waddleperf.core.spec.ProbeOptions;
import io.waddleperf.core.spec.TargetParser;
import io.waddleperf.core.spec.UdpSpec;
import io.waddleperf.probes.ProbeContext;
import io.waddleperf.probes.ProbeRunner;
import io.waddleperf.probes.Prober;
import io.waddleperf.probes.udp.UdpEchoProber;
import io.waddleperf.testkit.BinomialInterval;
import io.waddleperf.testkit.ResultSchema;
import io.waddleperf.testkit.lab.Lab;
import io.waddleperf.testkit.lab.LabNode;
import io.waddleperf.testkit.lab.LabSupport;
import io.waddleperf.testkit.lab.LinkConfig;
import io.waddleperf.testkit.lab.RealtimeScheduling;
import io.waddleperf.testkit.lab.UdpDelayRelay;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Accuracy of the udp echo probe in the namespace lab (client – r1 – server): the responder runs in the server's
 * namespace, the prober in the client's. Loss: random drop on r1–server in both directions, so a round trip is lost
 * with probability 1 − (1 − p)², checked against the exact binomial 99.9 % interval, and every lost probe matched
 * against the lab's own drop counters. Delay: a UDP delay relay on r1
 * adding 20 ms each way, checked against the direct RTT measured in the same test.
 */
class UdpEchoLabAccuracyIT {

    private static final int PROBES = 1000;

    @ParameterizedTest(name = "{0} per mille each way")
    @ValueSource(ints = {10, 50, 200})
    void measured_loss_lies_in_the_binomial_interval(int lossPerMille) throws Exception {
        LabSupport.assumeAvailable();
        try (Lab lab = Lab.builder().routers(1).ipv6(false).link(1, LinkConfig.DEFAULT.withLossPerMille(lossPerMille)).build();
             UdpEchoResponder responder = startResponder(lab)) {
            double p = lossPerMille / 1000.0;
            double roundTrip = 1 - (1 - p) * (1 - p);
            BinomialInterval expected = BinomialInterval.of(PROBES, roundTrip, 0.999);

            // A 99.9 % interval leaves out one honest sample in a thousand, so a count outside it earns one fresh
            // sample before it fails the test (a biased count fails both). Every sample, though, must account for
            // the lab's drops exactly: each dropped request or reply is one lost probe, no more and no less.
            for (int attempt = 1; ; attempt++) {
                long dropsBefore = lab.randomDrops();
                ProbeResult r = runIn(lab.client(), spec(responder.localAddress(), PROBES, Duration.ofMillis(3)));
                long dropped = lab.randomDrops() - dropsBefore;
                int lost = (int) (r.packetsSent() - r.packetsReceived());

                System.out.printf(Locale.ROOT, "[loss] udp: injected %.1f %% each way (round trip %.2f %%, 99.9 %% interval %s"
                        + " of %d): lost %d (%.1f %%), lab dropped %d packets (attempt %d)%n", p * 100, roundTrip * 100,
                        expected, PROBES, lost, r.packetLossPercent(), dropped, attempt);
                assertThat(r.success()).as("error %s", r.error()).isTrue();
                assertThat(r.packetsSent()).isEqualTo((long) PROBES);
                assertThat(r.duplicatePackets()).isZero();
                assertThat((long) lost).as("lost probes against packets the lab dropped").isEqualTo(dropped);
                assertThat(responder.stats().droppedTotal()).isZero();
                if (expected.contains(lost) || attempt == 2) {
                    assertThat(expected.contains(lost)).as("lost %d, interval %s", lost, expected).isTrue();
                    break;
                }
            }
        }
    }

    @Test
    void relay_of_20_ms_each_way_adds_40_ms_to_the_p50_rtt_within_half_a_millisecond() throws Exception {
        LabSupport.assumeAvailable();
        try (Lab lab = Lab.builder().routers(1).ipv6(false).build();
             UdpEchoResponder responder = startResponder(lab, true)) {
            LabNode r1 = lab.router(1);
            UdpDelayRelay relay = lab.udpDelayRelay(r1, new InetSocketAddress(r1.addressV4(), 0), responder.localAddress(),
                    Duration.ofMillis(20));

            // Warm up first: the classes of both paths are loaded and compiled before measuring, so class loading and
            // the metaspace collection it triggers (a 114 ms stop-the-world pause measured here) happen now.
            runIn(lab.client(), spec(responder.localAddress(), 200, Duration.ofMillis(2)));
            runIn(lab.client(), spec(relay.localAddress(), 200, Duration.ofMillis(2)));
            // Then both at once, so the direct and the relayed probe see the same machine, with the prober's and the
            // responder's threads real-time like the relay's: on a loaded host an ordinary thread waits behind other
            // processes for up to tens of milliseconds after each wake-up, and a reply that lands while it waits —
            // far likelier for one 40 ms in flight than for one 0.2 ms in flight — comes out late. That starvation,
            // not the relay, moved the relayed p50 by up to 6 ms (docs/ACCURACY.md).
            CompletableFuture<ProbeResult> direct = CompletableFuture.supplyAsync(
                    () -> runIn(lab.client(), spec(responder.localAddress(), 400, Duration.ofMillis(5)), true));
            ProbeResult relayed = runIn(lab.client(), spec(relay.localAddress(), 400, Duration.ofMillis(5)), true);
            ProbeResult base = direct.get(30, TimeUnit.SECONDS);

            double addedMs = relayed.p50LatencyMs() - base.p50LatencyMs();
            System.out.printf(Locale.ROOT, "[delay] udp: injected 20 ms each way; base p50 %.3f ms (p95 %.3f, max %.3f),"
                            + " relayed p50 %.3f ms (min %.3f, p95 %.3f, max %.3f), added %.3f ms%n",
                    base.p50LatencyMs(), base.p95LatencyMs(), base.maxLatencyMs(), relayed.p50LatencyMs(),
                    relayed.minLatencyMs(), relayed.p95LatencyMs(), relayed.maxLatencyMs(), addedMs);
            System.out.printf(Locale.ROOT, "[delay] relay: max lateness %.3f ms, %d of %d deliveries late by more than 0.1 ms%n",
                    relay.maxLateness().toNanos() / 1e6, relay.lateDeliveries(), relay.forwardedDatagrams());
            assertThat(base.success()).as("error %s", base.error()).isTrue();
            assertThat(relayed.success()).as("error %s", relayed.error()).isTrue();
            assertThat(relayed.packetsReceived()).isEqualTo(400L);
            assertThat(addedMs).as("added p50 RTT ms").isBetween(39.5, 40.5);
            assertThat(relay.droppedDatagrams()).isZero();
        }
    }

    private static UdpEchoResponder startResponder(Lab lab) throws Exception {
        return startResponder(lab, false);
    }

    private static UdpEchoResponder startResponder(Lab lab, boolean realtime) throws Exception {
        return lab.server().run(() -> {
            if (realtime) {
                RealtimeScheduling.raiseCallingThread(); // the responder's thread inherits the policy
            }
            return UdpEchoResponder.start(new InetSocketAddress(lab.server().addressV4(), 0), Set.of());
        });
    }

    private static UdpSpec spec(InetSocketAddress target, int count, Duration interval) {
        return (UdpSpec) TargetParser.parse("udp://" + target.getAddress().getHostAddress() + ":" + target.getPort(),
                new ProbeOptions(count, interval, Duration.ofSeconds(1), 64L, Map.of()));
    }

    /** Runs the prober inside {@code node}'s namespace, so its socket is the node's. */
    private static ProbeResult runIn(LabNode node, UdpSpec spec) {
        return runIn(node, spec, false);
    }

    private static ProbeResult runIn(LabNode node, UdpSpec spec, boolean realtime) {
        Prober<UdpSpec> inNode = (s, context, result) -> node.run(() -> {
            if (realtime) {
                RealtimeScheduling.raiseCallingThread(); // the prober's receiver thread inherits the policy
            }
            UdpEchoProber.INSTANCE.probe(s, context, result);
            return null;
        });
        return ResultSchema.assertValid(ProbeRunner.runWith(spec, inNode, ProbeContext.of(Source.CLI)));
    }
}
