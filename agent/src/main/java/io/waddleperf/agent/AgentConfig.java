package io.waddleperf.agent;

import io.waddleperf.core.autoperf.AutoPerfConfig;
import io.waddleperf.core.autoperf.Autoperf;
import io.waddleperf.core.autoperf.ProbeDefinition;
import io.waddleperf.core.autoperf.Tier;
import io.waddleperf.core.config.Bytes;
import io.waddleperf.core.config.ConfigException;
import io.waddleperf.core.config.ConfigLoader;
import io.waddleperf.core.config.Problems;
import io.waddleperf.core.config.Secret;
import io.waddleperf.core.config.Validated;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The agent's settings ({@code autoperf.yml}, {@code WADDLEPERF_AGENT_*} variables, the original AutoPerf variables
 * such as {@code AUTOPERF_INTERVAL} and {@code TARGET_SERVER}, and flags; every key is listed in docs/AGENT.md),
 * loaded by {@link #loader()}. The measuring part ({@code target_server} and the AutoPerf tiers under
 * {@code autoperf}) is {@link AutoPerfConfig}, the schema the manager serves as well. Probe targets may name the agent's target server as {@code {target_server}} and the
 * system's resolver as {@code {system_resolver}}; they are checked as probe targets when the configuration loads,
 * so a running agent never meets a target it cannot parse.
 *
 * @param targetServer the WaddlePerf test server the default tiers measure against (host or address)
 * @param dataDir      folder for state kept across restarts: the outbox and the default results file
 * @param autoperf     the tiers and how they escalate
 * @param manager      delivery to a manager (off without a URL)
 * @param outbox       the local spool every result goes through
 * @param sinks        local sinks
 * @param status       the status and metrics port
 */
public record AgentConfig(
        String targetServer,
        Path dataDir,
        Autoperf autoperf,
        Manager manager,
        Outbox outbox,
        Sinks sinks,
        Status status) implements Validated {

    /** Prefix of the environment variables that set keys ({@code WADDLEPERF_AGENT_STATUS__PORT}). */
    public static final String ENV_PREFIX = "WADDLEPERF_AGENT";

    /** The original AutoPerf's environment variables and the keys they set. */
    public static final Map<String, String> ORIGINAL_VARIABLES = originalVariables();

    private static final ConfigLoader<AgentConfig> LOADER = ConfigLoader.of(AgentConfig.class, ENV_PREFIX)
            .ignoringEnv("WADDLEPERF_AGENT_CONFIG")
            .withEnvAliases(ORIGINAL_VARIABLES);

    public static AgentConfig defaults() {
        return new AgentConfig(null, Path.of("data"), Autoperf.defaults(), Manager.defaults(), Outbox.defaults(),
                Sinks.defaults(), Status.defaults());
    }

    public static ConfigLoader<AgentConfig> loader() {
        return LOADER;
    }

    /** A checked configuration from settings by key path over the defaults (tests, the demo). */
    public static AgentConfig of(Map<String, String> settings) {
        return LOADER.load(settings);
    }

    private static Map<String, String> originalVariables() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("AUTOPERF_ENABLED", "autoperf.enabled");
        m.put("AUTOPERF_INTERVAL", "autoperf.interval");
        m.put("AUTOPERF_TIER1_ENABLED", "autoperf.tier1.enabled");
        m.put("AUTOPERF_TIER2_ENABLED", "autoperf.tier2.enabled");
        m.put("AUTOPERF_TIER3_ENABLED", "autoperf.tier3.enabled");
        m.put("TARGET_SERVER", "target_server");
        m.put("MANAGER_URL", "manager.url");
        m.put("MANAGER_API_KEY", "manager.api_key");
        m.put("MANAGER_API_KEY_FILE", "manager.api_key_file");
        m.put("ENROLLMENT_SECRET", "manager.enrollment_secret");
        m.put("ENROLLMENT_SECRET_FILE", "manager.enrollment_secret_file");
        return Map.copyOf(m);
    }

    /** The tiers in order (tier 1 first). */
    public List<Tier> tiers() {
        return autoperf.tiers();
    }

    /** The measuring part: the target server and the tiers, as the manager serves it too. */
    public AutoPerfConfig measuring() {
        return new AutoPerfConfig(targetServer, autoperf);
    }

    /** The same agent measuring {@code m} instead (a configuration served by the manager). */
    public AgentConfig withMeasuring(AutoPerfConfig m) {
        return new AgentConfig(m.targetServer(), dataDir, m.autoperf(), manager, outbox, sinks, status);
    }

    /**
     * Every tier's probes with the placeholders filled in and the targets parsed, in tier order.
     *
     * @throws ConfigException when a target cannot be used (never after a successful load)
     */
    public List<List<ProbeDefinition>> probeDefinitions() {
        return measuring().probeDefinitions(SystemResolver::first);
    }

    /** The file in {@code data_dir} that keeps the device identity and credential enrolment gave (mode 0600). */
    public static final String DEVICE_FILE = "manager-device.json";

    /** Where the device identity is kept. */
    public Path deviceFile() {
        return dataDir.resolve(DEVICE_FILE);
    }

    /** Whether the agent talks to the manager as an enrolled device (rather than with a user's API key). */
    public boolean enrolls() {
        return manager.url() != null && (manager.apiKey() == null || manager.apiKey().isEmpty());
    }

    @Override
    public void validate(Problems problems) {
        measuring().validateRunnable(problems, SystemResolver::first);
        if (enrolls() && (manager.enrollmentSecret() == null || manager.enrollmentSecret().isEmpty())
                && !java.nio.file.Files.exists(deviceFile())) {
            problems.add("manager.enrollment_secret", "delivery to the manager needs an enrolment secret "
                    + "(ENROLLMENT_SECRET or manager.enrollment_secret_file) until this agent has enrolled ("
                    + deviceFile() + " keeps the credential), or an API key (MANAGER_API_KEY or manager.api_key_file)");
        }
    }


    /**
     * Delivery to a manager: batches of results to {@code POST /api/v1/results}. The agent either enrols as a device
     * with the OU's {@code enrollment_secret} (then it heartbeats, runs the configuration the manager keeps for it and
     * delivers with its own device credential), or, with {@code api_key}, delivers as that user and keeps its local
     * configuration.
     *
     * @param deviceSerial the serial to enrol under; default the machine's ({@code /etc/machine-id}, DMI product
     *                     uuid, else a hash of the host name)
     */
    public record Manager(URI url, Secret apiKey, Secret enrollmentSecret, String deviceSerial, int batchSize,
                          Duration timeout) implements Validated {

        public static Manager defaults() {
            return new Manager(null, null, null, null, 500, Duration.ofSeconds(30));
        }

        @Override
        public void validate(Problems problems) {
            boolean key = apiKey != null && !apiKey.isEmpty();
            boolean secret = enrollmentSecret != null && !enrollmentSecret.isEmpty();
            if (url != null) {
                String scheme = url.getScheme() == null ? "" : url.getScheme();
                problems.require((scheme.equals("http") || scheme.equals("https")) && url.getHost() != null, "url",
                        "must be an http:// or https:// URL with a host, got '" + url + "'");
            }
            problems.require(!(key && secret), "api_key", "give an API key (deliver as a user) or an enrolment "
                    + "secret (enrol as a device), not both");
            if (deviceSerial != null) {
                problems.require(deviceSerial.matches("[!-~]{1,255}"), "device_serial",
                        "must be 1 to 255 printable ASCII characters without spaces");
            }
            problems.require(batchSize >= 1 && batchSize <= 10_000, "batch_size",
                    "must be between 1 and 10000, got " + batchSize);
            problems.require(timeout.compareTo(Duration.ofSeconds(1)) >= 0
                    && timeout.compareTo(Duration.ofMinutes(10)) <= 0, "timeout", "must be between 1s and 10m");
        }
    }

    /** What the outbox does with a new result when it holds {@code max_bytes}. */
    public enum WhenFull { DROP_OLDEST, DROP_NEWEST }

    /**
     * The spool in {@code <data_dir>/outbox}: append-only segment files of {@code segment_bytes}, at most
     * {@code max_bytes} in all; failed deliveries are retried from {@code retry_initial}, doubling to
     * {@code retry_max}.
     */
    public record Outbox(@Bytes long maxBytes, @Bytes long segmentBytes, WhenFull whenFull, Duration retryInitial,
                         Duration retryMax) implements Validated {

        public static Outbox defaults() {
            return new Outbox(256L << 20, 4L << 20, WhenFull.DROP_OLDEST, Duration.ofSeconds(1), Duration.ofMinutes(5));
        }

        @Override
        public void validate(Problems problems) {
            problems.require(segmentBytes >= 64 << 10 && segmentBytes <= 1L << 30, "segment_bytes",
                    "must be between 64K and 1G, got " + segmentBytes);
            problems.require(maxBytes >= 2 * segmentBytes, "max_bytes",
                    "must be at least two segments (2 × segment_bytes = " + 2 * segmentBytes + "), got " + maxBytes);
            problems.require(retryInitial.compareTo(Duration.ofMillis(10)) >= 0, "retry_initial", "must be at least 10ms");
            problems.require(retryMax.compareTo(retryInitial) >= 0, "retry_max", "must be at least retry_initial");
        }
    }

    /** Local sinks (the manager sink is configured under {@code manager}). */
    public record Sinks(FileSink file, Syslog syslog, S3 s3, Email email, Webhook webhook) {

        public static Sinks defaults() {
            return new Sinks(FileSink.defaults(), Syslog.defaults(), S3.defaults(), Email.defaults(), Webhook.defaults());
        }
    }

    /**
     * The webhook sink: a post to {@code url} in {@code format} when results show a tier 2 or 3 escalation or a failed
     * probe, at most one per kind of event per {@code window}. The URL is a secret (chat webhooks carry their token in
     * it); {@code secret} signs generic posts.
     */
    public record Webhook(boolean enabled, Secret url, io.waddleperf.notify.WebhookFormat format, Secret secret,
                          Duration window, Duration timeout, int batchSize) implements Validated {

        public static Webhook defaults() {
            return new Webhook(false, null, io.waddleperf.notify.WebhookFormat.GENERIC, null, Duration.ofMinutes(15),
                    Duration.ofSeconds(10), 500);
        }

        /** The receiver as the sender takes it (only after a successful load). */
        public io.waddleperf.notify.Webhook hook() {
            return new io.waddleperf.notify.Webhook(URI.create(url.reveal()), format,
                    secret == null || secret.isEmpty() ? null : secret);
        }

        @Override
        public void validate(Problems problems) {
            if (enabled) {
                problems.require(url != null && !url.isEmpty(), "url", "the webhook sink needs the receiver's URL");
            }
            if (url != null && !url.isEmpty()) {
                URI u = null;
                try {
                    u = new URI(url.reveal());
                } catch (java.net.URISyntaxException e) {
                    problems.add("url", "is not a URL: " + e.getReason());
                }
                if (u != null) {
                    String scheme = u.getScheme() == null ? "" : u.getScheme();
                    // the URL itself is never echoed: chat webhook URLs hold their token
                    problems.require((scheme.equals("http") || scheme.equals("https")) && u.getHost() != null, "url",
                            "must be an http:// or https:// URL with a host");
                }
            }
            problems.require(secret == null || secret.isEmpty() || format == io.waddleperf.notify.WebhookFormat.GENERIC,
                    "secret", "signs the generic format only, not " + format.externalName());
            problems.require(window.compareTo(Duration.ofSeconds(1)) >= 0 && window.compareTo(Duration.ofDays(7)) <= 0,
                    "window", "must be between 1s and 7d");
            problems.require(timeout.compareTo(Duration.ofSeconds(1)) >= 0
                    && timeout.compareTo(Duration.ofMinutes(5)) <= 0, "timeout", "must be between 1s and 5m");
            problems.require(batchSize >= 1 && batchSize <= 10_000, "batch_size", "must be between 1 and 10000");
        }
    }

    /**
     * The e-mail sink: a mail through {@code smtp_host} when results show a tier 2 or 3 escalation or a failed probe,
     * at most one per kind of event per {@code window}.
     */
    public record Email(boolean enabled, String smtpHost, int smtpPort, io.waddleperf.agent.sink.EmailSink.StartTls starttls,
                        String username, Secret password, String from, List<String> to, Duration window,
                        Duration timeout, int batchSize) implements Validated {

        public Email {
            to = List.copyOf(to);
        }

        public static Email defaults() {
            return new Email(false, null, 25, io.waddleperf.agent.sink.EmailSink.StartTls.OPTIONAL, null, null, null,
                    List.of(), Duration.ofMinutes(15), Duration.ofSeconds(30), 500);
        }

        private static final Pattern ADDRESS = Pattern.compile("[^@\\s<>\"]+@[^@\\s<>\"]+");

        @Override
        public void validate(Problems problems) {
            if (enabled) {
                problems.require(smtpHost != null && !smtpHost.isBlank(), "smtp_host",
                        "the e-mail sink needs the SMTP server's host");
                problems.require(from != null, "from", "the e-mail sink needs a sender address");
                problems.require(!to.isEmpty(), "to", "the e-mail sink needs at least one recipient");
            }
            if (from != null) {
                problems.require(ADDRESS.matcher(from).matches(), "from", "'" + from + "' is not a mail address");
            }
            for (int i = 0; i < to.size(); i++) {
                problems.require(ADDRESS.matcher(to.get(i)).matches(), "to[" + i + "]",
                        "'" + to.get(i) + "' is not a mail address");
            }
            problems.require(smtpPort >= 1 && smtpPort <= 65535, "smtp_port", "must be between 1 and 65535");
            problems.require((username == null) == (password == null || password.isEmpty()), "password",
                    "give username and password together, or neither");
            problems.require(window.compareTo(Duration.ofSeconds(1)) >= 0 && window.compareTo(Duration.ofDays(7)) <= 0,
                    "window", "must be between 1s and 7d");
            problems.require(timeout.compareTo(Duration.ofSeconds(1)) >= 0
                    && timeout.compareTo(Duration.ofMinutes(10)) <= 0, "timeout", "must be between 1s and 10m");
            problems.require(batchSize >= 1 && batchSize <= 10_000, "batch_size", "must be between 1 and 10000");
        }
    }

    /**
     * The S3 sink: one object of JSON lines per batch in {@code bucket} under {@code prefix}. Credentials are
     * {@code access_key_id} and {@code secret_access_key}, else the standard {@code AWS_ACCESS_KEY_ID},
     * {@code AWS_SECRET_ACCESS_KEY} (and {@code AWS_SESSION_TOKEN}) variables.
     */
    public record S3(boolean enabled, String bucket, String prefix, String region, URI endpoint, boolean pathStyle,
                     String accessKeyId, Secret secretAccessKey, String sse, String kmsKeyId, int batchSize,
                     Duration timeout) implements Validated {

        public static S3 defaults() {
            return new S3(false, null, "waddleperf/", "us-east-1", null, false, null, null, null, null, 500,
                    Duration.ofSeconds(30));
        }

        @Override
        public void validate(Problems problems) {
            if (enabled) {
                problems.require(bucket != null && bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]"), "bucket",
                        "the S3 sink needs a bucket name (3–63 lower-case letters, digits, '.' and '-'), got "
                                + (bucket == null ? "none" : "'" + bucket + "'"));
            }
            problems.require(prefix != null && prefix.length() <= 512 && !prefix.startsWith("/"), "prefix",
                    "must not start with '/' and be at most 512 characters");
            problems.require(region != null && region.matches("[a-z0-9-]{1,64}"), "region",
                    "must be a region name such as us-east-1");
            if (endpoint != null) {
                String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme();
                problems.require((scheme.equals("http") || scheme.equals("https")) && endpoint.getHost() != null,
                        "endpoint", "must be an http:// or https:// URL with a host, got '" + endpoint + "'");
            }
            problems.require((accessKeyId == null) == (secretAccessKey == null || secretAccessKey.isEmpty()),
                    "secret_access_key", "give access_key_id and secret_access_key together, or neither (then the "
                            + "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY variables are used)");
            problems.require(sse == null || sse.equals("AES256") || sse.equals("aws:kms"), "sse",
                    "must be AES256 or aws:kms, got '" + sse + "'");
            problems.require(kmsKeyId == null || "aws:kms".equals(sse), "kms_key_id", "applies with sse: aws:kms only");
            problems.require(batchSize >= 1 && batchSize <= 100_000, "batch_size", "must be between 1 and 100000");
            problems.require(timeout.compareTo(Duration.ofSeconds(1)) >= 0
                    && timeout.compareTo(Duration.ofMinutes(10)) <= 0, "timeout", "must be between 1s and 10m");
        }
    }

    /** Syslog facility names (RFC 5424 §6.2.1) and their codes. */
    public static final Map<String, Integer> SYSLOG_FACILITIES = syslogFacilities();

    private static Map<String, Integer> syslogFacilities() {
        Map<String, Integer> m = new LinkedHashMap<>();
        String[] names = {"kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron",
            "authpriv", "ftp"};
        for (int i = 0; i < names.length; i++) {
            m.put(names[i], i);
        }
        for (int i = 0; i < 8; i++) {
            m.put("local" + i, 16 + i);
        }
        return java.util.Collections.unmodifiableMap(m);
    }

    /**
     * The syslog sink: each result as one RFC 5424 message to {@code host}:{@code port} over {@code transport}
     * (port 0: 514, or 6514 for TLS).
     */
    public record Syslog(boolean enabled, io.waddleperf.agent.sink.SyslogSink.Transport transport, String host,
                         int port, String facility, String appName, String hostname, Path caFile, boolean verify,
                         int batchSize, Duration timeout, int maxMessageBytes) implements Validated {

        public static Syslog defaults() {
            return new Syslog(false, io.waddleperf.agent.sink.SyslogSink.Transport.UDP, null, 0, "daemon",
                    "waddleperf", null, null, true, 100, Duration.ofSeconds(10), 8192);
        }

        /** The port to send to: {@code port}, or the transport's registered port. */
        public int effectivePort() {
            return port != 0 ? port : transport == io.waddleperf.agent.sink.SyslogSink.Transport.TLS ? 6514 : 514;
        }

        @Override
        public void validate(Problems problems) {
            if (enabled) {
                problems.require(host != null && !host.isBlank(), "host", "the syslog sink needs the receiver's host");
            }
            problems.require(port >= 0 && port <= 65535, "port", "must be between 0 (the transport's default) and "
                    + "65535, got " + port);
            problems.require(SYSLOG_FACILITIES.containsKey(facility), "facility", "'" + facility
                    + "' is not a syslog facility; one of " + String.join(", ", SYSLOG_FACILITIES.keySet()));
            problems.require(appName != null && appName.matches("[!-~]{1,48}"), "app_name",
                    "must be 1 to 48 printable ASCII characters without spaces");
            if (hostname != null) {
                problems.require(hostname.matches("[!-~]{1,255}"), "hostname",
                        "must be 1 to 255 printable ASCII characters without spaces");
            }
            problems.require(caFile == null || transport == io.waddleperf.agent.sink.SyslogSink.Transport.TLS,
                    "ca_file", "applies to transport tls only");
            problems.require(batchSize >= 1 && batchSize <= 10_000, "batch_size", "must be between 1 and 10000");
            problems.require(timeout.compareTo(Duration.ofMillis(100)) >= 0
                    && timeout.compareTo(Duration.ofMinutes(10)) <= 0, "timeout", "must be between 100ms and 10m");
            int most = transport == io.waddleperf.agent.sink.SyslogSink.Transport.UDP ? 65_000 : 1 << 20;
            problems.require(maxMessageBytes >= 480 && maxMessageBytes <= most, "max_message_bytes",
                    "must be between 480 and " + most + " for " + transport.name().toLowerCase() + ", got "
                            + maxMessageBytes);
        }
    }

    /**
     * The JSON-lines file sink: one result object per line in {@code path} (default {@code <data_dir>/results.jsonl}),
     * rotated to {@code path.1} … {@code path.<keep>} when it reaches {@code max_bytes}.
     */
    public record FileSink(boolean enabled, Path path, @Bytes long maxBytes, int keep, int batchSize)
            implements Validated {

        public static FileSink defaults() {
            return new FileSink(false, null, 64L << 20, 5, 500);
        }

        @Override
        public void validate(Problems problems) {
            problems.require(maxBytes >= 4096, "max_bytes", "must be at least 4K, got " + maxBytes);
            problems.require(keep >= 0 && keep <= 1000, "keep", "must be between 0 and 1000, got " + keep);
            problems.require(batchSize >= 1 && batchSize <= 10_000, "batch_size", "must be between 1 and 10000");
        }
    }

    /**
     * The HTTP status port: AutoPerf status and triggers, Prometheus {@code /metrics}, blackbox-style {@code /probe}.
     *
     * @param requestTimeout a request's head and body must arrive within this of its first byte (and a new
     *                       connection must send one within it), else the connection is closed: a client trickling a
     *                       head cannot hold the port's connections and the agent's file descriptors for good
     * @param maxConnections connections the port holds at once; further ones are closed as they open
     */
    public record Status(boolean enabled, String bind, int port, Duration requestTimeout, int maxConnections)
            implements Validated {

        public static Status defaults() {
            return new Status(true, "0.0.0.0", 9115, Duration.ofSeconds(10), 128);
        }

        @Override
        public void validate(Problems problems) {
            problems.require(!bind.isBlank() && bind.matches("[A-Za-z0-9_.:%-]+"), "bind",
                    "'" + bind + "' is not an address or host name");
            problems.require(port >= 0 && port <= 65535, "port", "must be between 0 (any free port) and 65535, got "
                    + port);
            // the JDK's HTTP server counts this in whole seconds
            problems.require(requestTimeout.compareTo(Duration.ofSeconds(1)) >= 0
                    && requestTimeout.compareTo(Duration.ofMinutes(10)) <= 0
                    && requestTimeout.toMillis() % 1000 == 0, "request_timeout",
                    "must be whole seconds between 1s and 10m, got " + requestTimeout);
            problems.require(maxConnections >= 1 && maxConnections <= 100_000, "max_connections",
                    "must be between 1 and 100000, got " + maxConnections);
        }
    }
}
