package io.waddleperf.agent.schedule;

import io.waddleperf.core.autoperf.ProbeKind;
import io.waddleperf.core.autoperf.ProbeDefinition;
import io.waddleperf.agent.autoperf.ProbeOutcome;
import io.waddleperf.core.clock.MonotonicClock;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.spec.ProbeSpec;
import io.waddleperf.probes.ProbeContext;
import io.waddleperf.probes.ProbeException;
import io.waddleperf.probes.ProbeRunner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Runs one tier: its latency probes side by side, then its throughput probes one after another, each alone on the
 * link ({@link ProbeGate}). Each probe is bounded by its own timeout and by what is left of the tier's; a probe the
 * tier had no time left for still gets a result, failed with {@code timeout}, so every configured probe is
 * accounted for in every run. Each result goes to {@code sink} the moment it exists (the outbox), before the tier
 * is evaluated.
 */
public final class TierRunner {

    private final ProbeContext context;
    private final ProbeGate gate;
    private final MonotonicClock clock;

    public TierRunner(ProbeContext context, ProbeGate gate) {
        this.context = context;
        this.gate = gate;
        this.clock = context.clock();
    }

    public ProbeGate gate() {
        return gate;
    }

    /** Runs {@code probes} of tier {@code tier} within {@code tierTimeout}; results in the order of {@code probes}. */
    public List<ProbeOutcome> run(int tier, List<ProbeDefinition> probes, Duration tierTimeout,
                                  Consumer<ProbeOutcome> sink) {
        long deadline = clock.nanos() + tierTimeout.toNanos();
        ProbeContext ctx = context.withTier(tier);
        ProbeOutcome[] outcomes = new ProbeOutcome[probes.size()];
        try (ExecutorService background = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < probes.size(); i++) {
                if (probes.get(i).kind() == ProbeKind.LATENCY) {
                    int index = i;
                    running.add(background.submit(() -> {
                        outcomes[index] = runOne(probes.get(index), ctx, deadline, tierTimeout, sink);
                    }));
                }
            }
            for (Future<?> f : running) {
                try {
                    f.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IllegalStateException("a probe task failed outside its runner", e.getCause());
                }
            }
        }
        for (int i = 0; i < probes.size(); i++) {
            if (probes.get(i).kind() == ProbeKind.THROUGHPUT) {
                outcomes[i] = runOne(probes.get(i), ctx, deadline, tierTimeout, sink);
            }
        }
        return List.of(outcomes);
    }

    /** Runs one probe outside any tier schedule (the status port's {@code /probe}), through the same gate. */
    public ProbeResult runNow(ProbeDefinition def, Duration wait) {
        return runOne(def, context, clock.nanos() + wait.plus(def.timeout()).toNanos(), wait, o -> { }).result();
    }

    private ProbeOutcome runOne(ProbeDefinition def, ProbeContext ctx, long deadline, Duration tierTimeout,
                                Consumer<ProbeOutcome> sink) {
        ProbeResult result;
        try {
            result = gate.run(def.kind(), Duration.ofNanos(deadline - clock.nanos()), () -> {
                Duration left = Duration.ofNanos(deadline - clock.nanos());
                Duration limit = def.timeout().compareTo(left) < 0 ? def.timeout() : left;
                if (limit.isNegative() || limit.isZero()) {
                    return outOfTime(def, ctx, tierTimeout);
                }
                return def.custom() ? CustomProber.run(def, ctx, limit) : ProbeRunner.run(def.spec(), ctx, limit);
            });
        } catch (Exception e) {
            result = outOfTime(def, ctx, tierTimeout);
        }
        ProbeOutcome outcome = new ProbeOutcome(def, result);
        sink.accept(outcome);
        return outcome;
    }

    /** The failed result of a probe the tier had no time left for (or whose turn on the link never came). */
    private static ProbeResult outOfTime(ProbeDefinition def, ProbeContext ctx, Duration tierTimeout) {
        String why = "tier " + ctx.tier() + " reached its timeout of " + tierTimeout.toMillis() + " ms before this probe ran";
        if (def.custom()) {
            return io.waddleperf.core.result.ProbeResult.builder().id(io.waddleperf.core.result.UuidV7.next())
                    .testType(def.testType()).target(def.target())
                    .startedAt(java.time.Instant.now(ctx.wallClock()).truncatedTo(java.time.temporal.ChronoUnit.MICROS))
                    .durationMs(0.0).success(false).error(io.waddleperf.core.result.ErrorKind.TIMEOUT.describe(why))
                    .source(ctx.source()).device(ctx.device()).tier(ctx.tier()).build();
        }
        ProbeSpec spec = def.spec();
        return ProbeRunner.runWith(spec, (s, c, r) -> {
            throw new ProbeException(io.waddleperf.core.result.ErrorKind.TIMEOUT, why);
        }, ctx);
    }
}
