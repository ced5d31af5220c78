package io.waddleperf.agent.status;

import io.waddleperf.core.autoperf.Tier;
import io.waddleperf.core.autoperf.Probe;
import io.waddleperf.core.autoperf.ProbeKind;
import io.waddleperf.core.autoperf.ProbeDefinition;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.waddleperf.agent.Agent;
import io.waddleperf.agent.AgentConfig;
import io.waddleperf.agent.autoperf.ProbeOutcome;
import io.waddleperf.agent.autoperf.Trigger;
import io.waddleperf.agent.manager.DeviceLink;
import io.waddleperf.agent.outbox.Outbox;
import io.waddleperf.agent.schedule.AutoperfStatus;
import io.waddleperf.agent.schedule.TierRunner;
import io.waddleperf.core.result.Json;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.TestType;
import io.waddleperf.core.spec.ProbeOptions;
import io.waddleperf.core.spec.ProbeSpec;
import io.waddleperf.core.spec.TargetParser;
import io.waddleperf.core.units.Units;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's status port (9115 by default, as blackbox_exporter): the status page at {@code /} (see
 * {@link StatusPage}), {@code GET /api/autoperf/status}, {@code GET /api/autoperf/triggers},
 * {@code GET /api/autoperf/results}, {@code GET /api/agent}, {@code GET /metrics}, the blackbox-style {@code GET /probe?target=&module=}
 * and {@code GET /health}. The JDK's small HTTP server on virtual threads is enough for a handful of GETs and keeps
 * the agent's footprint down (no Jetty in a process that may run on every desktop).
 */
public final class StatusServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StatusServer.class);

    /** Probe types {@code /probe} refuses: they load the link, and a scrape must not be able to start that. */
    static final Set<TestType> NOT_ON_SCRAPE = EnumSet.of(TestType.IPERF3, TestType.SPEEDTEST, TestType.RPM);

    /** The longest a {@code /probe} may take (when the scraper's timeout header is larger or absent). */
    static final Duration MAX_PROBE_TIME = Duration.ofSeconds(60);
    static final Duration DEFAULT_PROBE_TIME = Duration.ofSeconds(10);

    private final HttpServer server;
    private final AutoperfStatus status;
    private final AgentMetrics metrics;
    private final Outbox outbox;
    private final TierRunner runner;
    private final Supplier<AgentConfig> config;
    private final LastResults lastResults;
    private final Supplier<DeviceLink.State> manager;
    private final StatusPage page = StatusPage.load();

    private StatusServer(HttpServer server, AutoperfStatus status, AgentMetrics metrics, Outbox outbox,
                         TierRunner runner, Supplier<AgentConfig> config, LastResults lastResults,
                         Supplier<DeviceLink.State> manager) {
        this.server = server;
        this.status = status;
        this.metrics = metrics;
        this.outbox = outbox;
        this.runner = runner;
        this.config = config;
        this.lastResults = lastResults;
        this.manager = manager;
    }

    /**
     * Bounds what slow and greedy clients may hold of the port ({@code status.request_timeout},
     * {@code status.max_connections}), through the JDK HTTP server's own limits: {@code sun.net.httpserver.maxReqTime}
     * (a request's head and body must arrive within it of its first byte; a new connection must send one within it)
     * and {@code jdk.httpserver.maxConnections}. Without them it waits for a trickled head forever. The JDK reads
     * them once per process, when its first HTTP server starts: call this before, as the agent does at its start; a
     * value already given on the command line ({@code -D}) is left as it is.
     */
    public static void limitClients(Duration requestTimeout, int maxConnections) {
        setIfAbsent("sun.net.httpserver.maxReqTime", Long.toString(requestTimeout.toSeconds()));
        // a slow reader of an answer: the largest answer (/metrics) is a few KiB, /probe's wait comes before it
        setIfAbsent("sun.net.httpserver.maxRspTime", Long.toString(requestTimeout.toSeconds() * 3));
        setIfAbsent("jdk.httpserver.maxConnections", Integer.toString(maxConnections));
    }

    private static void setIfAbsent(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }

    /**
     * @param config      the configuration running now (it changes when the manager serves a new one)
     * @param lastResults the newest result of each probe
     * @param manager     the manager link's state, or null from the supplier when the agent is no enrolled device
     */
    public static StatusServer start(String bind, int port, AutoperfStatus status, AgentMetrics metrics, Outbox outbox,
                                     TierRunner runner, Supplier<AgentConfig> config, LastResults lastResults,
                                     Supplier<DeviceLink.State> manager) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(bind, port), 64);
        StatusServer s = new StatusServer(http, status, metrics, outbox, runner, config, lastResults, manager);
        http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        http.createContext("/", s::handle);
        http.start();
        return s;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            if (!ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("HEAD")) {
                send(ex, 405, "application/json", error("only GET is served here"));
                return;
            }
            switch (path) {
                case "/api/autoperf/status" -> send(ex, 200, "application/json", statusJson());
                case "/api/autoperf/triggers" -> send(ex, 200, "application/json", triggersJson());
                case "/api/autoperf/results" -> send(ex, 200, "application/json", resultsJson());
                case "/api/agent" -> send(ex, 200, "application/json", agentJson());
                case "/metrics" -> {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    metrics.write(out);
                    send(ex, 200, AgentMetrics.contentType(), out.toByteArray());
                }
                case "/probe" -> probe(ex);
                case "/health" -> send(ex, 200, "application/json",
                        Json.write(Map.of("status", "healthy", "version", Agent.version())).getBytes(StandardCharsets.UTF_8));
                default -> {
                    StatusPage.Asset asset = page.find(path);
                    if (asset == null) {
                        send(ex, 404, "application/json", error("no such path: " + path));
                    } else {
                        page.headers(ex.getResponseHeaders());
                        send(ex, 200, asset.contentType(), asset.bytes());
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("status port: {} {} failed", ex.getRequestMethod(), ex.getRequestURI(), e);
            try {
                send(ex, 500, "application/json", error("internal error"));
            } catch (IOException ignored) {
                // the client is gone
            }
        }
    }

    private byte[] statusJson() {
        AutoperfStatus.Snapshot s = status.snapshot();
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("enabled", s.enabled());
        o.put("paused", s.paused());
        o.put("current_tier", s.currentTier());
        o.put("last_run", s.lastRun() == null ? null : s.lastRun().toString());
        o.put("next_run", s.enabled() && s.nextRun() != null ? s.nextRun().toString() : null);
        o.put("next_tier", s.enabled() ? s.nextTier() : null);
        ArrayNode active = o.putArray("triggers");
        // the triggers of the episode in progress: since the last return to the scheduled tier (none when healthy)
        List<Trigger> all = s.triggers();
        int from = all.size();
        while (from > 0 && all.get(from - 1).escalation()) {
            from--;
        }
        if (s.currentTier() != lowestEnabledTier()) {
            all.subList(from, all.size()).forEach(t -> active.add(trigger(t)));
        }
        o.put("test_count", s.testCount());
        ArrayNode crossings = o.putArray("last_run_crossings");
        s.lastCrossings().forEach(c -> crossings.addObject().put("threshold", c.threshold()).put("probe", c.probe())
                .put("reason", c.reason()));
        o.put("escalation_held_until", s.heldUntil() == null ? null : s.heldUntil().toString());
        o.put("awaiting_confirmation_for_tier", s.awaitingConfirmation() == 0 ? null : s.awaitingConfirmation());
        ObjectNode box = o.putObject("outbox");
        box.put("results", outbox.spool().count());
        box.put("bytes", outbox.spool().bytes());
        box.put("max_bytes", outbox.spool().maxBytes());
        box.put("dropped", outbox.spool().dropped());
        ArrayNode sinks = box.putArray("sinks");
        for (Outbox.SinkStatus ss : outbox.status()) {
            ObjectNode n = sinks.addObject();
            n.put("name", ss.name());
            n.put("pending", ss.pending());
            n.put("delivered", ss.delivered());
            n.put("rejected", ss.rejected());
            n.put("failures", ss.failures());
            n.put("last_success", text(ss.lastSuccess()));
            n.put("last_error", ss.lastError());
            n.put("next_attempt", text(ss.nextAttempt()));
        }
        return Json.write(o).getBytes(StandardCharsets.UTF_8);
    }

    private int lowestEnabledTier() {
        List<Tier> tiers = config.get().autoperf().tiers();
        for (int i = 0; i < tiers.size(); i++) {
            if (tiers.get(i).enabled()) {
                return i + 1;
            }
        }
        return 1;
    }

    /** The newest result of each probe of the running configuration, whole, as the outbox holds it. */
    private byte[] resultsJson() {
        ObjectNode o = Json.mapper().createObjectNode();
        ArrayNode list = o.putArray("results");
        for (ProbeOutcome p : lastResults.list()) {
            ObjectNode n = list.addObject();
            n.put("tier", p.definition().tier());
            n.put("probe", p.definition().name());
            try {
                n.set("result", Json.mapper().readTree(Json.write(p.result())));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return Json.write(o).getBytes(StandardCharsets.UTF_8);
    }

    /** What the agent runs and where its configuration comes from; the manager link's state (never the credential). */
    private byte[] agentJson() {
        AgentConfig c = config.get();
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("version", Agent.version());
        o.put("target_server", c.targetServer());
        o.put("autoperf_enabled", c.autoperf().enabled());
        o.put("interval", Units.formatDuration(c.autoperf().interval()));
        o.put("interval_seconds", c.autoperf().interval().toMillis() / 1000.0);
        DeviceLink.State m = manager.get();
        o.put("config_source", m == null ? "local" : m.configSource());
        if (m == null) {
            o.putNull("manager");
        } else {
            ObjectNode n = o.putObject("manager");
            n.put("url", m.managerUrl());
            n.put("enrolled", m.enrolled());
            n.put("device_id", m.deviceId());
            n.put("device_serial", m.deviceSerial());
            n.put("ou_id", m.ouId());
            n.put("heartbeat_accepted", m.heartbeatAccepted());
            n.put("config_name", m.configName());
            n.put("config_updated_at", m.configUpdatedAt());
            n.put("last_config_check", text(m.lastPull()));
            n.put("next_config_check", text(m.nextPull()));
            n.put("last_error", m.lastError());
            n.put("last_refusal", m.lastRefusal());
        }
        return Json.write(o).getBytes(StandardCharsets.UTF_8);
    }

    private byte[] triggersJson() {
        ObjectNode o = Json.mapper().createObjectNode();
        ArrayNode list = o.putArray("triggers");
        status.triggers().forEach(t -> list.add(trigger(t)));
        return Json.write(o).getBytes(StandardCharsets.UTF_8);
    }

    private static ObjectNode trigger(Trigger t) {
        ObjectNode n = Json.mapper().createObjectNode();
        n.put("timestamp", t.timestamp().toString());
        n.put("from_tier", t.fromTier());
        n.put("to_tier", t.toTier());
        n.put("reason", t.reason());
        n.put("duration", t.duration() == null ? null : Units.formatDuration(Duration.ofMillis(t.duration().toMillis())));
        n.put("duration_ms", t.duration() == null ? null : t.duration().toNanos() / 1e6);
        return n;
    }

    private static String text(Instant i) {
        return i == null ? null : i.toString();
    }

    /**
     * {@code /probe?target=&module=} as blackbox_exporter answers it: the module names the probe type (a target
     * URI's scheme also does), the probe runs now — through the same gate as the schedule — within the scraper's
     * {@code X-Prometheus-Scrape-Timeout-Seconds} (less half a second) or 10 s, at most 60 s, and the answer is that
     * one result's metrics. The result is not stored: it belongs to the scrape.
     */
    private void probe(HttpExchange ex) throws IOException {
        Map<String, String> q = query(ex.getRequestURI().getRawQuery());
        String target = q.get("target");
        String module = q.get("module");
        if (target == null || target.isBlank()) {
            send(ex, 400, "text/plain", "target parameter is missing\n".getBytes(StandardCharsets.UTF_8));
            return;
        }
        ProbeSpec spec;
        try {
            if (module == null || module.isBlank()) {
                spec = TargetParser.parse(target, ProbeOptions.DEFAULTS);
            } else {
                spec = TargetParser.forType(TestType.fromWireName(module.strip().toLowerCase().replace('-', '_')),
                        target, null, ProbeOptions.DEFAULTS);
            }
        } catch (IllegalArgumentException e) {
            send(ex, 400, "text/plain", ("invalid probe: " + e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8));
            return;
        }
        if (NOT_ON_SCRAPE.contains(spec.testType())) {
            send(ex, 400, "text/plain", ("module " + spec.testType().wireName() + " loads the link and is not run on a "
                    + "scrape; schedule it in a tier instead\n").getBytes(StandardCharsets.UTF_8));
            return;
        }
        Duration limit = DEFAULT_PROBE_TIME;
        String header = ex.getRequestHeaders().getFirst("X-Prometheus-Scrape-Timeout-Seconds");
        if (header != null) {
            try {
                limit = Duration.ofMillis((long) (Double.parseDouble(header) * 1000) - 500);
            } catch (NumberFormatException ignored) {
                // keep the default
            }
        }
        if (limit.compareTo(MAX_PROBE_TIME) > 0) {
            limit = MAX_PROBE_TIME;
        }
        if (limit.compareTo(Duration.ofMillis(100)) < 0) {
            limit = Duration.ofMillis(100);
        }
        ProbeDefinition def = new ProbeDefinition(0, spec.testType().wireName(), spec, List.of(), null, null,
                ProbeKind.LATENCY, limit);
        ProbeResult r = runner.runNow(def, limit);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AgentMetrics.writeProbe(r, out);
        send(ex, 200, AgentMetrics.contentType(), out.toByteArray());
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static byte[] error(String message) {
        return Json.write(Map.of("error", message)).getBytes(StandardCharsets.UTF_8);
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream os = ex.getResponseBody()) {
                os.write(body);
            }
        }
    }

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        send(ex, status, type, body.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
