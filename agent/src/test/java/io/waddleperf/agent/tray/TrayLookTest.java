package io.waddleperf.agent.tray;

import static org.assertj.core.api.Assertions.assertThat;

import io.waddleperf.agent.AgentView;
import io.waddleperf.agent.autoperf.ProbeOutcome;
import io.waddleperf.core.autoperf.ProbeDefinition;
import io.waddleperf.core.autoperf.ProbeKind;
import io.waddleperf.core.result.UuidV7;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.Source;
import io.waddleperf.core.result.TestType;
import io.waddleperf.agent.tray.TrayLook.Colour;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** The icon's colour and tooltip for each state of the agent. */
class TrayLookTest {

    private static final Instant AT = Instant.parse("2026-01-15T10:20:30Z");
    private static final AgentView.LastRun HEALTHY = new AgentView.LastRun(1, AT, 4, 1);
    private static final AgentView.LastRun ALL_FAILED = new AgentView.LastRun(2, AT, 3, 3);

    static Stream<Arguments> table() {
        ProbeOutcome ok = outcome(true, null);
        return Stream.of(
                Arguments.of("tier 1", new AgentView(true, false, 1, HEALTHY, ok, null), Colour.GREEN, "tier 1, healthy"),
                Arguments.of("tier 2", new AgentView(true, false, 2, HEALTHY, ok, null), Colour.AMBER, "tier 2, escalated"),
                Arguments.of("tier 3", new AgentView(true, false, 3, HEALTHY, ok, null), Colour.RED, "tier 3, escalated"),
                Arguments.of("paused", new AgentView(true, true, 3, HEALTHY, ok, null), Colour.GREY, "paused"),
                Arguments.of("off", new AgentView(false, false, 1, null, null, null), Colour.GREY, "AutoPerf off"),
                Arguments.of("starting", new AgentView(true, false, 1, null, null, null), Colour.GREY,
                        "first run in progress"),
                Arguments.of("failing", new AgentView(true, false, 2, ALL_FAILED, ok, null), Colour.GREY,
                        "failing: every probe of the last run failed"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void colour_and_state_by_tier_pause_and_failure(String name, AgentView view, Colour colour, String state) {
        TrayLook look = TrayLook.of(view, ZoneOffset.UTC);

        assertThat(look.colour()).as(name).isEqualTo(colour);
        assertThat(look.tooltip()).as(name).startsWith("WaddlePerf agent: " + state);
        assertThat(look.pauseLabel()).isEqualTo(view.paused() ? "Resume" : "Pause");
    }

    @Test
    void the_tooltip_has_the_last_run_the_last_result_and_the_next_run() {
        TrayLook look = TrayLook.of(new AgentView(true, false, 1, HEALTHY, outcome(true, null),
                AT.plus(Duration.ofMinutes(5))), ZoneOffset.UTC);

        assertThat(look.tooltip()).isEqualTo("""
                WaddlePerf agent: tier 1, healthy
                Last run: tier 1 at 10:20:30, 4 probes, 1 failed
                Last result: ping (tier 1) ok, 12.3 ms
                Next run: 10:25:30""");
    }

    @Test
    void a_failed_result_shows_its_error_cut_short() {
        String error = "timeout: tier 2 reached its timeout of 300000 ms before this probe ran, and then some more";
        String tip = TrayLook.of(new AgentView(true, false, 1, HEALTHY, outcome(false, error), null), ZoneOffset.UTC)
                .tooltip();

        assertThat(tip).endsWith("Last result: ping (tier 1) failed: " + error.substring(0, 59) + "…");
    }

    @Test
    void the_colours_are_told_apart() {
        assertThat(Stream.of(Colour.values()).map(Colour::rgb).distinct()).hasSize(4);
        assertThat(Colour.GREEN.rgb()).isEqualTo(0x2ea043);
    }

    private static ProbeOutcome outcome(boolean success, String error) {
        ProbeResult r = ProbeResult.builder().id(UuidV7.next()).testType(TestType.ICMP).target("icmp://h")
                .startedAt(AT).durationMs(1.0).success(success).error(error).latencyMs(success ? 12.34 : null)
                .source(Source.AGENT).build();
        return new ProbeOutcome(new ProbeDefinition(1, "ping", null, List.of("x"), TestType.ICMP, null, ProbeKind.LATENCY,
                Duration.ofSeconds(1)), r);
    }
}
