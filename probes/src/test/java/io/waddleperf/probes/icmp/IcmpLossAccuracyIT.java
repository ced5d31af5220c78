package io.waddleperf.probes.icmp;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.Source;
import io.waddleperf.core.spec.Endpoint;
import io.waddleperf.core.spec.IcmpSpec;
import io.waddleperf.probes.ProbeContext;
import io.waddleperf.probes.ProbeRunner;
import io.waddleperf.probes.Prober;
import io.waddleperf.testkit.BinomialInterval;
import io.waddleperf.testkit.ResultSchema;
import io.waddleperf.testkit.lab.ExecResult;
import io.waddleperf.testkit.lab.Lab;
import io.waddleperf.testkit.lab.LabNode;
import io.waddleperf.testkit.lab.LabSupport;
import io.waddleperf.testkit.lab.LinkConfig;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Loss accuracy of the icmp probe, and of Debian's {@code ping} for comparison, against the lab's random drop on one
 * link (client – r1 – server, drop on r1–server). The lab drops each direction independently with probability p, so an
 * echo round trip is lost with probability 1 − (1 − p)²; both counts must lie in the exact binomial 99.9 % interval, and
 * ours must match the lab's drop counters exactly.
 */
class IcmpLossAccuracyIT {

    private static final int PROBES = 1000;
    /** 3 ms apart: 1000 probes in 3 s. Below the 10 ms the spec allows users, so the spec is built directly. */
    private static final Duration INTERVAL = Duration.ofMillis(3);

    @ParameterizedTest(name = "{0} per mille each way")
    @ValueSource(ints = {10, 50, 200})
    void measured_loss_lies_in_the_binomial_interval_for_ours_and_for_ping(int lossPerMille) throws Exception {
        LabSupport.assumeAvailable();
        try (Lab lab = Lab.builder().routers(1).ipv6(false).link(1, LinkConfig.DEFAULT.withLossPerMille(lossPerMille)).build()) {
            double p = lossPerMille / 1000.0;
            double roundTrip = 1 - (1 - p) * (1 - p);
            BinomialInterval expected = BinomialInterval.of(PROBES, roundTrip, 0.999);
            String server = lab.server().addressV4().getHostAddress();
            IcmpSpec spec = new IcmpSpec("icmp://" + server, Endpoint.hostOnly(server), PROBES, INTERVAL,
                    Duration.ofSeconds(1), IcmpSpec.DEFAULT_SIZE, null, false);

            // A 99.9 % interval leaves out one honest sample in a thousand, so a count outside it earns one fresh
            // sample before it fails the test (a biased count fails both). Our count must, every time, match the
            // lab's drop counters exactly: each dropped request or reply is one lost probe.
            for (int attempt = 1; ; attempt++) {
                long dropsBefore = lab.randomDrops();
                ProbeResult ours = runIn(lab.client(), spec, IcmpProber.INSTANCE);
                long oursDropped = lab.randomDrops() - dropsBefore;
                int oursLost = (int) (ours.packetsSent() - ours.packetsReceived());

                ExecResult ping = lab.client().exec(Duration.ofSeconds(30), "ping", "-n", "-q", "-c",
                        Integer.toString(PROBES), "-i", "0.003", "-W", "1", server);
                Matcher summary = Pattern.compile("(\\d+) packets transmitted, (\\d+) received").matcher(ping.output());
                assertThat(summary.find()).as(ping.toString()).isTrue();
                int pingLost = Integer.parseInt(summary.group(1)) - Integer.parseInt(summary.group(2));

                System.out.printf(Locale.ROOT, "[loss] icmp: injected %.1f %% each way (round trip %.2f %%, 99.9 %% interval"
                        + " %s of %d): ours lost %d (%.1f %%, lab dropped %d), ping lost %d (attempt %d)%n", p * 100,
                        roundTrip * 100, expected, PROBES, oursLost, ours.packetLossPercent(), oursDropped, pingLost, attempt);
                assertThat(ours.success()).as("error %s", ours.error()).isTrue();
                assertThat(ours.packetsSent()).isEqualTo((long) PROBES);
                assertThat(ours.duplicatePackets()).isZero();
                assertThat((long) oursLost).as("ours lost against packets the lab dropped").isEqualTo(oursDropped);
                boolean inside = expected.contains(oursLost) && expected.contains(pingLost);
                if (inside || attempt == 2) {
                    assertThat(expected.contains(oursLost)).as("ours lost %d, interval %s", oursLost, expected).isTrue();
                    assertThat(expected.contains(pingLost)).as("ping lost %d, interval %s", pingLost, expected).isTrue();
                    break;
                }
            }
        }
    }

    static ProbeResult runIn(LabNode node, IcmpSpec spec, Prober<IcmpSpec> prober) {
        Prober<IcmpSpec> inNode = (s, context, result) -> node.run(() -> {
            prober.probe(s, context, result);
            return null;
        });
        return ResultSchema.assertValid(ProbeRunner.runWith(spec, inNode, ProbeContext.of(Source.CLI)));
    }
}
