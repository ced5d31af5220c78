package io.waddleperf.agent;

import io.waddleperf.agent.outbox.Sink;
import io.waddleperf.agent.sink.SyslogSink;
import io.waddleperf.core.config.ConfigException;
import io.waddleperf.core.spec.TlsClientSpec;
import io.waddleperf.probes.ProbeException;
import io.waddleperf.probes.trust.TlsTrust;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import io.waddleperf.agent.sink.S3Sink;
import io.waddleperf.agent.sink.EmailSink;
import io.waddleperf.agent.sink.WebhookSink;
import io.waddleperf.notify.WebhookSender;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import javax.net.ssl.SSLContext;

/**
 * Builds the local sinks that go beyond the manager and the file from a checked configuration. What only shows when
 * a sink is built (a CA file that cannot be read) is a configuration error naming the key path, so the agent does
 * not start with a sink it cannot use.
 */
final class LocalSinks {

    private LocalSinks() {
    }

    static List<Sink> of(AgentConfig config) throws IOException {
        List<Sink> out = new ArrayList<>();
        AgentConfig.Syslog syslog = config.sinks().syslog();
        if (syslog.enabled()) {
            out.add(syslog(syslog));
        }
        AgentConfig.S3 s3 = config.sinks().s3();
        if (s3.enabled()) {
            out.add(s3(s3, System.getenv()));
        }
        AgentConfig.Email email = config.sinks().email();
        if (email.enabled()) {
            out.add(email(email, java.time.Clock.systemUTC()));
        }
        AgentConfig.Webhook webhook = config.sinks().webhook();
        if (webhook.enabled()) {
            out.add(webhook(webhook, java.time.Clock.systemUTC()));
        }
        return out;
    }

    /** The S3 sink; credentials from the configuration, else from {@code env}'s standard AWS variables. */
    static S3Sink s3(AgentConfig.S3 c, Map<String, String> env) {
        AwsCredentials credentials;
        if (c.accessKeyId() != null) {
            credentials = AwsBasicCredentials.create(c.accessKeyId(), c.secretAccessKey().reveal());
        } else {
            String id = env.get("AWS_ACCESS_KEY_ID");
            String secret = env.get("AWS_SECRET_ACCESS_KEY");
            String token = env.get("AWS_SESSION_TOKEN");
            if (id == null || id.isBlank() || secret == null || secret.isBlank()) {
                throw new ConfigException(List.of("'sinks.s3.access_key_id': the S3 sink has no credentials: set "
                        + "sinks.s3.access_key_id and sinks.s3.secret_access_key, or AWS_ACCESS_KEY_ID and "
                        + "AWS_SECRET_ACCESS_KEY"));
            }
            credentials = token == null || token.isBlank() ? AwsBasicCredentials.create(id, secret)
                    : AwsSessionCredentials.create(id, secret, token);
        }
        S3ClientBuilder b = S3Client.builder()
                .region(Region.of(c.region()))
                .credentialsProvider(StaticCredentialsProvider.create(credentials))
                .forcePathStyle(c.pathStyle())
                // Checksums only where S3 requires them: S3-compatible stores do not all take the newer trailers.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClientBuilder(UrlConnectionHttpClient.builder().connectionTimeout(c.timeout())
                        .socketTimeout(c.timeout()))
                // one try per export: the outbox owns retries and backoff
                .overrideConfiguration(o -> o.apiCallTimeout(c.timeout()).retryStrategy(AwsRetryStrategy.doNotRetry()));
        if (c.endpoint() != null) {
            b.endpointOverride(c.endpoint());
        }
        return new S3Sink(b.build(), c.bucket(), c.prefix(), c.sse(), c.kmsKeyId(), c.batchSize());
    }

    static SyslogSink syslog(AgentConfig.Syslog c) {
        SSLContext tls = null;
        if (c.transport() == SyslogSink.Transport.TLS) {
            if (c.caFile() != null && !Files.isReadable(c.caFile())) {
                throw new ConfigException(List.of("'sinks.syslog.ca_file': cannot read " + c.caFile()));
            }
            try {
                tls = TlsTrust.of(new TlsClientSpec(c.caFile() == null ? null : c.caFile().toString(), c.verify()))
                        .context();
            } catch (ProbeException e) {
                throw new ConfigException(List.of("'sinks.syslog.ca_file': " + e.getMessage()));
            }
        }
        String hostname = c.hostname() != null ? c.hostname() : localHostName();
        return new SyslogSink(c.transport(), c.host(), c.effectivePort(),
                AgentConfig.SYSLOG_FACILITIES.get(c.facility()), hostname, c.appName(), tls, c.verify(),
                c.batchSize(), c.timeout(), c.maxMessageBytes());
    }

    static EmailSink email(AgentConfig.Email c, java.time.Clock clock) throws IOException {
        return new EmailSink(c.smtpHost(), c.smtpPort(), c.starttls(), c.username(), c.password(), c.from(), c.to(),
                localHostName(), c.window(), c.timeout(), c.batchSize(), clock);
    }

    static WebhookSink webhook(AgentConfig.Webhook c, java.time.Clock clock) {
        // one try per export: the outbox owns retries and backoff
        return new WebhookSink(c.hook(), new WebhookSender(c.timeout(), 1, c.timeout(), c.timeout(), clock),
                localHostName(), c.window(), c.batchSize(), clock);
    }

    /** The machine's host name as the kernel has it (no resolver involved, so it cannot hang). */
    static String localHostName() {
        try {
            String name = Files.readString(java.nio.file.Path.of("/proc/sys/kernel/hostname")).strip();
            if (!name.isEmpty()) {
                return name;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall through
        }
        String env = System.getenv("HOSTNAME");
        return env == null || env.isBlank() ? "-" : env;
    }
}
