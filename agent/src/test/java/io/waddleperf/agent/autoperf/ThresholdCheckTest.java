package io.waddleperf.agent.autoperf;

import io.waddleperf.core.autoperf.Thresholds;
import io.waddleperf.core.autoperf.ProbeKind;
import io.waddleperf.core.autoperf.CustomThreshold;
import io.waddleperf.core.autoperf.ProbeDefinition;
import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.Source;
import io.waddleperf.core.result.TestType;
import io.waddleperf.core.result.UuidV7;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Which results cross which threshold, and the reasons the triggers carry. */
class ThresholdCheckTest {

    static final Thresholds TIER1 = new Thresholds(Duration.ofMillis(100), 5.0,
            Duration.ofMillis(2000), Duration.ofMillis(1000), null, null, null, null, List.of());
    static final Thresholds TIER2 = new Thresholds(null, null, null, null, 10_000_000L,
            Duration.ofMillis(50), 20, Duration.ofDays(7), List.of(new CustomThreshold("rpm_floor", "rpm",
            List.of("rpm"), null, 300.0)));

    static Arguments row(String name, Thresholds thresholds, TestType type,
                         UnaryOperator<ProbeResult.Builder> result, List<String> reasons) {
        return Arguments.of(name, thresholds, type, result, reasons);
    }

    static Stream<Arguments> table() {
        return Stream.of(
                row("ping latency above the limit", TIER1, TestType.ICMP, r -> r.latencyMs(150.0).packetLossPercent(0.0),
                        List.of("ping_latency exceeded: 150ms > 100ms")),
                row("a sub-millisecond figure keeps its digits", new Thresholds(Duration.ofNanos(1000), null,
                                null, null, null, null, null, null, List.of()), TestType.UDP, r -> r.latencyMs(0.0234),
                        List.of("ping_latency exceeded: 0.0234ms > 0.001ms")),
                row("ping latency at the limit is not above it", TIER1, TestType.ICMP, r -> r.latencyMs(100.0),
                        List.of()),
                row("udp echo latency and loss count as ping", TIER1, TestType.UDP,
                        r -> r.latencyMs(100.45).packetLossPercent(12.5),
                        List.of("ping_latency exceeded: 100.5ms > 100ms", "packet_loss exceeded: 12.5% > 5%")),
                row("loss at the limit is not above it", TIER1, TestType.ICMP, r -> r.latencyMs(3.0).packetLossPercent(5.0),
                        List.of()),
                row("slow http response", TIER1, TestType.HTTP, r -> r.totalTimeMs(2500.0).latencyMs(2500.0),
                        List.of("http_response exceeded: 2500ms > 2000ms")),
                row("slow dns", TIER1, TestType.DNS, r -> r.latencyMs(1200.0),
                        List.of("dns_timeout exceeded: 1200ms > 1000ms")),
                row("a failed probe", TIER1, TestType.TCP, r -> r.success(false).error("connection_refused"),
                        List.of("probe failed: connection_refused")),
                row("a latency threshold ignores types it is not about", TIER1, TestType.TCP, r -> r.latencyMs(900.0),
                        List.of()),
                row("bandwidth below the floor", TIER2, TestType.IPERF3, r -> r.throughputMbps(8.2),
                        List.of("bandwidth below minimum: 8.2Mbit/s < 10Mbit/s")),
                row("a bidirectional test is as fast as its slower direction", TIER2, TestType.IPERF3,
                        r -> r.downloadMbps(900.0).uploadMbps(4.0),
                        List.of("bandwidth below minimum: 4Mbit/s < 10Mbit/s")),
                row("jitter", TIER2, TestType.UDP, r -> r.jitterMs(60.0), List.of("jitter exceeded: 60ms > 50ms")),
                row("too many hops", TIER2, TestType.MTR, r -> r.hopCount(23), List.of("hop_count exceeded: 23 > 20")),
                row("certificate about to expire", TIER2, TestType.TLS, r -> r.certDaysLeft(3),
                        List.of("ssl_expiry below minimum: 3d < 7d")),
                row("certificate with time to spare", TIER2, TestType.TLS, r -> r.certDaysLeft(7), List.of()),
                row("a custom threshold on a named probe", TIER2, TestType.RPM, r -> r.rpm(120.0),
                        List.of("rpm_floor below minimum: 120 < 300")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void checks_results_against_thresholds(String name, Thresholds thresholds, TestType type,
                                           UnaryOperator<ProbeResult.Builder> result, List<String> reasons) {
        ProbeResult r = result.apply(ProbeResult.builder().id(UuidV7.next()).testType(type).target("x://h")
                .startedAt(Instant.parse("2026-01-15T10:00:00Z")).durationMs(1.0).success(true)
                .source(Source.AGENT)).build();
        String probe = type == TestType.RPM ? "rpm" : "probe";
        ProbeDefinition def = new ProbeDefinition(1, probe, null, List.of("x"), type, null, ProbeKind.LATENCY, Duration.ofSeconds(1));

        List<Crossing> crossings = ThresholdCheck.check(thresholds, true, List.of(new ProbeOutcome(def, r)));

        assertThat(crossings).extracting(Crossing::reason).as(name)
                .containsExactlyElementsOf(reasons.stream().map(s -> s.replace("probe failed", probe + " failed")).toList());
        assertThat(crossings).allSatisfy(c -> assertThat(c.probe()).isEqualTo(probe));
    }

    @org.junit.jupiter.api.Test
    void failures_escalate_only_when_the_tier_says_so() {
        ProbeResult r = ProbeResult.builder().id(UuidV7.next()).testType(TestType.TCP).target("tcp://h:1")
                .startedAt(Instant.now()).durationMs(1.0).success(false).error("timeout").source(Source.AGENT).build();
        ProbeDefinition def = new ProbeDefinition(1, "tcp", null, List.of("x"), TestType.TCP, null, ProbeKind.LATENCY, Duration.ofSeconds(1));

        assertThat(ThresholdCheck.check(TIER1, false, List.of(new ProbeOutcome(def, r)))).isEmpty();
        assertThat(ThresholdCheck.check(TIER1, true, List.of(new ProbeOutcome(def, r))))
                .extracting(Crossing::threshold).containsExactly("probe_failed");
    }
}
