package io.waddleperf.agent.status;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.waddleperf.agent.autoperf.Crossing;
import io.waddleperf.agent.autoperf.ProbeOutcome;
import io.waddleperf.agent.autoperf.Trigger;
import io.waddleperf.agent.outbox.Outbox;
import io.waddleperf.agent.schedule.Scheduler;
import io.waddleperf.core.result.ProbeResult;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;

/**
 * The agent's Prometheus metrics (docs/AGENT.md, "Metrics"): the last result of each scheduled probe under the names
 * blackbox_exporter uses ({@code probe_success}, {@code probe_duration_seconds}, {@code probe_http_duration_seconds}
 * by {@code phase}, …) labelled by {@code tier}, {@code probe}, {@code test_type} and {@code target}; the figures
 * blackbox has no name for as {@code waddleperf_probe_*} in base units; AutoPerf's tier and escalations; and the
 * outbox per sink. The same writer serves {@code /probe}, with one result and no labels, as blackbox does.
 */
public final class AgentMetrics implements Scheduler.Listener {

    static final String[] PROBE_LABELS = {"tier", "probe", "test_type", "target"};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final ResultGauges last = new ResultGauges(registry, PROBE_LABELS);
    private final Counter runs;
    private final Counter escalations;
    private final Counter tierRuns;
    private final Gauge tierDuration;
    private final Gauge tierCrossings;
    private final Gauge currentTier;

    public AgentMetrics(Outbox outbox) {
        runs = Counter.builder().name("waddleperf_probe_runs_total")
                .help("Probe runs by outcome (success or failure)")
                .labelNames("tier", "probe", "test_type", "result").register(registry);
        escalations = Counter.builder().name("waddleperf_tier_escalations_total")
                .help("AutoPerf escalations, by the tier whose thresholds crossed and the tier run in response")
                .labelNames("from_tier", "to_tier").register(registry);
        tierRuns = Counter.builder().name("waddleperf_tier_runs_total").help("Runs of each AutoPerf tier")
                .labelNames("tier").register(registry);
        tierDuration = Gauge.builder().name("waddleperf_tier_duration_seconds")
                .help("How long the last run of each tier took").labelNames("tier").register(registry);
        tierCrossings = Gauge.builder().name("waddleperf_tier_thresholds_crossed")
                .help("Thresholds the last run of each tier crossed").labelNames("tier").register(registry);
        currentTier = Gauge.builder().name("waddleperf_autoperf_current_tier")
                .help("The deepest tier the current AutoPerf episode reached (the scheduled tier when healthy)")
                .register(registry);
        currentTier.set(1);
        if (outbox != null) {
            GaugeWithCallback.builder().name("waddleperf_outbox_pending_results")
                    .help("Results in the outbox a sink does not have yet").labelNames("sink")
                    .callback(cb -> outbox.status().forEach(s -> cb.call(s.pending(), s.name()))).register(registry);
            CounterWithCallback.builder().name("waddleperf_outbox_delivered_results_total")
                    .help("Results delivered to each sink since the agent started").labelNames("sink")
                    .callback(cb -> outbox.status().forEach(s -> cb.call(s.delivered(), s.name()))).register(registry);
            CounterWithCallback.builder().name("waddleperf_outbox_rejected_results_total")
                    .help("Results a sink refused, set aside in outbox/rejected/").labelNames("sink")
                    .callback(cb -> outbox.status().forEach(s -> cb.call(s.rejected(), s.name()))).register(registry);
            CounterWithCallback.builder().name("waddleperf_outbox_delivery_failures_total")
                    .help("Failed delivery attempts (retried with backoff)").labelNames("sink")
                    .callback(cb -> outbox.status().forEach(s -> cb.call(s.failures(), s.name()))).register(registry);
            GaugeWithCallback.builder().name("waddleperf_outbox_bytes").help("Bytes the outbox spool holds")
                    .callback(cb -> cb.call(outbox.spool().bytes())).register(registry);
            GaugeWithCallback.builder().name("waddleperf_outbox_max_bytes").help("The outbox spool's size cap")
                    .callback(cb -> cb.call(outbox.spool().maxBytes())).register(registry);
            CounterWithCallback.builder().name("waddleperf_outbox_dropped_results_total")
                    .help("Results lost to the outbox size cap or a failed disk write")
                    .callback(cb -> cb.call(outbox.spool().dropped())).register(registry);
        }
    }

    /** Records a scheduled probe's result: its last figures and its run count. */
    public void result(ProbeOutcome o) {
        ProbeResult r = o.result();
        String[] labels = {Integer.toString(o.definition().tier()), o.definition().name(), r.testType().wireName(),
                r.target()};
        last.set(r, labels);
        runs.labelValues(labels[0], labels[1], labels[2], r.success() ? "success" : "failure").inc();
    }

    @Override
    public void tierFinished(int tier, Duration took, List<Crossing> crossings) {
        String t = Integer.toString(tier);
        tierRuns.labelValues(t).inc();
        tierDuration.labelValues(t).set(took.toNanos() / 1e9);
        tierCrossings.labelValues(t).set(crossings.size());
    }

    @Override
    public void trigger(Trigger trigger) {
        if (trigger.escalation()) {
            escalations.labelValues(Integer.toString(trigger.fromTier()), Integer.toString(trigger.toTier())).inc();
        }
        currentTier.set(trigger.toTier());
    }

    /** Writes every metric in the Prometheus text format (version 0.0.4). */
    public void write(OutputStream out) throws IOException {
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
    }

    /** Writes one result the way blackbox_exporter's {@code /probe} answers: the probe_* series without labels. */
    public static void writeProbe(ProbeResult r, OutputStream out) throws IOException {
        PrometheusRegistry one = new PrometheusRegistry();
        ResultGauges gauges = new ResultGauges(one, new String[0]);
        gauges.set(r, new String[0]);
        PrometheusTextFormatWriter.create().write(out, one.scrape(gauges.written()::contains));
    }

    public static String contentType() {
        return PrometheusTextFormatWriter.CONTENT_TYPE;
    }
}
