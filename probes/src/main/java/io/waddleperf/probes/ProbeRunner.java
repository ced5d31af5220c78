package io.waddleperf.probes;

import io.waddleperf.core.result.ErrorKind;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.UuidV7;
import io.waddleperf.core.spec.ProbeSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one probe and always returns a result: stamps identity and timing, enforces the spec's overall
 * budget, and turns any failure into {@code success: false} with a classified {@code error}
 * (blackbox_exporter's handler/prober split; failures are results, docs/RESULTS.md).
 */
public final class ProbeRunner {

    /** Extra time beyond a spec's budget before the runner gives up on a prober that ignores its own timeouts. */
    static final Duration GRACE = Duration.ofSeconds(2);

    private ProbeRunner() {
    }

    /** Runs {@code spec} with the prober the registry assigns to its type. */
    public static ProbeResult run(ProbeSpec spec, ProbeContext context) {
        return runWith(spec, Probers.forSpec(spec), context);
    }

    /**
     * Runs {@code spec} but gives up after {@code limit} when that comes before the spec's own budget: a caller with a
     * deadline of its own (the agent's per-probe and per-tier timeouts) still gets a result, failed with
     * {@code timeout}.
     */
    public static ProbeResult run(ProbeSpec spec, ProbeContext context, Duration limit) {
        return runWith(spec, Probers.forSpec(spec), context, limit);
    }

    /** Runs {@code spec} with a given prober (tests, and probers composed of others). */
    public static <S extends ProbeSpec> ProbeResult runWith(S spec, Prober<? super S> prober, ProbeContext context) {
        return runWith(spec, prober, context, null);
    }

    /** As {@link #runWith(ProbeSpec, Prober, ProbeContext)}, giving up after {@code limit} (null: the spec's budget). */
    public static <S extends ProbeSpec> ProbeResult runWith(S spec, Prober<? super S> prober, ProbeContext context,
                                                            Duration limit) {
        Duration wait = spec.budget().plus(GRACE);
        boolean limited = limit != null && limit.compareTo(wait) < 0;
        if (limited) {
            wait = limit;
        }
        ProbeResult.Builder result = ProbeResult.builder()
                .id(UuidV7.next())
                .testType(spec.testType())
                .protocolDetail(spec.protocolDetail())
                .target(spec.target())
                .targetHost(spec.endpoint().host())
                .targetPort(spec.endpoint().hasPort() ? spec.endpoint().port() : null)
                .startedAt(Instant.now(context.wallClock()).truncatedTo(ChronoUnit.MICROS))
                .source(context.source())
                .device(context.device())
                .tier(context.tier());
        long start = context.clock().nanos();
        Failures.Failure failure = null;
        FutureTask<Void> task = new FutureTask<>(() -> {
            prober.probe(spec, context, result);
            return null;
        });
        // A platform thread, not a virtual one: a virtual thread that blocks in a socket call is parked and later
        // unparked through the JDK's poller thread and the carrier scheduler, a hop of 0.1-0.5 ms measured inside
        // every timed exchange (docs/BENCHMARKS.md §5); a daemon, so a prober stuck past its deadline cannot keep
        // a one-shot command alive.
        Thread worker = Thread.ofPlatform().daemon().name("probe-" + spec.testType().wireName()).start(task);
        try {
            awaitWithin(task, wait);
        } catch (TimeoutException e) {
            task.cancel(true);
            failure = new Failures.Failure(ErrorKind.TIMEOUT, "no result within "
                    + (limited ? wait : spec.budget()).toMillis() + " ms");
        } catch (ExecutionException e) {
            failure = Failures.classify(e.getCause());
        } catch (InterruptedException e) {
            task.cancel(true);
            Thread.currentThread().interrupt();
            failure = new Failures.Failure(ErrorKind.INTERNAL_ERROR, "interrupted");
        } finally {
            if (worker.isAlive() && failure != null) {
                worker.interrupt();
            }
        }
        double elapsedMs = context.clock().millisSince(start);
        synchronized (result) {
            result.durationMs(Math.round(elapsedMs * 1000.0) / 1000.0);
            result.success(failure == null);
            result.error(failure == null ? null : failure.describe());
            return result.build();
        }
    }

    private static void awaitWithin(Future<Void> task, Duration limit) throws InterruptedException, ExecutionException, TimeoutException {
        task.get(limit.toNanos(), TimeUnit.NANOSECONDS);
    }
}
