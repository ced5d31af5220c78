package io.waddleperf.agent;

import io.waddleperf.core.autoperf.Tier;
import io.waddleperf.core.autoperf.ProbeDefinition;
import io.waddleperf.agent.autoperf.ProbeOutcome;
import io.waddleperf.agent.outbox.Outbox;
import io.waddleperf.agent.outbox.Sink;
import io.waddleperf.agent.outbox.Spool;
import io.waddleperf.agent.schedule.AutoperfStatus;
import io.waddleperf.agent.schedule.ProbeGate;
import io.waddleperf.agent.schedule.Scheduler;
import io.waddleperf.agent.schedule.TierRunner;
import io.waddleperf.agent.sink.JsonLinesSink;
import io.waddleperf.agent.sink.ManagerSink;
import io.waddleperf.agent.status.AgentMetrics;
import io.waddleperf.agent.status.StatusServer;
import io.waddleperf.core.result.Source;
import io.waddleperf.probes.DeviceIdentity;
import io.waddleperf.probes.ProbeContext;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running agent assembled from one checked {@link AgentConfig}: the outbox with its sinks, the AutoPerf scheduler
 * feeding it, the metrics and the status port. Every result goes to the outbox first; metrics and status see it
 * after.
 */
public final class Agent implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

    private final AgentConfig config;
    private final Outbox outbox;
    private final AutoperfStatus status;
    private final AgentMetrics metrics;
    private final TierRunner runner;
    private final StatusServer statusServer;
    private Scheduler scheduler;

    private Agent(AgentConfig config, Outbox outbox, AutoperfStatus status, AgentMetrics metrics, TierRunner runner,
                  StatusServer statusServer) {
        this.config = config;
        this.outbox = outbox;
        this.status = status;
        this.metrics = metrics;
        this.runner = runner;
        this.statusServer = statusServer;
    }

    /** The agent's version (the jar's, or {@code dev} when run from classes). */
    public static String version() {
        String v = Agent.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /**
     * Opens the outbox, starts delivery, the status port and (when AutoPerf is enabled) the schedule.
     *
     * @throws IOException when the data folder or the status port cannot be used
     */
    public static Agent start(AgentConfig config) throws IOException {
        List<List<ProbeDefinition>> probes = config.autoperf().enabled() ? config.probeDefinitions() : List.of();
        Path outboxDir = config.dataDir().resolve("outbox");
        List<Sink> sinks = new ArrayList<>();
        if (config.manager().url() != null) {
            sinks.add(new ManagerSink(config.manager().url(), config.manager().apiKey(), config.manager().batchSize(),
                    config.manager().timeout()));
        }
        AgentConfig.FileSink file = config.sinks().file();
        if (file.enabled()) {
            Path path = file.path() != null ? file.path() : config.dataDir().resolve("results.jsonl");
            sinks.add(new JsonLinesSink(path, file.maxBytes(), file.keep(), file.batchSize()));
        }
        sinks.addAll(LocalSinks.of(config));
        AgentConfig.Outbox o = config.outbox();
        Spool spool = Spool.open(outboxDir, o.maxBytes(), o.segmentBytes(), o.whenFull(),
                sinks.stream().map(Sink::name).toList());
        Outbox outbox = new Outbox(spool, outboxDir, sinks, o.retryInitial(), o.retryMax());
        int base = config.autoperf().tiers().indexOf(config.autoperf().tiers().stream()
                .filter(Tier::enabled).findFirst().orElse(config.autoperf().tier1())) + 1;
        AutoperfStatus status = new AutoperfStatus(config.autoperf().enabled(), base);
        AgentMetrics metrics = new AgentMetrics(outbox);
        ProbeContext context = ProbeContext.of(Source.AGENT).withDevice(DeviceIdentity.local("agent", version()));
        TierRunner runner = new TierRunner(context, new ProbeGate());
        StatusServer server = null;
        try {
            if (config.status().enabled()) {
                server = StatusServer.start(config.status().bind(), config.status().port(), status, metrics, outbox,
                        runner, config);
            }
        } catch (IOException | RuntimeException e) {
            outbox.close();
            throw e;
        }
        Agent agent = new Agent(config, outbox, status, metrics, runner, server);
        outbox.start();
        if (config.autoperf().enabled()) {
            agent.scheduler = new Scheduler(config.autoperf(), probes, runner, agent::record, status, metrics,
                    Clock.systemUTC(), new Random());
            agent.scheduler.start();
        }
        LOG.info("agent {} started: AutoPerf {}, interval {}, sinks {}, status port {}", version(),
                config.autoperf().enabled() ? "on" : "off",
                io.waddleperf.core.units.Units.formatDuration(config.autoperf().interval()),
                sinks.stream().map(Sink::name).toList(), server == null ? "off" : server.port());
        return agent;
    }

    /** Every result's way: into the outbox first (durable), then into metrics. */
    private void record(ProbeOutcome o) {
        outbox.accept(o.result());
        try {
            metrics.result(o);
        } catch (RuntimeException e) {
            LOG.error("metrics could not take a result of probe '{}'", o.definition().name(), e);
        }
    }

    public AgentConfig config() {
        return config;
    }

    public Outbox outbox() {
        return outbox;
    }

    public AutoperfStatus status() {
        return status;
    }

    /** The bound status port; -1 when the status port is off. */
    public int statusPort() {
        return statusServer == null ? -1 : statusServer.port();
    }

    /** Stops scheduling new probe runs (after the run in progress); delivery of what is in the outbox goes on. */
    public synchronized void pause() {
        if (scheduler != null) {
            scheduler.close();
            scheduler = null;
        }
    }

    @Override
    public void close() {
        pause();
        if (statusServer != null) {
            statusServer.close();
        }
        outbox.close();
    }

    TierRunner runner() {
        return runner;
    }
}
