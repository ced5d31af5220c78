package io.waddleperf.agent.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.waddleperf.agent.AgentConfig;
import io.waddleperf.agent.autoperf.ProbeOutcome;
import io.waddleperf.agent.autoperf.Trigger;
import io.waddleperf.core.result.Device;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.Source;
import io.waddleperf.core.result.TestType;
import io.waddleperf.probes.ProbeContext;
import io.waddleperf.testkit.ResultSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The AutoPerf loop with real probes against real peers on loopback. */
class SchedulerIT {

    @TempDir
    Path dir;

    private final List<ProbeResult> results = new CopyOnWriteArrayList<>();

    private Scheduler scheduler(AgentConfig config, AutoperfStatus status) {
        TierRunner runner = new TierRunner(ProbeContext.of(Source.AGENT).withDevice(new Device("serial-1", "host", null,
                null, "agent", "test")), new ProbeGate());
        return new Scheduler(config.autoperf(), config.probeDefinitions(), runner,
                (ProbeOutcome o) -> results.add(ResultSchema.assertValid(o.result())), status, new Scheduler.Listener() { },
                Clock.systemUTC(), new Random(1));
    }

    private AgentConfig load(String yaml) throws IOException {
        Path f = dir.resolve("autoperf.yml");
        Files.writeString(f, yaml);
        return AgentConfig.loader().load(f, Map.of(), Map.of());
    }

    @Test
    void tier_one_crossing_runs_tier_two_at_once_and_a_tier_two_crossing_runs_tier_three() throws Exception {
        try (Loopback peers = new Loopback()) {
            AgentConfig config = load("""
                    target_server: 127.0.0.1
                    autoperf:
                      interval: 400ms
                      backoff: {initial: 1h, max: 1h}
                      tier1:
                        probes:
                          - {name: echo, target: "udp://{target_server}:%1$d", options: {count: 3, interval: 10ms}}
                          - {name: port, target: "tcp://{target_server}:%2$d"}
                        thresholds: {ping_latency: 1us}
                      tier2:
                        probes:
                          - {name: echo_a, target: "udp://{target_server}:%1$d", options: {count: 10, interval: 20ms}}
                          - {name: echo_b, target: "udp://{target_server}:%1$d", options: {count: 10, interval: 20ms}}
                          - {name: bw_up, target: "iperf3://{target_server}:%3$d", options: {time: 1}}
                          - {name: bw_down, target: "iperf3://{target_server}:%3$d", options: {time: 1, reverse: true}}
                        thresholds:
                          jitter: null
                          custom: [{name: throughput_floor, field: throughput_mbps, below: 1000000000}]
                      tier3:
                        probes:
                          - {name: port_again, target: "tcp://{target_server}:%2$d"}
                    """.formatted(peers.echo.port(), peers.tcp.getLocalPort(), peers.iperf3.port()));
            AutoperfStatus status = new AutoperfStatus(true, 1);

            try (Scheduler s = scheduler(config, status)) {
                s.start();
                await().atMost(Duration.ofSeconds(60)).until(() -> results.stream().filter(r -> tier(r) == 1).count() >= 6
                        && results.stream().anyMatch(r -> tier(r) == 3));
            }

            List<Trigger> triggers = status.triggers();
            assertThat(triggers).hasSizeGreaterThanOrEqualTo(2);
            assertThat(triggers.get(0).fromTier()).isEqualTo(1);
            assertThat(triggers.get(0).toTier()).isEqualTo(2);
            assertThat(triggers.get(0).reason()).matches("ping_latency exceeded: [0-9.]+ms > 0.001ms.*");
            assertThat(triggers.get(0).duration()).as("how long tier 2 ran").isGreaterThan(Duration.ofSeconds(2));
            assertThat(triggers.get(1).fromTier()).isEqualTo(2);
            assertThat(triggers.get(1).toTier()).isEqualTo(3);
            assertThat(triggers.get(1).reason()).startsWith("throughput_floor below minimum: ");
            assertThat(triggers.stream().filter(t -> t.toTier() == 2)).as("later crossings wait for the backoff").hasSize(1);

            List<ProbeResult> tier2 = results.stream().filter(r -> tier(r) == 2).toList();
            assertThat(tier2).hasSize(4).allSatisfy(r -> assertThat(r.success()).as(r.error()).isTrue());
            ProbeResult up = byTarget(tier2, TestType.IPERF3, 0);
            ProbeResult down = byTarget(tier2, TestType.IPERF3, 1);
            for (ProbeResult other : tier2) {
                if (other != up) {
                    assertThat(overlaps(up, other)).as("iperf3 ran alone, not beside %s", other.target()).isFalse();
                }
                if (other != down) {
                    assertThat(overlaps(down, other)).as("iperf3 ran alone, not beside %s", other.target()).isFalse();
                }
            }
            List<ProbeResult> echoes = tier2.stream().filter(r -> r.testType() == TestType.UDP).toList();
            assertThat(overlaps(echoes.get(0), echoes.get(1))).as("latency probes run side by side").isTrue();
            assertThat(results).allSatisfy(r -> {
                assertThat(r.source()).isEqualTo(Source.AGENT);
                assertThat(r.device().serial()).isEqualTo("serial-1");
            });
            assertThat(status.snapshot().currentTier()).isEqualTo(3);
            assertThat(status.snapshot().testCount()).isEqualTo(results.size());
        }
    }

    @Test
    void a_healthy_tier_one_repeats_on_its_interval_and_escalates_nothing() throws Exception {
        try (Loopback peers = new Loopback()) {
            AgentConfig config = load("""
                    target_server: 127.0.0.1
                    autoperf:
                      interval: 200ms
                      jitter_percent: 0
                      tier1:
                        probes: [{name: port, target: "tcp://{target_server}:%d"}]
                    """.formatted(peers.tcp.getLocalPort()));
            AutoperfStatus status = new AutoperfStatus(true, 1);
            Instant t0 = Instant.now();
            try (Scheduler s = scheduler(config, status)) {
                s.start();
                await().atMost(Duration.ofSeconds(20)).until(() -> results.size() >= 5);
                // while a round runs, next_run still names that round's start, which is before the round's end;
                // between rounds the next one is planned after the last one ended
                await().atMost(Duration.ofSeconds(5)).until(() -> {
                    AutoperfStatus.Snapshot sn = status.snapshot();
                    return sn.lastRun() != null && sn.nextRun() != null && sn.nextRun().isAfter(sn.lastRun());
                });
            }
            Duration took = Duration.between(t0, results.get(4).startedAt());
            assertThat(took).as("5 rounds 200 ms apart, the first at start").isBetween(Duration.ofMillis(750),
                    Duration.ofMillis(4000));
            assertThat(results).allSatisfy(r -> {
                assertThat(r.success()).isTrue();
                assertThat(r.tier()).isEqualTo(1);
            });
            assertThat(status.triggers()).isEmpty();
        }
    }

    @Test
    void a_tier_timeout_ends_slow_probes_and_fails_those_it_left_no_time_for() throws Exception {
        try (Loopback peers = new Loopback()) {
            AgentConfig config = load("""
                    target_server: 127.0.0.1
                    autoperf:
                      interval: 1h
                      tier1:
                        timeout: 1s
                        probe_timeout: 20s
                        probes:
                          - {name: slow, command: [sleep, "30"], test_type: tcp}
                          - {name: bw, target: "iperf3://{target_server}:%d", options: {time: 1}}
                      tier2: {enabled: false}
                      tier3: {enabled: false}
                    """.formatted(peers.iperf3.port()));
            long t0 = System.nanoTime();
            try (Scheduler s = scheduler(config, new AutoperfStatus(true, 1))) {
                s.start();
                await().atMost(Duration.ofSeconds(20)).until(() -> results.size() >= 2);
            }
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            assertThat(took).isLessThan(Duration.ofSeconds(8));
            ProbeResult slow = results.stream().filter(r -> r.testType() == TestType.TCP).findFirst().orElseThrow();
            ProbeResult bw = results.stream().filter(r -> r.testType() == TestType.IPERF3).findFirst().orElseThrow();
            assertThat(slow.error()).matches("timeout: custom probe still running after (9[0-9]{2}|1000) ms; killed");
            assertThat(bw.error()).isEqualTo("timeout: tier 1 reached its timeout of 1000 ms before this probe ran");
        }
    }

    @Test
    void pause_holds_the_schedule_run_now_runs_once_even_paused_and_resume_runs_what_fell_due() throws Exception {
        try (Loopback peers = new Loopback()) {
            AgentConfig config = load("""
                    target_server: 127.0.0.1
                    autoperf:
                      interval: 300ms
                      jitter_percent: 0
                      tier1:
                        probes: [{name: port, target: "tcp://{target_server}:%d"}]
                    """.formatted(peers.tcp.getLocalPort()));
            AutoperfStatus status = new AutoperfStatus(true, 1);
            try (Scheduler s = scheduler(config, status)) {
                s.start();
                await().atMost(Duration.ofSeconds(30)).until(() -> results.size() >= 2);

                assertThat(s.pause(Duration.ofSeconds(30))).as("the run in progress ended").isTrue();
                assertThat(s.isPaused()).isTrue();
                int held = results.size();
                await().atMost(Duration.ofSeconds(30)).until(() -> status.snapshot().nextRun() == null);
                assertThat(status.snapshot().paused()).isTrue();
                // that nothing runs can only be seen by letting time pass: four intervals here
                Thread.sleep(1200);
                assertThat(results).hasSize(held);

                assertThat(s.runNow()).isTrue();
                await().atMost(Duration.ofSeconds(30)).until(() -> results.size() == held + 1
                        && status.snapshot().nextRun() == null);
                assertThat(s.isPaused()).as("run now leaves the pause on").isTrue();
                Thread.sleep(900); // three intervals more, still paused
                assertThat(results).hasSize(held + 1);

                s.resume();
                assertThat(status.snapshot().paused()).isFalse();
                await().atMost(Duration.ofSeconds(30)).until(() -> results.size() >= held + 3);
            }
        }
    }

    @Test
    void run_now_says_so_when_autoperf_is_off() throws Exception {
        AgentConfig config = load("target_server: 127.0.0.1\nautoperf: {enabled: false}\n");
        AutoperfStatus status = new AutoperfStatus(false, 1);
        try (Scheduler s = new Scheduler(config.autoperf(), List.of(), new TierRunner(ProbeContext.of(Source.AGENT),
                new ProbeGate()), o -> results.add(o.result()), status, new Scheduler.Listener() { }, Clock.systemUTC(),
                new Random(1))) {
            s.start();
            assertThat(s.runNow()).isFalse();
        }
        assertThat(results).isEmpty();
    }

    @Test
    void the_interval_is_spread_by_up_to_the_jitter_both_ways() {
        Random random = new Random(42);
        Duration interval = Duration.ofSeconds(300);
        double min = Double.MAX_VALUE;
        double max = 0;
        for (int i = 0; i < 10_000; i++) {
            double f = Scheduler.jittered(interval, 15, random).toNanos() / (double) interval.toNanos();
            min = Math.min(min, f);
            max = Math.max(max, f);
        }
        assertThat(min).isBetween(0.85, 0.86);
        assertThat(max).isBetween(1.14, 1.15);
        assertThat(Scheduler.jittered(interval, 0, random)).isEqualTo(interval);
    }

    private static int tier(ProbeResult r) {
        return r.tier() == null ? 0 : r.tier();
    }

    private static ProbeResult byTarget(List<ProbeResult> rs, TestType type, int index) {
        return rs.stream().filter(r -> r.testType() == type).toList().get(index);
    }

    private static boolean overlaps(ProbeResult a, ProbeResult b) {
        Instant aEnd = a.startedAt().plusNanos((long) (a.durationMs() * 1e6));
        Instant bEnd = b.startedAt().plusNanos((long) (b.durationMs() * 1e6));
        return a.startedAt().isBefore(bEnd) && b.startedAt().isBefore(aEnd);
    }
}
