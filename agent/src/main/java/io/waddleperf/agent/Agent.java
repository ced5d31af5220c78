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
import io.waddleperf.agent.manager.DeviceLink;
import io.waddleperf.agent.status.LastResults;
import io.waddleperf.core.autoperf.AutoPerfConfig;
import io.waddleperf.core.config.ConfigException;
import io.waddleperf.core.config.Secret;
import io.waddleperf.core.result.Device;
import io.waddleperf.device.ManagerClient;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import io.waddleperf.agent.status.AgentMetrics;
import io.waddleperf.agent.status.StatusServer;
import io.waddleperf.core.result.Source;
import io.waddleperf.probes.DeviceIdentity;
import io.waddleperf.probes.ProbeContext;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
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
public final class Agent implements AgentControls, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

    /** The configuration as loaded; a configuration from the manager replaces only its measuring part. */
    private final AgentConfig local;
    /** The configuration running now (the local one, or the local one measuring what the manager said). */
    private volatile AgentConfig config;
    private final Outbox outbox;
    private final AutoperfStatus status;
    private final AgentMetrics metrics;
    private final TierRunner runner;
    private final LastResults lastResults;
    private StatusServer statusServer;
    private volatile Scheduler scheduler;
    private DeviceLink deviceLink;
    private final List<Consumer<AgentView>> listeners = new CopyOnWriteArrayList<>();
    private volatile AgentView.LastRun lastRun;
    private volatile ProbeOutcome lastResult;
    private volatile boolean closed;

    private Agent(AgentConfig config, Outbox outbox, AutoperfStatus status, AgentMetrics metrics, TierRunner runner,
                  LastResults lastResults) {
        this.local = config;
        this.config = config;
        this.outbox = outbox;
        this.status = status;
        this.metrics = metrics;
        this.runner = runner;
        this.lastResults = lastResults;
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
        Path outboxDir = config.dataDir().resolve("outbox");
        Device device = deviceIdentity(config);
        ManagerClient managerClient = config.enrolls()
                ? new ManagerClient(config.manager().url(), config.manager().timeout()) : null;
        // the sink asks the holder for the credential: the link that holds it starts once the agent exists
        DeviceCredentials deviceCredentials = new DeviceCredentials();
        List<Sink> sinks = new ArrayList<>();
        if (config.manager().url() != null) {
            sinks.add(new ManagerSink(config.manager().url(), config.enrolls() ? deviceCredentials
                    : ManagerSink.Credentials.apiKey(config.manager().apiKey()), config.manager().batchSize(),
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
        AutoperfStatus status = new AutoperfStatus(config.autoperf().enabled(), baseTier(config));
        AgentMetrics metrics = new AgentMetrics(outbox);
        ProbeContext context = ProbeContext.of(Source.AGENT).withDevice(device);
        TierRunner runner = new TierRunner(context, new ProbeGate());
        Agent agent = new Agent(config, outbox, status, metrics, runner, new LastResults());
        try {
            if (config.status().enabled()) {
                StatusServer.limitClients(config.status().requestTimeout(), config.status().maxConnections());
                agent.statusServer = StatusServer.start(config.status().bind(), config.status().port(), status, metrics,
                        outbox, runner, agent::config, agent.lastResults, agent::managerState);
            }
        } catch (IOException | RuntimeException e) {
            outbox.close();
            if (managerClient != null) {
                managerClient.close();
            }
            throw e;
        }
        outbox.start();
        // the scheduler always exists: a configuration from the manager may turn AutoPerf on or off
        agent.scheduler = new Scheduler(config.autoperf(), config.autoperf().enabled() ? config.probeDefinitions()
                : List.of(), runner, agent::record, status, agent.schedulerListener(metrics), Clock.systemUTC(),
                new Random());
        if (managerClient != null) {
            Secret secret = config.manager().enrollmentSecret();
            agent.deviceLink = DeviceLink.start(managerClient, config.dataDir(), secret == null || secret.isEmpty()
                    ? null : secret.reveal(), device, agent::applyServed, config.outbox().retryMax());
            deviceCredentials.link = agent.deviceLink;
        }
        agent.scheduler.start();
        AgentConfig running = agent.config;
        LOG.info("agent {} started: AutoPerf {}, interval {}, sinks {}, status port {}{}", version(),
                running.autoperf().enabled() ? "on" : "off",
                io.waddleperf.core.units.Units.formatDuration(running.autoperf().interval()),
                sinks.stream().map(Sink::name).toList(), agent.statusServer == null ? "off" : agent.statusServer.port(),
                managerClient == null ? "" : ", device " + device.serial() + " of the manager at "
                        + config.manager().url());
        return agent;
    }

    /** The machine as the manager and the results know it: {@code manager.device_serial} if set. */
    static Device deviceIdentity(AgentConfig config) {
        Device d = DeviceIdentity.local("agent", version());
        String serial = config.manager().deviceSerial();
        return serial == null ? d : new Device(serial, d.hostname(), d.os(), d.osVersion(), d.clientType(),
                d.clientVersion());
    }

    private static int baseTier(AgentConfig config) {
        return config.autoperf().tiers().indexOf(config.autoperf().tiers().stream()
                .filter(Tier::enabled).findFirst().orElse(config.autoperf().tier1())) + 1;
    }

    /** The sink's view of the device credential, before and after the link has started. */
    private static final class DeviceCredentials implements ManagerSink.Credentials {
        private volatile DeviceLink link;

        @Override
        public Optional<String> current() {
            DeviceLink l = link;
            return l == null ? Optional.empty() : l.current();
        }

        @Override
        public void refused(String credential) {
            DeviceLink l = link;
            if (l != null) {
                l.refused(credential);
            }
        }
    }

    /**
     * Runs a configuration the manager served (null: back to the local one) without a restart: checked as the
     * agent's own configuration (every placeholder must fill from this agent's target server and resolver, every
     * target must parse), then the scheduler's plan is swapped in one step. A refused configuration changes nothing.
     *
     * @return why it was refused, or empty when it runs
     */
    synchronized Optional<String> applyServed(AutoPerfConfig served) {
        AutoPerfConfig measuring = served == null ? local.measuring()
                : served.targetServer() == null ? served.withTargetServer(local.targetServer()) : served;
        AgentConfig next = local.withMeasuring(measuring);
        List<List<ProbeDefinition>> probes;
        try {
            AgentConfig.loader().check(next);
            probes = next.autoperf().enabled() ? next.probeDefinitions() : List.of();
        } catch (ConfigException e) {
            return Optional.of(String.join("; ", e.problems()));
        }
        config = next;
        Set<String> names = new HashSet<>();
        probes.forEach(tier -> tier.forEach(d -> names.add(d.tier() + "/" + d.name())));
        lastResults.retain(names);
        if (scheduler != null) {
            scheduler.replace(next.autoperf(), probes);
        }
        return Optional.empty();
    }

    /** The manager link's state for the status page; null when the agent is no enrolled device. */
    private DeviceLink.State managerState() {
        DeviceLink l = deviceLink;
        return l == null ? null : l.state();
    }

    /** Every result's way: into the outbox first (durable), then into metrics, then to the listeners. */
    private void record(ProbeOutcome o) {
        outbox.accept(o.result());
        lastResults.add(o);
        lastResult = o;
        try {
            metrics.result(o);
        } catch (RuntimeException e) {
            LOG.error("metrics could not take a result of probe '{}'", o.definition().name(), e);
        }
        changed();
    }

    /** The metrics' view of the schedule, and the end of each run for the listeners. */
    private Scheduler.Listener schedulerListener(AgentMetrics metrics) {
        return new Scheduler.Listener() {
            @Override
            public void tierFinished(int tier, java.time.Duration took, List<io.waddleperf.agent.autoperf.Crossing> c) {
                metrics.tierFinished(tier, took, c);
            }

            @Override
            public void trigger(io.waddleperf.agent.autoperf.Trigger t) {
                metrics.trigger(t);
            }

            @Override
            public void settled(int tier, List<ProbeOutcome> outcomes) {
                lastRun = new AgentView.LastRun(tier, Instant.now(), outcomes.size(),
                        (int) outcomes.stream().filter(o -> !o.result().success()).count());
                changed();
            }
        };
    }

    private void changed() {
        if (listeners.isEmpty()) {
            return;
        }
        AgentView v = view();
        for (Consumer<AgentView> l : listeners) {
            try {
                l.accept(v);
            } catch (RuntimeException e) {
                LOG.warn("a listener of the agent's state failed", e);
            }
        }
    }

    @Override
    public AgentView view() {
        AutoperfStatus.Snapshot s = status.snapshot();
        Instant next = s.nextRun();
        // a run that is due already is running (or about to): there is no next run to name yet
        boolean upcoming = next != null && next.isAfter(Instant.now());
        return new AgentView(s.enabled(), s.paused(), s.currentTier(), lastRun, lastResult,
                s.enabled() && !s.paused() && upcoming ? next : null);
    }

    @Override
    public void addListener(Consumer<AgentView> listener) {
        listeners.add(listener);
    }

    @Override
    public boolean runNow() {
        Scheduler s = scheduler;
        return s != null && !closed && s.runNow();
    }

    @Override
    public Optional<URI> statusPage() {
        if (statusServer == null) {
            return Optional.empty();
        }
        String bind = config.status().bind();
        // a wildcard bind answers on loopback too, and loopback is what a browser on this machine reaches surely
        String host = switch (bind) {
            case "0.0.0.0", "" -> "127.0.0.1";
            case "::", "[::]", "::0" -> "[::1]";
            default -> bind.contains(":") && !bind.startsWith("[") ? "[" + bind + "]" : bind;
        };
        return Optional.of(URI.create("http://" + host + ":" + statusServer.port() + "/"));
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

    /**
     * Stops scheduling new probe runs and returns after the run in progress (at most 10 s); delivery of what is in
     * the outbox goes on. {@link #resume} undoes it.
     */
    @Override
    public void pause() {
        Scheduler s = scheduler;
        if (s != null) {
            s.pause(Duration.ofSeconds(10));
            LOG.info("autoperf: paused");
            changed();
        }
    }

    @Override
    public void resume() {
        Scheduler s = scheduler;
        if (s != null && !closed) {
            s.resume();
            LOG.info("autoperf: resumed");
            changed();
        }
    }

    /** Stops the schedule (after the run in progress), the manager link, the status port and the outbox; once. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (scheduler != null) {
            scheduler.close();
        }
        if (deviceLink != null) {
            deviceLink.close();
        }
        if (statusServer != null) {
            statusServer.close();
        }
        outbox.close();
    }

    TierRunner runner() {
        return runner;
    }
}
