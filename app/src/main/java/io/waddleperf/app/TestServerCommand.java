package io.waddleperf.app;

import io.waddleperf.core.config.ConfigException;
import io.waddleperf.core.config.Secret;
import io.waddleperf.iperf3.server.Iperf3Server;
import io.waddleperf.testserver.TestServer;
import io.waddleperf.testserver.TestServerConfig;
import io.waddleperf.testserver.TestServerListeners;
import io.waddleperf.testserver.dns.DnsResponder;
import io.waddleperf.testserver.echo.UdpEchoResponder;
import java.io.PrintWriter;
import java.net.BindException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code waddleperf testserver}: the far end of every test. Configuration comes from defaults, a YAML file
 * ({@code --config}), {@code WADDLEPERF_TESTSERVER_*} environment variables and flags, flags winning; each flag below
 * is a shorthand for one or two configuration keys (docs/CONFIGURATION.md). Secrets (API keys, echo tokens) have no
 * flag: they come from the environment or from files.
 */
@Command(name = "testserver", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        description = {"Run the test server: UDP echo, iperf3, HTTP(S) with /health and the test API, optional DNS responder.",
            "Settings: defaults < --config YAML < WADDLEPERF_TESTSERVER_* environment < flags "
                + "(see 'waddleperf config testserver --keys')."},
        footer = {"", "Examples:",
            "  waddleperf testserver --bind 127.0.0.1 --api-key-file keys.txt",
            "  WADDLEPERF_TESTSERVER_API_KEYS=0123456789abcdef waddleperf testserver --no-https",
            "  waddleperf testserver --config testserver.yml --set limits.per_client_concurrency=2"})
public final class TestServerCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Key path → value from the flags below, in the loader's flag layer. */
    private final Map<String, String> flags = new LinkedHashMap<>();

    @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration file (keys as in the docs, snake_case).")
    Path configFile;

    @Option(names = "--bind", paramLabel = "ADDR", description = "Address every listener binds to (default 0.0.0.0).")
    void bind(String v) {
        flags.put("bind", v);
    }

    @Option(names = "--http-port", paramLabel = "PORT", description = "HTTP port (default 8080; 0 = any free port).")
    void httpPort(int v) {
        flags.put("http_port", Integer.toString(v));
    }

    @Option(names = "--https-port", paramLabel = "PORT", description = "HTTPS port (default 8443).")
    void httpsPort(int v) {
        flags.put("https_port", Integer.toString(v));
    }

    @Option(names = "--no-https", description = "Do not run the HTTPS listener.")
    void noHttps(boolean v) {
        flags.put("https_enabled", Boolean.toString(!v));
    }

    @Option(names = "--udp-echo-port", paramLabel = "PORT", description = "UDP echo port (default 2000).")
    void udpEchoPort(int v) {
        flags.put("udp_echo_port", Integer.toString(v));
    }

    @Option(names = "--api-key-file", paramLabel = "FILE",
            description = "File with accepted API keys, one per line ('#' comments); or WADDLEPERF_TESTSERVER_API_KEYS.")
    void apiKeysFile(Path v) {
        flags.put("api_keys_file", v.toString());
    }

    @Option(names = "--no-auth", description = "Run the test API without keys (anyone who reaches the server can run tests).")
    void noAuth(boolean v) {
        flags.put("auth_disabled", Boolean.toString(v));
    }

    @Option(names = "--allow-private-targets",
            description = "Let the test API probe loopback, private and link-local addresses.")
    void allowPrivateTargets(boolean v) {
        flags.put("allow_private_targets", Boolean.toString(v));
    }

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Folder for state kept across restarts (default ./data).")
    void dataDir(Path v) {
        flags.put("data_dir", v.toString());
    }

    @Option(names = "--dns-port", paramLabel = "PORT", description = "Also run the DNS responder for the test zone on this port.")
    void dnsPort(int v) {
        flags.put("dns.enabled", "true");
        flags.put("dns.port", Integer.toString(v));
    }

    @Option(names = "--iperf3-port", paramLabel = "PORT", description = "iperf3 server port, TCP and UDP (default 5201).")
    void iperf3Port(int v) {
        flags.put("iperf3.port", Integer.toString(v));
    }

    @Option(names = "--iperf3-max-tests", paramLabel = "N",
            description = "iperf3 tests served at once (default 1; further clients get iperf3's busy answer).")
    void iperf3MaxTests(int v) {
        flags.put("iperf3.max_tests", Integer.toString(v));
    }

    @Option(names = "--no-iperf3", description = "Do not run the iperf3 server.")
    void noIperf3(boolean v) {
        flags.put("iperf3.enabled", Boolean.toString(!v));
    }

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Set any configuration key by its dotted path (repeatable).")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        TestServer server;
        TestServerConfig config;
        try {
            config = loadConfig(System.getenv());
        } catch (ConfigException e) {
            err.println("waddleperf testserver: invalid configuration:");
            e.problems().forEach(p -> err.println("  " + p));
            err.flush();
            return ExitCode.USAGE.code();
        }
        try {
            server = TestServer.start(config, TestServerListeners.standard(config.udpEchoTokens().stream()
                    .map(Secret::reveal).collect(Collectors.toSet())));
        } catch (ConfigException e) {
            err.println("waddleperf testserver: invalid configuration:");
            e.problems().forEach(p -> err.println("  " + p));
            err.flush();
            return ExitCode.USAGE.code();
        } catch (Exception e) {
            // A port in use comes wrapped (Javalin wraps Jetty's, which wraps the JDK's BindException).
            if (causeOf(e, BindException.class) == null) {
                throw e;
            }
            err.println("waddleperf testserver: " + busyPort(config, e));
            err.flush();
            return ExitCode.USAGE.code();
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "testserver-shutdown"));
        PrintWriter out = spec.commandLine().getOut();
        out.println(describe(server));
        out.flush();
        stopped.await();
        return ExitCode.OK.code();
    }

    private static Throwable causeOf(Throwable e, Class<? extends Throwable> type) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return c;
            }
        }
        return null;
    }

    /** A listener that could not bind, by config key, protocol and port, with the flag that moves it. */
    record Port(String key, String flag, String protocol, int port) {
    }

    /** The ports this configuration listens on (port 0, any free port, cannot be busy). */
    static List<Port> ports(TestServerConfig c) {
        List<Port> ports = new ArrayList<>();
        ports.add(new Port("http_port", "--http-port", "tcp", c.httpPort()));
        if (c.httpsEnabled()) {
            ports.add(new Port("https_port", "--https-port", "tcp", c.httpsPort()));
        }
        ports.add(new Port("udp_echo_port", "--udp-echo-port", "udp", c.udpEchoPort()));
        if (c.iperf3() != null && Boolean.TRUE.equals(c.iperf3().enabled())) {
            ports.add(new Port("iperf3.port", "--iperf3-port", "tcp", c.iperf3().port()));
            ports.add(new Port("iperf3.port", "--iperf3-port", "udp", c.iperf3().port()));
        }
        if (c.dns() != null && Boolean.TRUE.equals(c.dns().enabled())) {
            ports.add(new Port("dns.port", "--dns-port", "udp", c.dns().port()));
        }
        ports.removeIf(p -> p.port() == 0);
        return ports;
    }

    /**
     * The one line for a port in use: which port, and the flag to move it. The exception names the port for the HTTP
     * listeners only, so the configured ports are tried in turn; the first that cannot be bound now is the one.
     */
    static String busyPort(TestServerConfig config, Throwable e) {
        List<Port> ports = ports(config);
        Port busy = null;
        for (Throwable c = e; c != null && busy == null; c = c.getCause()) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("port (\\d+)|:(\\d+)$")
                    .matcher(String.valueOf(c.getMessage()));
            if (m.find()) {
                int n = Integer.parseInt(m.group(1) != null ? m.group(1) : m.group(2));
                busy = ports.stream().filter(p -> p.port() == n && p.protocol().equals("tcp")).findFirst().orElse(null);
            }
        }
        for (int i = 0; busy == null && i < ports.size(); i++) {
            if (!free(config.bind(), ports.get(i))) {
                busy = ports.get(i);
            }
        }
        if (busy == null) {
            return "cannot listen on " + config.bind() + ": a port is in use by another program";
        }
        return busy.protocol().toUpperCase(java.util.Locale.ROOT) + " port " + busy.port() + " on " + config.bind()
                + " is in use by another program (" + busy.key() + "); choose another with " + busy.flag()
                + " PORT, or stop the other program";
    }

    private static boolean free(String bind, Port p) {
        java.net.InetSocketAddress address = new java.net.InetSocketAddress(bind, p.port());
        try (java.io.Closeable socket = p.protocol().equals("tcp") ? bound(new java.net.ServerSocket(), address)
                : new java.net.DatagramSocket(address)) {
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static java.net.ServerSocket bound(java.net.ServerSocket s, java.net.InetSocketAddress address)
            throws java.io.IOException {
        try {
            s.setReuseAddress(true);
            s.bind(address);
            return s;
        } catch (java.io.IOException e) {
            s.close();
            throw e;
        }
    }

    TestServerConfig loadConfig(Map<String, String> env) {
        Map<String, String> all = new LinkedHashMap<>(flags);
        all.putAll(overrides);
        return TestServerConfig.loader().load(configFile, env, all);
    }

    static String describe(TestServer server) {
        TestServerConfig c = server.config();
        StringBuilder sb = new StringBuilder("waddleperf testserver ").append(VersionProvider.version()).append(" listening on ").append(c.bind())
                .append(": http ").append(server.httpPort());
        server.httpsPort().ifPresent(p -> sb.append(", https ").append(p));
        server.listener(UdpEchoResponder.class).ifPresent(u -> sb.append(", udp echo ").append(u.port()));
        server.listener(Iperf3Server.class).ifPresent(i -> sb.append(", iperf3 ").append(i.port()));
        server.listener(DnsResponder.class).ifPresent(d -> sb.append(", dns ").append(d.port()).append(" (zone ")
                .append(c.dns().zone()).append(')'));
        return sb.toString();
    }
}
