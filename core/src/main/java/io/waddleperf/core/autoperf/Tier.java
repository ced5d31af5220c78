package io.waddleperf.core.autoperf;

import io.waddleperf.core.config.Problems;
import io.waddleperf.core.config.Validated;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One tier: its probes, the thresholds that escalate to the next tier, the time it may take as a whole
 * ({@code timeout}) and per probe ({@code probe_timeout}, unless the probe sets its own). With
 * {@code require_confirmation}, escalating into this tier needs the tier below to cross a threshold again on a
 * run {@code confirm_delay} later.
 */
public record Tier(boolean enabled, Duration timeout, Duration probeTimeout, boolean escalateOnFailure,
                   boolean requireConfirmation, Duration confirmDelay, List<Probe> probes,
                   Thresholds thresholds) implements Validated {

    public Tier {
        probes = List.copyOf(probes);
    }

    public static Tier defaultTier1() {
        return new Tier(true, Duration.ofMinutes(2), Duration.ofSeconds(30), true, false, Duration.ofMinutes(1),
                List.of(
                        Probe.of("ping", "icmp://{target_server}", Map.of()),
                        Probe.of("http", "http://{target_server}:8080/health", Map.of()),
                        Probe.of("dns", "dns://{system_resolver}/{target_server}", Map.of()),
                        Probe.of("tcp", "tcp://{target_server}:8080", Map.of())),
                new Thresholds(Duration.ofMillis(100), 5.0, Duration.ofMillis(2000), Duration.ofMillis(1000),
                        null, null, null, null, List.of()));
    }

    public static Tier defaultTier2() {
        return new Tier(true, Duration.ofMinutes(5), Duration.ofSeconds(60), true, false, Duration.ofMinutes(1),
                List.of(
                        Probe.of("ping_extended", "icmp://{target_server}", Map.of("count", "50",
                                "interval", "200ms")),
                        Probe.of("mtr", "mtr://{target_server}", Map.of()),
                        Probe.of("iperf3_quick", "iperf3://{target_server}:5201", Map.of("time", "10")),
                        Probe.of("port_http", "tcp://{target_server}:8080", Map.of()),
                        Probe.of("port_https", "tcp://{target_server}:8443", Map.of()),
                        Probe.of("tls_certificate", "tls://{target_server}:8443", Map.of("verify", "false")),
                        Probe.of("http_trace", "http-trace://{target_server}:8080", Map.of("scheme", "http"))),
                new Thresholds(null, null, null, null, 10_000_000L, Duration.ofMillis(50), 20,
                        Duration.ofDays(7), List.of()));
    }

    public static Tier defaultTier3() {
        return new Tier(true, Duration.ofMinutes(15), Duration.ofMinutes(5), false, false, Duration.ofMinutes(1),
                List.of(
                        Probe.of("iperf3_bidir", "iperf3://{target_server}:5201", Map.of("time", "60",
                                "bidir", "true")),
                        Probe.of("mtr_extended", "mtr://{target_server}", Map.of("count", "100")),
                        Probe.of("mtu", "mtu://{target_server}", Map.of())),
                Thresholds.none());
    }

    @Override
    public void validate(Problems problems) {
        problems.require(timeout != null && timeout.compareTo(Duration.ofSeconds(1)) >= 0
                && timeout.compareTo(Duration.ofHours(6)) <= 0, "timeout", "must be between 1s and 6h, got " + timeout);
        problems.require(probeTimeout != null && probeTimeout.compareTo(Duration.ofMillis(100)) >= 0
                        && probeTimeout.compareTo(Duration.ofHours(1)) <= 0, "probe_timeout",
                "must be between 100ms and 1h, got " + probeTimeout);
        problems.require(confirmDelay != null && !confirmDelay.isNegative() && confirmDelay.compareTo(Duration.ofHours(6)) <= 0,
                "confirm_delay", "must be between 0s and 6h, got " + confirmDelay);
    }
}
