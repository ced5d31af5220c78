package io.waddleperf.probes.trace;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.core.result.Hop;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.Source;
import io.waddleperf.core.spec.MtrSpec;
import io.waddleperf.core.spec.ProbeOptions;
import io.waddleperf.core.spec.TargetParser;
import io.waddleperf.probes.ProbeContext;
import io.waddleperf.probes.ProbeRunner;
import io.waddleperf.testkit.RequiresCommand;
import io.waddleperf.testkit.ResultSchema;
import io.waddleperf.testkit.lab.ExecResult;
import io.waddleperf.testkit.lab.Lab;
import io.waddleperf.testkit.lab.LabSupport;
import io.waddleperf.testkit.lab.LinkConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The mtr probe on the lab: an intermediate router that drops half of the ICMP time-exceeded messages it sends (an nft
 * rule in r2, the path itself lossless) is labelled rate limited, not path loss; real random loss on the last link
 * shows at the destination as path loss, inside the binomial interval, as stock mtr's does on the same lab; stock mtr
 * reports the same hops.
 */
class MtrLabIT {

    private static final ProbeContext CONTEXT = ProbeContext.of(Source.CLI);
    private static final int CYCLES = 30;

    @BeforeEach
    void needsTheLab() {
        LabSupport.assumeAvailable();
    }

    private static ProbeResult mtr(Lab lab, int cycles) {
        return mtr(lab, cycles, Duration.ofMillis(400));
    }

    private static ProbeResult mtr(Lab lab, int cycles, Duration wait) {
        MtrSpec spec = (MtrSpec) TargetParser.parse("mtr://" + lab.server().addressV4().getHostAddress(),
                new ProbeOptions(cycles, Duration.ofMillis(50), wait, null, Map.of("resolve", "false")));
        return ResultSchema.assertValid(ProbeRunner.runWith(spec, MtrProber.in(TracerouteLabIT.clientScope(lab)), CONTEXT));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> details(ProbeResult r) {
        return (List<Map<String, Object>>) r.rawResults().get("hop_details");
    }

    @Test
    void a_router_dropping_its_own_icmp_errors_is_labelled_rate_limited_not_path_loss() {
        try (Lab lab = Lab.builder().routers(3).setup(TracerouteLabIT::noIcmpRateLimitAtTheServer).build()) {
            // r2 drops half of the time-exceeded messages it generates; forwarding is untouched.
            ExecResult nft = lab.router(2).exec("sh", "-c", "nft add table inet mtr_test && nft add chain inet mtr_test out "
                    + "'{ type filter hook output priority 0; policy accept; }' && nft add rule inet mtr_test out "
                    + "icmp type time-exceeded numgen random mod 100 '<' 50 counter drop");
            assertThat(nft.exitCode()).as(nft.toString()).isZero();

            ProbeResult r = mtr(lab, CYCLES);

            assertThat(r.success()).as(r.error()).isTrue();
            assertThat(r.hopCount()).isEqualTo(4);
            assertThat(r.hops()).extracting(Hop::ip).containsExactlyElementsOf(
                    TracerouteLabIT.groundTruth(lab, false));
            assertThat(r.hops()).allSatisfy(h -> assertThat(h.sent()).isEqualTo(CYCLES));
            Hop r2 = r.hops().get(1);
            System.out.printf(java.util.Locale.ROOT, "mtr labels: r2 drops 50%% of its time-exceeded, %d cycles: r2 loss %.1f %%, "
                    + "labelled %s, path loss %s; destination loss %.1f %%%n", CYCLES, r2.lossPercent(),
                    details(r).get(1).get("loss_kind"), details(r).get(1).get("path_loss_percent"), r.hops().getLast().lossPercent());
            // Binomial(30, 0.5): 99.9 % of runs lose 6-24 replies, 20-80 %.
            assertThat(r2.lossPercent()).isBetween(15.0, 85.0);
            assertThat(details(r).get(1)).containsEntry("loss_kind", "rate_limited_or_deprioritised")
                    .containsEntry("path_loss_percent", 0.0);
            for (int i : new int[] {0, 2, 3}) {
                assertThat(r.hops().get(i).lossPercent()).as("hop %d", i + 1).isZero();
                assertThat(details(r).get(i)).containsEntry("loss_kind", "none");
            }
            assertThat(r.packetLossPercent()).isZero();
            // mtr's StDev is the sample standard deviation.
            assertThat(r.hops().getLast().stddevMs()).isNotNull().isGreaterThanOrEqualTo(0.0);
        }
    }

    /** Stock mtr's report rows: address, Loss% and Snt of each hop ({@code mtr -n -r}). */
    private record StockRow(String ip, double lossPercent, int sent) {
    }

    private static List<StockRow> stockReport(String output) {
        List<StockRow> rows = new ArrayList<>();
        Matcher hop = Pattern.compile("(?m)^\\s*\\d+\\.\\|--\\s+(\\S+)\\s+([0-9.]+)%\\s+(\\d+)\\s").matcher(output);
        while (hop.find()) {
            rows.add(new StockRow(hop.group(1), Double.parseDouble(hop.group(2)), Integer.parseInt(hop.group(3))));
        }
        return rows;
    }

    /** The 99.9 % normal-approximation binomial interval of the loss percentage over {@code n} trials. */
    static double[] binomial999(double expectedPercent, int n) {
        double p = expectedPercent / 100.0;
        double half = 3.29 * Math.sqrt(p * (1 - p) / n) * 100.0;
        return new double[] {expectedPercent - half, expectedPercent + half};
    }

    /** Three routers, 20 % random loss each way on the last link (r3 to the server). */
    private static Lab lossyLastLink() {
        return Lab.builder().routers(3).link(3, LinkConfig.DEFAULT.withLossPercent(20))
                .setup(TracerouteLabIT::noIcmpRateLimitAtTheServer).build();
    }

    @Test
    void random_loss_on_the_last_link_is_path_loss_at_the_destination() {
        int cycles = 100;
        try (Lab lab = lossyLastLink()) {
            ProbeResult r = mtr(lab, cycles, Duration.ofMillis(150));

            assertThat(r.success()).as(r.error()).isTrue();
            assertThat(r.hopCount()).isEqualTo(4);
            assertThat(r.hops()).extracting(Hop::ip).containsExactlyElementsOf(TracerouteLabIT.groundTruth(lab, false));
            Hop destination = r.hops().getLast();
            // 20 % each way on r3–server: a round trip survives with 0.8² = 64 %, so 36 % loss at the destination.
            double[] bounds = binomial999(36.0, cycles);
            assertThat(destination.lossPercent()).isBetween(bounds[0], bounds[1]);
            assertThat(details(r).getLast()).containsEntry("loss_kind", "path")
                    .containsEntry("path_loss_percent", destination.lossPercent());
            assertThat(r.packetLossPercent()).isEqualTo(destination.lossPercent());
            for (int i = 0; i < 3; i++) {
                assertThat(r.hops().get(i).lossPercent()).as("hop %d", i + 1).isZero();
                assertThat(details(r).get(i)).containsEntry("loss_kind", "none");
            }
            System.out.printf(java.util.Locale.ROOT, "mtr loss: injected 20%% each way (36%% round trip), %d cycles, "
                    + "99.9%% interval %.1f-%.1f %%: ours %.1f %%%n", cycles, bounds[0], bounds[1], destination.lossPercent());
        }
    }

    /** The lab's injected loss as stock mtr measures it: the same interval holds ours, so the two agree. */
    @Test
    @RequiresCommand(value = "mtr", apt = "mtr-tiny")
    void stock_mtr_measures_the_same_path_loss_at_the_destination() {
        int cycles = 100;
        double[] bounds = binomial999(36.0, cycles);
        try (Lab lab = lossyLastLink()) {
            ExecResult stock = lab.client().exec("mtr", "-n", "-r", "-c", Integer.toString(cycles), "-i", "0.05",
                    lab.server().addressV4().getHostAddress());
            assertThat(stock.exitCode()).as(stock.toString()).isZero();
            List<StockRow> stockRows = stockReport(stock.output());
            assertThat(stockRows).extracting(StockRow::ip).as(stock.toString())
                    .containsExactlyElementsOf(TracerouteLabIT.groundTruth(lab, false));
            double stockLoss = stockRows.getLast().lossPercent();
            System.out.printf(java.util.Locale.ROOT, "mtr loss: injected 20%% each way (36%% round trip), %d cycles, "
                    + "99.9%% interval %.1f-%.1f %%: stock mtr %.1f %%%n", cycles, bounds[0], bounds[1], stockLoss);
            assertThat(stockRows.getLast().sent()).isEqualTo(cycles);
            assertThat(stockLoss).as(stock.toString()).isBetween(bounds[0], bounds[1]);
            for (int i = 0; i < 3; i++) {
                assertThat(stockRows.get(i).lossPercent()).as("stock hop %d", i + 1).isZero();
            }
        }
    }

    @Test
    @RequiresCommand(value = "mtr", apt = "mtr-tiny")
    void stock_mtr_reports_the_same_hops() {
        try (Lab lab = Lab.builder().routers(3).setup(TracerouteLabIT::noIcmpRateLimitAtTheServer).build()) {
            ExecResult stock = lab.client().exec("mtr", "-n", "-r", "-c", "3", "-i", "0.2",
                    lab.server().addressV4().getHostAddress());
            assertThat(stock.exitCode()).as(stock.toString()).isZero();
            List<String> stockHops = new ArrayList<>();
            Matcher hop = Pattern.compile("(?m)^\\s*\\d+\\.\\|--\\s+(\\S+)\\s").matcher(stock.output());
            while (hop.find()) {
                stockHops.add(hop.group(1));
            }
            ProbeResult ours = mtr(lab, 3);
            assertThat(stockHops).as(stock.toString()).hasSize(4);
            assertThat(ours.hops()).extracting(Hop::ip).as(stock.toString()).containsExactlyElementsOf(stockHops);
        }
    }
}
