package io.waddleperf.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.waddleperf.app.report.Units;
import io.waddleperf.testserver.TestServer;
import io.waddleperf.testserver.TestServerListeners;
import io.waddleperf.testserver.dns.DnsResponder;
import io.waddleperf.testserver.echo.UdpEchoResponder;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code waddleperf demo}: the whole platform on 127.0.0.1 ({@link DemoPlatform}: manager with its web UI, test
 * server, an agent enrolled to the manager), a header saying where each is, then a table of the demo's own probes
 * against the test server every {@code --interval}, with what the manager has stored from the agent. With
 * {@code --once}: one round including a short iperf3 test and a short speed test, and a bounded wait until the
 * agent's first results can be read back from the manager; exit code 0 when everything worked.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Start the whole platform on 127.0.0.1 — the manager (web UI, embedded database), a test server and "
                + "an agent enrolled to the manager — and show a table of probes against the test server.",
            "With --once: one round plus an iperf3 test and a speed test, and a wait until the agent's first results are "
                + "stored in the manager; exit code 0 when all of it worked, 1 otherwise."},
        footer = {"", "Examples:",
            "  waddleperf demo                          # then open the printed web UI address; Ctrl-C stops everything",
            "  waddleperf demo --data-dir demo-data     # keep the manager's database and the agent's identity"})
public final class DemoCommand implements Callable<Integer> {

    /** How long {@code --once} waits for the agent's first results to be stored in the manager. */
    static final Duration AGENT_RESULTS_WAIT = Duration.ofSeconds(60);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--once", description = "Run one round (with an iperf3 and a speed test), wait for the agent's results in the manager, and exit.")
    boolean once;

    @Option(names = "--interval", paramLabel = "D", converter = TestCommand.DurationConverter.class, defaultValue = "10s",
            description = "Time between rounds of the table (default ${DEFAULT-VALUE}).")
    Duration interval;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Keep the manager's database and the agent's state here (default: a temporary folder, removed at exit).")
    Path dataDir;

    /**
     * The test server, one round of its four probes and the {@code test} command against each, nothing else: the
     * launcher's class-data training run, which should load what one-shot commands load, not a manager and an agent.
     */
    @Option(names = "--probes-only", hidden = true)
    boolean probesOnly;

    /**
     * Which outputs of the {@code test} command {@code --probes-only} runs: the launcher keeps one start-up cache for
     * text and one for {@code --json} (whose JSON writer is most of what a text run does not load).
     */
    @Option(names = "--training-output", hidden = true, defaultValue = "both")
    TrainingOutput trainingOutput;

    enum TrainingOutput {
        text, json, both
    }

    /** The test server of {@code --probes-only}'s training run, started by it as a process of its own. */
    @Option(names = "--training-server", hidden = true)
    boolean trainingServer;

    private volatile boolean stopping;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (trainingServer) {
            quietLogs();
            return serveForTraining(out);
        }
        if (probesOnly) {
            // not quietLogs() here: loading the logging back end would put it in the start-up cache this trains,
            // and one-shot commands do not log
            return probesOnly(out);
        }
        quietLogs();
        Thread hook = new Thread(this::stop, "demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            DemoPlatform platform;
            try {
                platform = DemoPlatform.start(dataDir);
            } catch (DemoPlatform.StartException e) {
                err.println("waddleperf demo: " + e.getMessage());
                err.flush();
                return ExitCode.PROBE_FAILED.code();
            }
            try {
                header(platform, out);
                return once ? once(platform, out) : rounds(platform, out);
            } finally {
                platform.close();
            }
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is what is running: nothing to remove
            }
        }
    }

    /**
     * Ends the demo and waits until agent, test server and manager are stopped (the shutdown hook on Ctrl-C; tests
     * call it directly). A probe in progress finishes first; each is bounded by its own timeout.
     */
    void stop() {
        stopping = true;
        stopRequested.countDown();
        try {
            finished.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void header(DemoPlatform p, PrintWriter out) {
        TestServer ts = p.testServer();
        out.println("WaddlePerf demo " + VersionProvider.version() + ": manager, test server and agent on 127.0.0.1 (Ctrl-C stops all three)");
        out.println();
        out.println("  web UI        " + p.managerUrl() + "   log in as " + DemoPlatform.ADMIN + " / " + p.adminPassword()
                + "   (password shown this once)");
        out.println("  agent status  " + p.agentStatusUrl() + "   device " + DemoPlatform.DEVICE_SERIAL + " in OU "
                + DemoPlatform.OU_NAME + ", AutoPerf tier 1 (" + String.join(", ", p.agentProbes()) + ") every "
                + DemoPlatform.AGENT_INTERVAL.toSeconds() + " s, results to the manager");
        out.println("  test server   " + TestServerCommand.describe(ts));
        out.println("  test API key  " + p.testApiKey() + "   (curl -H 'Authorization: ApiKey " + p.testApiKey()
                + "' -H 'Content-Type: application/json' -d '{\"target\":\"127.0.0.1\",\"port\":" + ts.httpPort()
                + "}' http://127.0.0.1:" + ts.httpPort() + "/api/v1/test/tcp)");
        out.println("  data          " + p.dataDir().toAbsolutePath() + (p.temporary() ? "   (removed at exit; keep it with --data-dir)" : ""));
        out.flush();
    }

    private DemoRound round(DemoPlatform p, boolean throughput) {
        return DemoRound.against(p.testServer().httpPort(), p.udpEchoPort(), p.dnsPort(), p.iperf3Port(), throughput);
    }

    private int rounds(DemoPlatform p, PrintWriter out) throws InterruptedException {
        DemoRound round = round(p, false);
        for (int n = 1; !stopping; n++) {
            round.run(n, out, () -> stopping);
            if (!stopping) {
                out.println(managerLine(p));
                out.flush();
            }
            if (stopRequested.await(interval.toMillis(), TimeUnit.MILLISECONDS)) {
                break;
            }
        }
        return ExitCode.OK.code();
    }

    /** What the manager holds from the agent: the dashboard's figures, read through the same API. */
    private static String managerLine(DemoPlatform p) {
        try {
            long stored = 0;
            for (JsonNode g : p.client().summary().path("groups")) {
                stored += g.path("count").asLong();
            }
            JsonNode newest = p.client().deviceResults(DemoPlatform.DEVICE_SERIAL, 1);
            String last = newest.isEmpty() ? "none yet" : newest.get(0).path("test_type").asText() + " "
                    + (newest.get(0).path("success").asBoolean() ? "ok" : "FAILED") + " started "
                    + newest.get(0).path("started_at").asText();
            return "  manager   " + stored + " results stored in the last 24 h; the agent's newest: " + last;
        } catch (IOException e) {
            return "  manager   cannot read the statistics: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "  manager   (stopping)";
        }
    }

    private int once(DemoPlatform p, PrintWriter out) throws InterruptedException {
        List<String> failures = new ArrayList<>(round(p, true).run(1, out, () -> stopping));
        if (!stopping) {
            awaitAgentResults(p, out).ifPresent(failures::add);
        }
        if (stopping) {
            failures.add("stopped before the round finished");
        }
        if (failures.isEmpty()) {
            out.println();
            out.println("all probes succeeded, and the agent's results are stored in the manager");
        } else {
            out.println();
            failures.forEach(f -> out.println("FAILED " + f));
        }
        out.flush();
        return failures.isEmpty() ? ExitCode.OK.code() : ExitCode.PROBE_FAILED.code();
    }

    /**
     * Waits (at most {@link #AGENT_RESULTS_WAIT}) until the manager has a result of every probe of the agent's tier 1,
     * read back through {@code GET /api/v1/results}: enrolment, delivery and ingestion all worked.
     *
     * @return why it did not happen, if it did not
     */
    private java.util.Optional<String> awaitAgentResults(DemoPlatform p, PrintWriter out) throws InterruptedException {
        long deadline = System.nanoTime() + AGENT_RESULTS_WAIT.toNanos();
        Set<String> seen = new TreeSet<>();
        String lastProblem = null;
        int count = 0;
        while (true) {
            try {
                JsonNode results = p.client().deviceResults(DemoPlatform.DEVICE_SERIAL, 100);
                count = results.size();
                results.forEach(r -> seen.add(r.path("test_type").asText()));
                lastProblem = null;
            } catch (IOException e) {
                lastProblem = "reading results from the manager: " + e.getMessage();
            }
            if (seen.containsAll(p.agentProbes())) {
                out.printf(Locale.ROOT, "  %-9s agent results stored in the manager: %d (%s) from device %s, read back through "
                                + "GET /api/v1/results %s after the agent started%n", "manager", count, String.join(", ", seen),
                        DemoPlatform.DEVICE_SERIAL, Units.seconds(p.sinceAgentStartMs()));
                out.flush();
                return java.util.Optional.empty();
            }
            if (System.nanoTime() >= deadline || stopping) {
                break;
            }
            stopRequested.await(500, TimeUnit.MILLISECONDS);
        }
        List<String> missing = new ArrayList<>(p.agentProbes());
        missing.removeAll(seen);
        String why = lastProblem != null ? lastProblem
                : p.agentDeliveryError().map(e -> "the agent's last delivery failed: " + e)
                        .orElse("no " + String.join(", ", missing) + " result of the agent yet");
        out.printf(Locale.ROOT, "  %-9s %-44s %-7s %10s  %s%n", "manager", "agent results", "FAILED", "", why);
        out.flush();
        return java.util.Optional.of("manager: the agent's results were not stored within "
                + AGENT_RESULTS_WAIT.toSeconds() + " s: " + why);
    }

    /**
     * The launcher's training run: one round of the four probes and the {@code test} command against a test server,
     * no manager or agent. The server runs in a process of its own where this process runs from the jar (so its
     * classes stay out of the start-up cache the run trains: {@link TrainingServer}), else in this JVM.
     */
    private int probesOnly(PrintWriter out) throws IOException {
        var external = TrainingServer.start(Duration.ofSeconds(60));
        if (external.isPresent()) {
            try (TrainingServer server = external.get()) {
                out.printf(Locale.ROOT, "test server in process %d listening on 127.0.0.1: http %d, udp echo %d, dns %d%n",
                        server.pid(), server.httpPort(), server.udpPort(), server.dnsPort());
                return trainAgainst(out, server.httpPort(), server.udpPort(), server.dnsPort(), trainingOutput);
            }
        }
        quietLogs();
        Path dir = Files.createTempDirectory("waddleperf-demo");
        try (TestServer server = TestServer.start(DemoPlatform.testServerConfig(dir, DemoPlatform.newTestApiKey()),
                TestServerListeners.standard(Set.of()))) {
            out.println(TestServerCommand.describe(server));
            return trainAgainst(out, server.httpPort(), server.listener(UdpEchoResponder.class).orElseThrow().port(),
                    server.listener(DnsResponder.class).orElseThrow().port(), trainingOutput);
        } finally {
            deleteTree(dir);
        }
    }

    private static int trainAgainst(PrintWriter out, int httpPort, int udpPort, int dnsPort, TrainingOutput output) {
        List<String> failures = DemoRound.against(httpPort, udpPort, dnsPort, 0, false).run(1, out, () -> false);
        trainTestCommand(httpPort, udpPort, dnsPort, output);
        return failures.isEmpty() ? ExitCode.OK.code() : ExitCode.PROBE_FAILED.code();
    }

    /**
     * {@code --training-server}: the demo's test server, its ports on one line of stdout, then serving until stdin
     * ends (the training run closed it or is gone).
     */
    private int serveForTraining(PrintWriter out) throws IOException {
        Path dir = Files.createTempDirectory("waddleperf-demo");
        try (TestServer server = TestServer.start(DemoPlatform.testServerConfig(dir, DemoPlatform.newTestApiKey()),
                TestServerListeners.standard(Set.of()))) {
            out.println(TrainingServer.PORTS_PREFIX + server.httpPort() + " "
                    + server.listener(UdpEchoResponder.class).orElseThrow().port() + " "
                    + server.listener(DnsResponder.class).orElseThrow().port());
            out.flush();
            System.in.transferTo(java.io.OutputStream.nullOutputStream());
            return ExitCode.OK.code();
        } finally {
            deleteTree(dir);
        }
    }

    /**
     * The {@code test} command's own path, as a cold {@code waddleperf test <target> [--json]} runs it (its parsing,
     * its text reports and the JSON writer), against the test server, output discarded: a class-data archive holds
     * only the classes its training run loaded, and the demo round alone loads neither the command nor the writer
     * (docs/BENCHMARKS.md, CLI cold start). Failures here do not matter: the round above already said whether the
     * probes work.
     */
    private static void trainTestCommand(int httpPort, int udpPort, int dnsPort, TrainingOutput output) {
        try (ServerSocket hangUp = hangUpListener()) {
            List<String> targets = new ArrayList<>(List.of("tcp://127.0.0.1:" + httpPort, "udp://127.0.0.1:" + udpPort,
                    "http://127.0.0.1:" + httpPort + "/health", "dns://127.0.0.1:" + dnsPort + "/" + DemoPlatform.DNS_NAME));
            if (hangUp != null) {
                targets.add("tls://127.0.0.1:" + hangUp.getLocalPort());
            }
            for (String target : targets) {
                for (boolean json : new boolean[] {false, true}) {
                    if (output != TrainingOutput.both && json != (output == TrainingOutput.json)) {
                        continue;
                    }
                    List<String> args = new ArrayList<>(List.of("test", target, "-c", "2", "-i", "10ms"));
                    if (json) {
                        args.add("--json");
                    }
                    String[] argv = args.toArray(String[]::new);
                    CommandLine cl = WaddlePerf.commandLine(argv);
                    cl.setOut(new PrintWriter(Writer.nullWriter()));
                    cl.setErr(new PrintWriter(Writer.nullWriter()));
                    cl.execute(argv);
                }
            }
        } catch (IOException e) {
            // closing the listener failed: nothing the training needs
        }
    }

    /**
     * The training's tls target: a loopback listener that reads each ClientHello and hangs up. The test server here
     * runs without HTTPS, and a failed handshake is enough to put the tls probe's OpenSSL path in the start-up cache
     * (its classes, the library loading and downcall linking, its warm-up); null if no listener could be opened.
     */
    private static ServerSocket hangUpListener() {
        try {
            ServerSocket listener = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
            Thread.ofPlatform().daemon().name("training-tls").start(() -> {
                while (!listener.isClosed()) {
                    try (java.net.Socket s = listener.accept()) {
                        s.setSoTimeout(2_000);
                        s.getInputStream().read(new byte[4096]);
                    } catch (IOException e) {
                        // closed, or a client that went away: next one
                    }
                }
            });
            return listener;
        } catch (IOException e) {
            return null;
        }
    }

    /** The demo's temporary folder is scratch (databases, an outbox, a self-signed certificate): nothing to keep. */
    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * The demo's header and table are the output; the start-up chatter of manager, test server and agent is kept to
     * warnings unless the user asked for a level.
     */
    private static void quietLogs() {
        if (System.getenv(LogConfigurator.LEVEL_VARIABLE) == null
                && org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof ch.qos.logback.classic.Logger root) {
            root.setLevel(ch.qos.logback.classic.Level.WARN);
        }
    }

    /** The preferred port when it is free on {@code address}, else 0 (any free port), so a demo always starts. */
    static int tcpPortOr(InetAddress address, int preferred) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(address, preferred));
            return preferred;
        } catch (IOException e) {
            return 0;
        }
    }

    static int udpPortOr(InetAddress address, int preferred) {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(address, preferred))) {
            return preferred;
        } catch (IOException e) {
            return 0;
        }
    }
}
