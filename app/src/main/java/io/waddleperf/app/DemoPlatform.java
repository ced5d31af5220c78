package io.waddleperf.app;

import io.waddleperf.agent.Agent;
import io.waddleperf.agent.AgentConfig;
import io.waddleperf.core.result.Json;
import io.waddleperf.core.result.Source;
import io.waddleperf.core.spec.ProbeOptions;
import io.waddleperf.core.spec.TargetParser;
import io.waddleperf.iperf3.server.Iperf3Server;
import io.waddleperf.manager.Admins;
import io.waddleperf.manager.ManagerConfig;
import io.waddleperf.manager.ManagerServer;
import io.waddleperf.manager.auth.PasswordHasher;
import io.waddleperf.manager.store.ConflictException;
import io.waddleperf.manager.store.UserRepository;
import io.waddleperf.probes.ProbeContext;
import io.waddleperf.probes.ProbeRunner;
import io.waddleperf.testserver.TestServer;
import io.waddleperf.testserver.TestServerConfig;
import io.waddleperf.testserver.TestServerListeners;
import io.waddleperf.testserver.dns.DnsResponder;
import io.waddleperf.testserver.echo.UdpEchoResponder;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The whole platform of {@code waddleperf demo} on 127.0.0.1: a manager on its embedded database, a test server, and
 * an agent enrolled to that manager running AutoPerf tier 1 against the test server. The manager is set up through
 * its own HTTP API (an OU, an enrolment secret), as an operator would, and the agent enrols with the secret as any
 * agent does. {@link #close} stops agent, test server and manager in that order — the agent first, so its last
 * deliveries do not meet a manager that is going away — and removes a temporary data folder.
 */
final class DemoPlatform implements AutoCloseable {

    static final String ADMIN = "demo";
    static final String OU_NAME = "demo";
    static final String DEVICE_SERIAL = "waddleperf-demo-agent";
    static final String ZONE = "waddleperf.test";
    static final String DNS_NAME = "demo." + ZONE;
    static final Duration AGENT_INTERVAL = Duration.ofSeconds(10);
    static final int MANAGER_PORT = 5000;
    static final int AGENT_STATUS_PORT = 9115;
    /** Everything binds to IPv4 loopback, whatever the JVM prefers for "localhost". */
    static final InetAddress LOOPBACK = InetAddress.ofLiteral("127.0.0.1");

    private final Path root;
    private final boolean temporary;
    private final List<AutoCloseable> started = new ArrayList<>();
    private ManagerServer manager;
    private TestServer testServer;
    private Agent agent;
    private DemoManagerClient client;
    private String adminPassword;
    private String testApiKey;
    private List<String> agentProbes = List.of();
    private boolean closed;
    private long agentStartedNanos;

    private DemoPlatform(Path root, boolean temporary) {
        this.root = root;
        this.temporary = temporary;
    }

    /** What could not start, naming the component; what did start is stopped again. */
    static final class StartException extends Exception {
        StartException(String component, Throwable cause) {
            super("cannot start the " + component + ": " + reason(cause), cause);
        }

        private static String reason(Throwable e) {
            if (e instanceof io.waddleperf.core.config.ConfigException c) {
                return String.join("; ", c.problems().stream().map(Object::toString).toList());
            }
            return e.getMessage() == null ? e.toString() : e.getMessage();
        }
    }

    /**
     * Starts the three components.
     *
     * @param dataDir where the manager's database, the test server's and the agent's state are kept across runs, or
     *                null for a temporary folder removed by {@link #close}
     */
    static DemoPlatform start(Path dataDir) throws StartException, IOException, InterruptedException {
        Path root = dataDir == null ? Files.createTempDirectory("waddleperf-demo") : Files.createDirectories(dataDir);
        DemoPlatform p = new DemoPlatform(root, dataDir == null);
        try {
            p.startManager();
            p.startTestServer();
            p.startAgent();
            return p;
        } catch (StartException | RuntimeException | InterruptedException e) {
            p.close();
            throw e;
        }
    }

    private void startManager() throws StartException {
        int preferred = DemoCommand.tcpPortOr(LOOPBACK, MANAGER_PORT);
        Path dir = root.resolve("manager");
        try {
            try {
                manager = ManagerServer.start(managerConfig(dir, preferred));
            } catch (RuntimeException e) {
                // the port was free a moment ago; another program took it since: any free port will do
                if (preferred == 0 || !ManagerCommand.isBindFailure(e)) {
                    throw e;
                }
                manager = ManagerServer.start(managerConfig(dir, 0));
            }
            started.add(manager);
            adminPassword = Base64.getUrlEncoder().withoutPadding().encodeToString(new SecureRandom().generateSeed(15));
            try {
                Admins.create(manager.database(), ADMIN, adminPassword);
            } catch (ConflictException e) {
                // a kept --data-dir has the demo admin from an earlier run: a new password for this run, shown once
                UserRepository users = new UserRepository(manager.database());
                users.updatePasswordHash(users.findByUsername(ADMIN).orElseThrow().id(), new PasswordHasher().hash(adminPassword),
                        true, Instant.now());
            }
            client = new DemoManagerClient(managerUrl(), ADMIN, adminPassword);
            started.add(client);
        } catch (RuntimeException e) {
            throw new StartException("manager", e);
        }
    }

    private static ManagerConfig managerConfig(Path dir, int port) {
        return ManagerConfig.of(Map.of("bind", "127.0.0.1", "port", Integer.toString(port), "data_dir", dir.toString(),
                "shutdown_timeout", "2s"));
    }

    private void startTestServer() throws StartException {
        testApiKey = newTestApiKey();
        try {
            testServer = TestServer.start(testServerConfig(Files.createDirectories(root.resolve("testserver")), testApiKey),
                    TestServerListeners.standard(Set.of()));
            started.add(testServer);
        } catch (IOException | RuntimeException e) {
            throw new StartException("test server", e);
        }
    }

    static String newTestApiKey() {
        return HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
    }

    /** The test server on 127.0.0.1 at its usual ports where they are free, with a DNS responder for the demo's zone. */
    static TestServerConfig testServerConfig(Path dataDir, String apiKey) {
        return TestServerConfig.of(Map.ofEntries(
                Map.entry("bind", "127.0.0.1"),
                Map.entry("http_port", Integer.toString(DemoCommand.tcpPortOr(LOOPBACK, 8080))),
                Map.entry("https_enabled", "false"),
                Map.entry("udp_echo_port", Integer.toString(DemoCommand.udpPortOr(LOOPBACK, 2000))),
                // the demo's round and the agent both echo from 127.0.0.1: the default per-source limit (100/s, burst
                // 10) is for strangers on a network and showed up here as 2 % "loss"
                Map.entry("udp_echo.rate_per_source", "2000"),
                Map.entry("udp_echo.burst_per_source", "200"),
                Map.entry("api_keys", apiKey),
                Map.entry("allow_private_targets", "true"),
                Map.entry("data_dir", dataDir.toString()),
                Map.entry("shutdown_timeout", "2s"),
                Map.entry("dns.enabled", "true"),
                Map.entry("dns.port", "0"),
                Map.entry("dns.zone", ZONE),
                Map.entry("iperf3.port", Integer.toString(DemoCommand.tcpPortOr(LOOPBACK, 5201)))));
    }

    private void startAgent() throws StartException, InterruptedException {
        try {
            String ou = client.organization(OU_NAME, "Made by waddleperf demo: the demo agent's OU");
            Path dir = Files.createDirectories(root.resolve("agent"));
            Map<String, String> env = new java.util.HashMap<>();
            // an agent that enrolled on an earlier run of a kept --data-dir has its credential: no new secret needed
            if (!Files.exists(dir.resolve(AgentConfig.DEVICE_FILE))) {
                env.put("ENROLLMENT_SECRET", client.enrollmentSecret(ou, "demo agent"));
            }
            Path file = dir.resolve("autoperf.yml");
            Files.writeString(file, agentYaml(dir));
            int preferred = DemoCommand.tcpPortOr(LOOPBACK, AGENT_STATUS_PORT);
            try {
                agent = Agent.start(AgentConfig.loader().load(file, env, Map.of("status.port", Integer.toString(preferred))));
            } catch (BindException e) {
                if (preferred == 0) {
                    throw e;
                }
                agent = Agent.start(AgentConfig.loader().load(file, env, Map.of("status.port", "0")));
            }
            started.add(agent);
            agentStartedNanos = System.nanoTime();
        } catch (IOException | RuntimeException e) {
            throw new StartException("agent", e);
        }
    }

    /**
     * Tier 1 against the test server, every 10 s: probes that need no privileges (tcp, udp echo, http, dns against
     * the test server's own responder), plus icmp where this process may send echoes. Tiers 2 and 3 are off: their
     * iperf3 and mtr runs would load the machine every time a demo probe blinked.
     */
    private String agentYaml(Path dir) {
        int http = testServer.httpPort();
        List<String> probes = new ArrayList<>(List.of(
                "{name: tcp, target: \"tcp://127.0.0.1:" + http + "\", options: {count: 5, interval: 20ms}}",
                "{name: udp, target: \"udp://127.0.0.1:" + udpEchoPort() + "\", options: {count: 20, interval: 20ms}}",
                "{name: http, target: \"http://127.0.0.1:" + http + "/health\"}",
                "{name: dns, target: \"dns://127.0.0.1:" + dnsPort() + "/" + DNS_NAME + "\"}"));
        List<String> names = new ArrayList<>(List.of("tcp", "udp", "http", "dns"));
        if (icmpWorks()) {
            probes.add("{name: ping, target: \"icmp://127.0.0.1\", options: {count: 4, interval: 200ms}}");
            names.add("icmp");
        }
        agentProbes = List.copyOf(names);
        return """
                data_dir: %s
                target_server: 127.0.0.1
                autoperf:
                  interval: %ds
                  jitter_percent: 0
                  tier1:
                    probes:
                      - %s
                  tier2: {enabled: false}
                  tier3: {enabled: false}
                manager: {url: %s, device_serial: %s, timeout: 5s}
                outbox: {retry_initial: 200ms, retry_max: 5s}
                status: {bind: 127.0.0.1}
                """.formatted(Json.write(dir.toString()), AGENT_INTERVAL.toSeconds(), String.join("\n      - ", probes),
                Json.write(managerUrl().toString()), DEVICE_SERIAL);
    }

    /**
     * ICMP echo needs a raw socket (root or CAP_NET_RAW) or a group within {@code net.ipv4.ping_group_range}: one echo
     * to 127.0.0.1 says whether this process has either, rather than a probe that fails on every round.
     */
    private static boolean icmpWorks() {
        var spec = TargetParser.parse("icmp://127.0.0.1", new ProbeOptions(1, null, Duration.ofSeconds(1), null, Map.of()));
        return ProbeRunner.run(spec, ProbeContext.of(Source.CLI)).success();
    }

    URI managerUrl() {
        return URI.create("http://127.0.0.1:" + manager.port() + "/");
    }

    URI agentStatusUrl() {
        return URI.create("http://127.0.0.1:" + agent.statusPort() + "/");
    }

    /** Time since the agent started, in milliseconds. */
    double sinceAgentStartMs() {
        return (System.nanoTime() - agentStartedNanos) / 1e6;
    }

    int managerPort() {
        return manager.port();
    }

    int agentStatusPort() {
        return agent.statusPort();
    }

    TestServer testServer() {
        return testServer;
    }

    int udpEchoPort() {
        return testServer.listener(UdpEchoResponder.class).orElseThrow().port();
    }

    int dnsPort() {
        return testServer.listener(DnsResponder.class).orElseThrow().port();
    }

    int iperf3Port() {
        return testServer.listener(Iperf3Server.class).orElseThrow().port();
    }

    String adminPassword() {
        return adminPassword;
    }

    String testApiKey() {
        return testApiKey;
    }

    /** The probe types the agent runs on tier 1. */
    List<String> agentProbes() {
        return agentProbes;
    }

    /** The manager sink's last delivery error, when the agent has one (why results have not arrived). */
    java.util.Optional<String> agentDeliveryError() {
        return agent.outbox().status().stream().filter(x -> x.name().equals("manager") && x.lastError() != null)
                .map(x -> x.lastError()).findFirst();
    }

    DemoManagerClient client() {
        return client;
    }

    Path dataDir() {
        return root;
    }

    boolean temporary() {
        return temporary;
    }

    /** Stops what started, newest first (agent, test server, manager), then removes a temporary data folder. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                org.slf4j.LoggerFactory.getLogger(DemoPlatform.class).warn("stopping {}: {}",
                        started.get(i).getClass().getSimpleName(), e.toString());
            }
        }
        if (temporary) {
            try {
                DemoCommand.deleteTree(root);
            } catch (IOException e) {
                org.slf4j.LoggerFactory.getLogger(DemoPlatform.class).warn("removing {}: {}", root, e.toString());
            }
        }
    }
}
