package io.waddleperf.agent.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waddleperf.agent.AgentConfig;
import io.waddleperf.agent.outbox.SpooledResult;
import io.waddleperf.core.result.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The S3 sink against S3Proxy (from Maven Central, its self-contained jar run as a child JVM with the transient
 * blob store) on a free loopback port, through a relay that records the bytes the sink sends, to see the SSE
 * header on the wire.
 */
class S3SinkIT {

    private static final String ID = "local-identity";
    private static final String SECRET = "local-credential";

    @TempDir
    Path dir;

    private Process s3proxy;
    private int port;
    private ServerSocket relay;
    private final ByteArrayOutputStream wire = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws Exception {
        Path jar = Path.of("target", "peers", "s3proxy.jar");
        assertThat(jar).as("S3Proxy jar copied by the build (process-test-resources)").exists();
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path props = Files.writeString(dir.resolve("s3proxy.properties"), String.join("\n",
                "s3proxy.endpoint=http://127.0.0.1:" + port,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + ID,
                "s3proxy.credential=" + SECRET,
                "jclouds.provider=transient",
                "jclouds.identity=" + ID,
                "jclouds.credential=" + SECRET, ""));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        s3proxy = new ProcessBuilder(java, "-Xmx256m", "-cp", jar.toString(), "org.gaul.s3proxy.Main", "--properties",
                props.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("s3proxy.log").toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), port)) {
                break;
            } catch (IOException notYet) {
                assertThat(s3proxy.isAlive()).as(Files.readString(dir.resolve("s3proxy.log"))).isTrue();
                assertThat(System.nanoTime()).as("S3Proxy listening within 60 s").isLessThan(deadline);
                Thread.sleep(100);
            }
        }
        relay = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(this::relayLoop);
        try (S3Client admin = client(port)) {
            admin.createBucket(b -> b.bucket("results"));
        }
    }

    /** Forwards each connection to S3Proxy, keeping a copy of what the client sent. */
    private void relayLoop() {
        while (!relay.isClosed()) {
            try {
                Socket in = relay.accept();
                Socket out = new Socket(InetAddress.getLoopbackAddress(), port);
                Thread.ofVirtual().start(() -> pump(in, out, true));
                Thread.ofVirtual().start(() -> pump(out, in, false));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(Socket from, Socket to, boolean record) {
        try (InputStream i = from.getInputStream(); OutputStream o = to.getOutputStream()) {
            byte[] buf = new byte[16384];
            for (int n; (n = i.read(buf)) > 0; ) {
                if (record) {
                    synchronized (wire) {
                        wire.write(buf, 0, n);
                    }
                }
                o.write(buf, 0, n);
            }
        } catch (IOException e) {
            // connection ended
        } finally {
            try {
                from.close();
                to.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }

    @AfterEach
    void stop() throws Exception {
        if (relay != null) {
            relay.close();
        }
        if (s3proxy != null) {
            s3proxy.destroy();
            s3proxy.waitFor();
        }
    }

    private static S3Client client(int port) {
        return S3Client.builder().region(Region.US_EAST_1).endpointOverride(URI.create("http://127.0.0.1:" + port))
                .forcePathStyle(true)
                .responseChecksumValidation(software.amazon.awssdk.core.checksums.ResponseChecksumValidation.WHEN_REQUIRED)
                .requestChecksumCalculation(software.amazon.awssdk.core.checksums.RequestChecksumCalculation.WHEN_REQUIRED)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ID, SECRET))).build();
    }

    private AgentConfig.S3 config(Map<String, String> extra) {
        java.util.Map<String, String> m = new java.util.HashMap<>(Map.of("target_server", "127.0.0.1",
                "sinks.s3.enabled", "true", "sinks.s3.bucket", "results", "sinks.s3.prefix", "agents/a1/",
                "sinks.s3.endpoint", "http://127.0.0.1:" + relay.getLocalPort(), "sinks.s3.path_style", "true",
                "sinks.s3.timeout", "5s"));
        m.putAll(extra);
        return AgentConfig.of(m).sinks().s3();
    }

    private static List<SpooledResult> batch(int from, int to) {
        List<SpooledResult> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(new SpooledResult(i + 1, Json.write(ManagerSinkIT.result(i))));
        }
        return out;
    }

    private static List<String> keys(S3Client c) {
        return c.listObjectsV2(b -> b.bucket("results")).contents().stream().map(o -> o.key()).toList();
    }

    @Test
    void one_object_per_batch_of_json_lines_and_a_batch_sent_again_replaces_its_object() throws Exception {
        List<SpooledResult> all = batch(0, 120);
        try (S3Sink sink = io.waddleperf.agent.LocalSinksAccess.s3(
                config(Map.of("sinks.s3.batch_size", "50")), Map.of("AWS_ACCESS_KEY_ID", ID,
                        "AWS_SECRET_ACCESS_KEY", SECRET))) {
            assertThat(sink.maxBatch()).isEqualTo(50);
            sink.export(all.subList(0, 50));
            sink.export(all.subList(50, 100));
            sink.export(all.subList(50, 100)); // sent again after a lost answer: same key
            sink.export(all.subList(100, 120));
            try (S3Client c = client(port)) {
                List<String> keys = keys(c);
                assertThat(keys).containsExactlyInAnyOrder(sink.key(all.get(0)), sink.key(all.get(50)),
                        sink.key(all.get(100)));
                assertThat(sink.key(all.get(0))).matches("agents/a1/\\d{4}/\\d{2}/\\d{2}/\\d{2}/" + all.get(0).id()
                        + "\\.jsonl");
                List<String> ids = new ArrayList<>();
                for (String k : keys) {
                    String body = c.getObjectAsBytes(b -> b.bucket("results").key(k)).asUtf8String();
                    body.lines().forEach(l -> ids.add(Json.readResult(l).id().toString()));
                }
                assertThat(ids).containsExactlyInAnyOrderElementsOf(all.stream().map(SpooledResult::id).toList());
            }
        }
        assertThat(sent()).contains("put /results/agents/a1/").doesNotContain("x-amz-server-side-encryption");
    }

    private String sent() {
        synchronized (wire) {
            return wire.toString(StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * The SSE header goes out with the PUT. S3Proxy implements no server-side encryption and answers 501, which is
     * what a store that cannot honour the request should do: the batch fails (and would be retried), it is not
     * stored unencrypted.
     */
    @Test
    void sse_is_sent_and_a_store_that_cannot_honour_it_fails_the_batch() throws Exception {
        try (S3Sink sink = io.waddleperf.agent.LocalSinksAccess.s3(config(Map.of("sinks.s3.sse", "AES256")),
                Map.of("AWS_ACCESS_KEY_ID", ID, "AWS_SECRET_ACCESS_KEY", SECRET))) {
            assertThatThrownBy(() -> sink.export(batch(0, 5))).isInstanceOf(IOException.class)
                    .hasMessageContaining("not implemented");
        }
        assertThat(sent()).contains("put /results/agents/a1/").contains("x-amz-server-side-encryption: aes256");
        try (S3Client c = client(port)) {
            assertThat(keys(c)).isEmpty();
        }
    }

    @Test
    void wrong_credentials_and_a_peer_that_is_down_fail_the_batch_and_missing_credentials_name_the_key() throws Exception {
        try (S3Sink sink = io.waddleperf.agent.LocalSinksAccess.s3(config(Map.of("sinks.s3.access_key_id", ID,
                "sinks.s3.secret_access_key", "wrong")), Map.of())) {
            assertThatThrownBy(() -> sink.export(batch(0, 3))).isInstanceOf(IOException.class)
                    .hasMessageContaining("s3://results/agents/a1/");
        }
        try (S3Sink sink = io.waddleperf.agent.LocalSinksAccess.s3(config(Map.of("sinks.s3.access_key_id", ID,
                "sinks.s3.secret_access_key", SECRET)), Map.of())) {
            sink.export(batch(0, 3));
            s3proxy.destroy();
            s3proxy.waitFor();
            assertThatThrownBy(() -> sink.export(batch(3, 6))).isInstanceOf(IOException.class);
        }
        assertThatThrownBy(() -> io.waddleperf.agent.LocalSinksAccess.s3(config(Map.of()), Map.of()))
                .hasMessageContaining("'sinks.s3.access_key_id'").hasMessageContaining("AWS_ACCESS_KEY_ID");
    }
}
