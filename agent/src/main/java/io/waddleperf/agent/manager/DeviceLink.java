package io.waddleperf.agent.manager;

import com.fasterxml.jackson.databind.JsonNode;
import io.waddleperf.agent.sink.ManagerSink;
import io.waddleperf.core.autoperf.AutoPerfConfig;
import io.waddleperf.core.config.ConfigException;
import io.waddleperf.core.result.Device;
import io.waddleperf.core.result.Json;
import io.waddleperf.device.ManagerClient;
import io.waddleperf.device.ManagerLink;
import io.waddleperf.device.Worker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent as an enrolled device of the manager: {@link ManagerLink} enrols (with the OU's secret, once), keeps the
 * identity and credential in {@code data_dir/manager-device.json} (mode 0600) and heartbeats; this class adds the
 * agent's own part, its configuration. It asks the manager for it at start (as soon as it has a credential) and again
 * when the manager says to ({@code next_checkin_seconds}: 30 to 60 minutes, drawn anew on each answer), or earlier
 * when a heartbeat answer shows the configuration changed. A new document is parsed and checked as the agent's own
 * configuration would be and then handed to the {@link Applier}, which swaps the schedule in one step; a document that
 * fails is refused with the reason logged and the running configuration kept. The last applied document is kept in
 * {@code data_dir/manager-config.json}, so that a restart while the manager is unreachable runs what the manager said.
 * The credential is never logged.
 */
public final class DeviceLink implements ManagerSink.Credentials, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceLink.class);

    /** The file in {@code data_dir} keeping the last configuration document applied. */
    public static final String CONFIG_FILE = "manager-config.json";

    /** Bounds on how long to wait between pulls whatever the manager says (its own bounds are 10 s and 24 h). */
    static final Duration MIN_RECHECK = Duration.ofSeconds(10);
    static final Duration MAX_RECHECK = Duration.ofHours(24);
    /** The wait when the manager's answer has no {@code next_checkin_seconds}: 30 to 60 minutes at random. */
    static final Duration DEFAULT_RECHECK_MIN = Duration.ofMinutes(30);
    static final Duration DEFAULT_RECHECK_MAX = Duration.ofMinutes(60);
    /** How often to look whether enrolment has given a credential yet (a local check, no call). */
    private static final Duration ENROL_POLL = Duration.ofSeconds(1);

    /** Runs a configuration the manager served. */
    public interface Applier {
        /**
         * Swaps the running measurement for {@code served}, or for the local configuration when it is null.
         *
         * @return why the configuration was refused, or empty when it runs now
         */
        Optional<String> apply(AutoPerfConfig served);
    }

    /**
     * What the status page shows about the link (never the credential).
     *
     * @param configSource   {@code local} (no document from the manager), or the scope the document came from
     *                       ({@code device}, {@code ou}, {@code default})
     * @param lastRefusal    why the last document the manager served was refused, if it was
     */
    public record State(String managerUrl, boolean enrolled, String deviceId, String deviceSerial, String ouId,
                        boolean heartbeatAccepted, String configSource, String configName, String configUpdatedAt,
                        Instant lastPull, Instant nextPull, String lastError, String lastRefusal) {
    }

    private final ManagerClient client;
    private final ManagerLink link;
    private final Path cacheFile;
    private final Applier applier;
    private final Duration retryMax;
    private final Clock clock = Clock.systemUTC();
    private Worker worker;

    // written by the puller thread, read by the status page
    private volatile String appliedText;
    private volatile String configSource = "local";
    private volatile String configName;
    private volatile String configUpdatedAt;
    private volatile String refusedText;
    private volatile String lastRefusal;
    private volatile String lastError;
    private volatile Instant lastPull;
    private volatile Instant nextPull;
    /** {@code updated_at} of the document last pulled, to tell from a heartbeat answer that it changed. */
    private volatile String pulledUpdatedAt;
    private volatile boolean pulled;

    private DeviceLink(ManagerClient client, ManagerLink link, Path cacheFile, Applier applier, Duration retryMax) {
        this.client = client;
        this.link = link;
        this.cacheFile = cacheFile;
        this.applier = applier;
        this.retryMax = retryMax;
    }

    /**
     * Starts enrolment and heartbeats (on the link's thread) and the configuration pulls (on this one's), after
     * applying the document kept from the last run, if any.
     *
     * @param dataDir the agent's data folder (identity and configuration files)
     * @param secret  the enrolment secret; null when the agent enrolled before
     * @param device  this machine as the manager should know it (client type {@code agent})
     */
    public static DeviceLink start(ManagerClient client, Path dataDir, String secret, Device device, Applier applier,
                                   Duration retryMax) {
        ManagerLink link = ManagerLink.start(client, dataDir.resolve(io.waddleperf.agent.AgentConfig.DEVICE_FILE),
                secret, device, retryMax);
        DeviceLink d = new DeviceLink(client, link, dataDir.resolve(CONFIG_FILE), applier, retryMax);
        d.applyCached();
        link.onHeartbeat(d::heartbeatAnswered);
        d.worker = new Worker("manager-config", d::run);
        return d;
    }

    @Override
    public Optional<String> current() {
        return link.credential();
    }

    @Override
    public void refused(String credential) {
        link.credentialRefused(credential);
    }

    public State state() {
        Optional<ManagerLink.Identity> i = link.identity();
        return new State(client.base().toString(), i.isPresent(), i.map(ManagerLink.Identity::deviceId).orElse(null),
                i.map(ManagerLink.Identity::serial).orElse(null), i.map(ManagerLink.Identity::ouId).orElse(null),
                link.heartbeatAccepted(), configSource, configName, configUpdatedAt, lastPull, nextPull, lastError,
                lastRefusal);
    }

    /** A heartbeat answer names the time of the device's configuration: pull now when it is not the one pulled. */
    private void heartbeatAnswered(JsonNode answer) {
        JsonNode u = answer.get("config_updated_at");
        String updated = u == null || u.isNull() ? null : u.asText();
        if (pulled && !Objects.equals(updated, pulledUpdatedAt) && worker != null) {
            LOG.info("the manager's configuration for this agent changed ({}); fetching it", updated == null
                    ? "removed" : "updated " + updated);
            worker.wake();
        }
    }

    private void run(Worker w) {
        Worker.Backoff backoff = new Worker.Backoff(Duration.ofSeconds(1), retryMax);
        while (w.running()) {
            Optional<String> credential = link.credential();
            if (credential.isEmpty()) {
                w.pause(ENROL_POLL);
                continue;
            }
            Duration wait;
            try {
                wait = pull(credential.get());
                backoff.reset();
                lastError = null;
            } catch (IOException e) {
                lastError = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                wait = backoff.next();
                LOG.info("cannot fetch this agent's configuration from the manager at {}: {}; retrying within {} s",
                        client.base(), lastError, wait.toSeconds() + 1);
            } catch (RuntimeException e) {
                lastError = e.toString();
                wait = backoff.next();
                LOG.warn("fetching this agent's configuration from the manager at {} failed", client.base(), e);
            }
            nextPull = clock.instant().plus(wait);
            w.pause(wait);
        }
    }

    /** One pull; returns the wait until the next. */
    private Duration pull(String credential) throws IOException {
        ManagerClient.Answer a = client.config(credential);
        lastPull = clock.instant();
        if (a.status() == 401) {
            link.credentialRefused(credential);
            throw new IOException("the manager no longer knows this agent's credential (401); enrolling again");
        }
        if (a.status() == 429 || a.status() >= 500) {
            throw new IOException("the manager answered " + a.status() + ": " + a.error());
        }
        if (!a.ok()) {
            // 403 (deactivated), 409 (the stored document no longer passes the manager's checks): nothing this
            // agent can change; keep what runs and ask again at the usual time
            lastError = "the manager answered " + a.status() + ": " + a.error();
            LOG.warn("the manager at {} did not give this agent its configuration: {}; keeping the one running",
                    client.base(), lastError);
            return defaultRecheck();
        }
        JsonNode b = a.body();
        JsonNode config = b.get("config");
        String source = b.path("source").asText("none");
        String updated = text(b.get("updated_at"));
        if (config == null || config.isNull() || source.equals("none")) {
            apply(null, "none", null, null);
        } else if (!config.isObject()) {
            throw new IOException("the manager's answer has no configuration object");
        } else {
            apply(Json.write(config), source, text(b.get("config_name")), updated);
        }
        pulledUpdatedAt = updated;
        pulled = true;
        long s = b.path("next_checkin_seconds").asLong(0);
        if (s <= 0) {
            return defaultRecheck();
        }
        Duration d = Duration.ofSeconds(s);
        return d.compareTo(MIN_RECHECK) < 0 ? MIN_RECHECK : d.compareTo(MAX_RECHECK) > 0 ? MAX_RECHECK : d;
    }

    private static Duration defaultRecheck() {
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(DEFAULT_RECHECK_MIN.toMillis(),
                DEFAULT_RECHECK_MAX.toMillis() + 1));
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() ? null : n.asText();
    }

    /**
     * Runs {@code text} (null: the local configuration) unless it is what runs already; a document that does not
     * load or check is refused, logged once per document.
     */
    private synchronized boolean apply(String text, String source, String name, String updated) {
        if (Objects.equals(text, appliedText)) {
            configName = name;
            configUpdatedAt = updated;
            return true;
        }
        if (text != null && text.equals(refusedText)) {
            return false; // refused before; said so then
        }
        Optional<String> refusal;
        AutoPerfConfig served = null;
        try {
            served = text == null ? null : AutoPerfConfig.loader().loadJson("the manager's configuration", text);
            refusal = applier.apply(served);
        } catch (ConfigException e) {
            refusal = Optional.of(e.getMessage());
        }
        if (refusal.isPresent()) {
            refusedText = text;
            lastRefusal = refusal.get();
            LOG.warn("refused the {} configuration '{}' from the manager at {} and kept the one running: {}", source,
                    name, client.base(), refusal.get());
            return false;
        }
        appliedText = text;
        refusedText = null;
        lastRefusal = null;
        configSource = text == null ? "local" : source;
        configName = name;
        configUpdatedAt = updated;
        LOG.info(text == null ? "the manager has no configuration for this agent; running the local one"
                : "running the {} configuration '{}' from the manager (updated {})", source, name, updated);
        save(source, name, updated);
        return true;
    }

    /** Applies the document kept from the last run if it came from this manager. */
    private void applyCached() {
        if (!Files.exists(cacheFile)) {
            return;
        }
        try {
            JsonNode n = Json.mapper().readTree(Files.readString(cacheFile, StandardCharsets.UTF_8));
            if (!client.base().toString().equals(n.path("manager_url").asText())) {
                LOG.info("{} holds another manager's configuration; waiting for this one's", cacheFile);
                return;
            }
            JsonNode doc = n.get("document");
            if (doc != null && doc.isObject()) {
                LOG.info("starting with the configuration the manager gave last time (kept in {})", cacheFile);
                apply(Json.write(doc), n.path("source").asText("manager"), text(n.get("config_name")),
                        text(n.get("updated_at")));
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot use the kept manager configuration {} ({}); waiting for the manager's", cacheFile,
                    e.getMessage());
        }
    }

    private void save(String source, String name, String updated) {
        try {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("manager_url", client.base().toString());
            m.put("source", source);
            m.put("config_name", name);
            m.put("updated_at", updated);
            m.put("document", appliedText == null ? null : Json.mapper().readTree(appliedText));
            ManagerLink.writePrivate(cacheFile, Json.writePretty(m));
        } catch (IOException e) {
            LOG.warn("cannot keep the manager's configuration in {}: {}", cacheFile, e.getMessage());
        }
    }

    @Override
    public void close() {
        if (worker != null) {
            worker.close();
        }
        link.close();
        // the link was the client's only user; its HTTP client's threads go with it
        client.close();
    }
}
