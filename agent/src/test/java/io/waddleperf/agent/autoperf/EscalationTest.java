package io.waddleperf.agent.autoperf;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The escalation rules as a table: each row feeds a sequence of tier outcomes to {@link Escalation#decide} (state
 * carried from one to the next) and lists what each decision must say. Outcomes are written
 * {@code "<minute> T<tier> ok|cross"}; decisions as {@code none}, {@code escalate F->T at +M},
 * {@code confirm T at +M}, {@code held until +M}, {@code recover F->T}.
 */
class EscalationTest {

    private static final Instant T0 = Instant.parse("2026-01-15T10:00:00Z");
    private static final Crossing PING = new Crossing("ping_latency", "ping", "ping_latency exceeded: 150ms > 100ms");

    static EscalationPolicy standard() {
        return new EscalationPolicy(List.of(true, true, true), List.of(false, false, false),
                List.of(Duration.ofMinutes(1), Duration.ofMinutes(1), Duration.ofMinutes(1)),
                Duration.ofMinutes(10), Duration.ofMinutes(40), 3);
    }

    static Arguments row(String name, UnaryOperator<EscalationPolicy> policy, List<String> outcomes, List<String> decisions) {
        return Arguments.of(name, policy.apply(standard()), outcomes, decisions);
    }

    static Stream<Arguments> table() {
        return Stream.of(
                row("not crossed: tier 1 stays", p -> p,
                        List.of("0 T1 ok", "5 T1 ok"),
                        List.of("none", "none")),
                row("crossed: tier 2 at once", p -> p,
                        List.of("0 T1 cross"),
                        List.of("escalate 1->2 at +0")),
                row("a tier-2 crossing runs tier 3 at once", p -> p,
                        List.of("0 T1 cross", "1 T2 cross", "6 T3 ok"),
                        List.of("escalate 1->2 at +0", "escalate 2->3 at +1", "none")),
                row("tier 2 within its thresholds: no tier 3, and back to tier 1 when tier 1 is healthy", p -> p,
                        List.of("0 T1 cross", "1 T2 ok", "5 T1 ok", "10 T1 ok"),
                        List.of("escalate 1->2 at +0", "none", "recover 2->1", "none")),
                row("back to tier 1 from tier 3 when healthy", p -> p,
                        List.of("0 T1 cross", "1 T2 cross", "3 T3 cross", "5 T1 ok"),
                        List.of("escalate 1->2 at +0", "escalate 2->3 at +1", "none", "recover 3->1")),
                row("tier 3 with confirmation: a second tier-2 crossing confirms", p -> p.withConfirmation(3, Duration.ofMinutes(2)),
                        List.of("0 T1 cross", "1 T2 cross", "3 T2 cross", "8 T3 ok"),
                        List.of("escalate 1->2 at +0", "confirm 2 at +3", "escalate 2->3 at +3 (confirmed)", "none")),
                row("tier 3 with confirmation: no second crossing, no tier 3", p -> p.withConfirmation(3, Duration.ofMinutes(2)),
                        List.of("0 T1 cross", "1 T2 cross", "3 T2 ok", "5 T1 ok"),
                        List.of("escalate 1->2 at +0", "confirm 2 at +3", "none", "recover 2->1")),
                row("a healthy tier 1 cancels a pending confirmation", p -> p.withConfirmation(2, Duration.ofMinutes(1)),
                        List.of("0 T1 cross", "1 T1 ok", "5 T1 cross", "6 T1 cross"),
                        List.of("confirm 1 at +1", "none", "confirm 1 at +6", "escalate 1->2 at +6 (confirmed)")),
                row("tier 2 disabled: nothing to escalate to, tier 3 included", p -> p.withEnabled(2, false),
                        List.of("0 T1 cross", "5 T1 ok"),
                        List.of("none", "none")),
                row("tier 1 disabled: tier 2 is the scheduled tier", p -> p.withEnabled(1, false),
                        List.of("0 T2 cross", "4 T3 ok", "5 T2 ok"),
                        List.of("escalate 2->3 at +0", "none", "recover 3->2")),
                row("flapping: each new episode waits twice as long as the last", p -> p,
                        List.of("0 T1 cross", "0 T2 ok", "5 T1 ok", "10 T1 cross", "10 T2 ok", "15 T1 ok",
                                "20 T1 cross", "25 T1 ok", "30 T1 cross"),
                        List.of("escalate 1->2 at +0", "none", "recover 2->1", "escalate 1->2 at +10", "none",
                                "recover 2->1", "held until +30", "none", "escalate 1->2 at +30")),
                row("a lasting problem is re-examined with backoff, capped at max", p -> p,
                        List.of("0 T1 cross", "0 T2 cross", "1 T3 ok", "5 T1 cross", "10 T1 cross", "10 T2 ok",
                                "15 T1 cross", "30 T1 cross", "30 T2 ok", "60 T1 cross", "70 T1 cross", "70 T2 ok",
                                "100 T1 cross", "110 T1 cross"),
                        List.of("escalate 1->2 at +0", "escalate 2->3 at +0", "none", "held until +10",
                                "escalate 1->2 at +10", "none", "held until +30", "escalate 1->2 at +30", "none",
                                "held until +70", "escalate 1->2 at +70", "none", "held until +110",
                                "escalate 1->2 at +110")),
                row("enough healthy rounds in a row end the backoff", p -> p,
                        List.of("0 T1 cross", "0 T2 ok", "5 T1 ok", "10 T1 ok", "15 T1 ok", "16 T1 cross"),
                        List.of("escalate 1->2 at +0", "none", "recover 2->1", "none", "none", "escalate 1->2 at +16")),
                row("too few healthy rounds keep the backoff", p -> p,
                        List.of("0 T1 cross", "0 T2 ok", "5 T1 ok", "6 T1 ok", "7 T1 cross"),
                        List.of("escalate 1->2 at +0", "none", "recover 2->1", "none", "held until +10")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void escalates_as_the_table_says(String name, EscalationPolicy policy, List<String> outcomes, List<String> decisions) {
        EscalationState state = EscalationState.initial(policy);
        List<String> actual = new ArrayList<>();
        for (String o : outcomes) {
            String[] w = o.split(" ");
            Instant at = T0.plus(Duration.ofMinutes(Integer.parseInt(w[0])));
            int tier = Integer.parseInt(w[1].substring(1));
            TierOutcome outcome = new TierOutcome(tier, at, w[2].equals("cross") ? List.of(PING) : List.of());
            Decision d = Escalation.decide(policy, state, outcome);
            actual.add(describe(d));
            state = d.state();
        }
        assertThat(actual).as(name).containsExactlyElementsOf(decisions);
    }

    private static String describe(Decision d) {
        if (d.trigger().isPresent()) {
            Trigger t = d.trigger().get();
            if (t.toTier() < t.fromTier()) {
                return "recover " + t.fromTier() + "->" + t.toTier();
            }
            PlannedRun run = d.next().orElseThrow();
            return "escalate " + t.fromTier() + "->" + t.toTier() + " at +" + minutes(run.at())
                    + (t.reason().endsWith("(confirmed)") ? " (confirmed)" : "");
        }
        if (d.next().isPresent()) {
            return "confirm " + d.next().get().tier() + " at +" + minutes(d.next().get().at());
        }
        if (d.state().heldUntil() != null) {
            return "held until +" + minutes(d.state().heldUntil());
        }
        return "none";
    }

    private static long minutes(Instant at) {
        return Duration.between(T0, at).toMinutes();
    }

    @org.junit.jupiter.api.Test
    void the_trigger_records_tiers_reason_and_time() {
        EscalationPolicy p = standard();
        Crossing loss = new Crossing("packet_loss", "ping", "packet_loss exceeded: 10% > 5%");

        Decision d = Escalation.decide(p, EscalationState.initial(p), new TierOutcome(1, T0, List.of(PING, loss)));

        assertThat(d.trigger()).hasValueSatisfying(t -> {
            assertThat(t.timestamp()).isEqualTo(T0);
            assertThat(t.fromTier()).isEqualTo(1);
            assertThat(t.toTier()).isEqualTo(2);
            assertThat(t.reason()).isEqualTo("ping_latency exceeded: 150ms > 100ms; packet_loss exceeded: 10% > 5%");
            assertThat(t.duration()).isNull();
        });
        assertThat(d.state().currentTier()).isEqualTo(2);
        Decision recovered = Escalation.decide(p, d.state(), new TierOutcome(1, T0.plusSeconds(300), List.of()));
        assertThat(recovered.trigger()).hasValueSatisfying(t -> {
            assertThat(t.reason()).isEqualTo("healthy: tier 1 within every threshold");
            assertThat(t.duration()).as("how long the episode lasted").isEqualTo(Duration.ofMinutes(5));
        });
        assertThat(recovered.state().currentTier()).isEqualTo(1);
    }
}
