package io.waddleperf.app;

import io.waddleperf.agent.Agent;
import io.waddleperf.agent.AgentConfig;
import io.waddleperf.core.config.ConfigException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code waddleperf agent --config autoperf.yml}: the near end — AutoPerf tiers on a schedule, every result kept in
 * the outbox until each sink has it, the status port (docs/AGENT.md). Settings: defaults < the YAML file <
 * {@code WADDLEPERF_AGENT_*} and the original AutoPerf variables ({@code AUTOPERF_INTERVAL}, {@code TARGET_SERVER},
 * {@code MANAGER_URL}, …) < {@code --set}.
 */
@Command(name = "agent", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Run the agent: AutoPerf tiers on a schedule, results kept in a durable outbox until every sink",
            "(manager, JSON-lines file) has them, status and Prometheus metrics on port 9115.",
            "Settings: defaults < --config YAML < WADDLEPERF_AGENT_* and AUTOPERF_*, TARGET_SERVER, MANAGER_URL,",
            "MANAGER_API_KEY < --set (see 'waddleperf config agent --keys' and docs/AGENT.md)."},
        footer = {"", "Examples:",
            "  TARGET_SERVER=testserver.example.net waddleperf agent",
            "  waddleperf agent --config /etc/waddleperf/autoperf.yml",
            "  waddleperf agent --tray --config ~/.config/waddleperf/autoperf.yml",
            "  MANAGER_URL=http://manager:5000 MANAGER_API_KEY_FILE=/etc/waddleperf/api-key \\",
            "    waddleperf agent --config autoperf.yml --set autoperf.interval=60s"})
public final class AgentCommand implements Callable<Integer> {

    /** The variable that may name the configuration file instead of {@code --config}. */
    static final String CONFIG_VARIABLE = "WADDLEPERF_AGENT_CONFIG";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE",
            description = "YAML configuration file (autoperf.yml; also WADDLEPERF_AGENT_CONFIG).")
    Path configFile;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Set any configuration key by its dotted path (repeatable).")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Option(names = "--tray", description = {"Show an icon in the desktop's system tray: coloured by tier, the last result",
        "as tooltip, a menu to run now, pause, open the status page, quit. Without a tray the agent says why and",
        "goes on without the icon."})
    boolean tray;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        Map<String, String> env = System.getenv();
        Agent agent;
        try {
            agent = Agent.start(load(env));
        } catch (ConfigException e) {
            err.println("waddleperf agent: invalid configuration:");
            e.problems().forEach(p -> err.println("  " + p));
            err.flush();
            return ExitCode.USAGE.code();
        } catch (BindException e) {
            err.println("waddleperf agent: cannot listen on the status port: " + e.getMessage()
                    + " (is another program using it? move it with --set status.port=N)");
            err.flush();
            return ExitCode.USAGE.code();
        } catch (IOException e) {
            err.println("waddleperf agent: " + e.getMessage());
            err.flush();
            return ExitCode.USAGE.code();
        }
        CountDownLatch stopped = new CountDownLatch(1);
        // SIGTERM and the tray's Quit stop the agent the same way (closing it twice is a no-op)
        Runnable stop = () -> {
            agent.close();
            stopped.countDown();
        };
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "agent-shutdown"));
        PrintWriter out = spec.commandLine().getOut();
        out.println(describe(agent));
        out.flush();
        AutoCloseable trayIcon = tray ? AgentTray.start(agent, stop, env, err) : null;
        stopped.await();
        if (trayIcon != null) {
            trayIcon.close();
        }
        return ExitCode.OK.code();
    }

    AgentConfig load(Map<String, String> env) {
        Path file = configFile;
        if (file == null && env.get(CONFIG_VARIABLE) != null && !env.get(CONFIG_VARIABLE).isBlank()) {
            file = Path.of(env.get(CONFIG_VARIABLE));
        }
        return AgentConfig.loader().load(file, env, overrides);
    }

    static String describe(Agent agent) {
        AgentConfig c = agent.config();
        StringBuilder s = new StringBuilder("waddleperf agent " + VersionProvider.version() + " running: AutoPerf ");
        s.append(c.autoperf().enabled() ? "every " + io.waddleperf.core.units.Units.formatDuration(c.autoperf().interval())
                + " against " + c.targetServer() : "off");
        s.append("; outbox ").append(c.dataDir().resolve("outbox").toAbsolutePath());
        s.append("; sinks ").append(agent.outbox().status().stream().map(io.waddleperf.agent.outbox.Outbox.SinkStatus::name)
                .toList());
        if (agent.statusPort() > 0) {
            s.append("; status http://").append(c.status().bind()).append(':').append(agent.statusPort())
                    .append("/api/autoperf/status");
        }
        return s.toString();
    }
}
