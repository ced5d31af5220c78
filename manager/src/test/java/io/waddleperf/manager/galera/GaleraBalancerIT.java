package io.waddleperf.manager.galera;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.waddleperf.core.result.Json;
import io.waddleperf.manager.Harness;
import io.waddleperf.manager.ManagerChild;
import io.waddleperf.testkit.GaleraCluster;
import io.waddleperf.testkit.GaleraExtension;
import io.waddleperf.testkit.Requirements;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two manager processes on the Galera cluster behind Debian's nginx balancing round-robin, as a deployment runs them:
 * a login made through one manager is valid on the other (sessions live in the database; both share the secret key),
 * and uploads keep being acknowledged when one manager is killed with {@code kill -9}, the uploaders sending a batch
 * that got no answer again as the agent does. nginx does not resend a POST to the other manager by itself (a POST is
 * not idempotent to it), so the uploader's retry is what carries the batch over.
 */
class GaleraBalancerIT {

    @RegisterExtension
    static final GaleraExtension GALERA = new GaleraExtension(3);

    @Test
    void a_login_through_one_manager_holds_on_the_other_and_uploads_survive_a_killed_manager(@TempDir Path dir)
            throws Exception {
        var nginxBinary = Requirements.command("nginx");
        Requirements.require(nginxBinary.isPresent(), "nginx is not installed (apt-get install nginx)");
        GaleraCluster c = GALERA.cluster();
        String name = GaleraTesting.freshDatabase(c);
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        List<String> settings = List.of("bind=127.0.0.1", "port=0", "db.url=" + c.sequentialUrl(name),
                "db.user=" + GaleraCluster.USER, "db.password=" + GaleraCluster.PASSWORD, "db.connect_timeout=5s",
                "auth.secret_key=" + Base64.getEncoder().encodeToString(key));
        Child one = Child.start(settings, dir.resolve("m1"), true);
        Child two = Child.start(settings, dir.resolve("m2"), false);
        Process nginx = null;
        try {
            int port = freePort();
            nginx = startNginx(nginxBinary.get(), dir.resolve("nginx"), port, one.port, two.port);
            String base = "http://127.0.0.1:" + port;

            String token = login(base);
            HttpClient client = HttpClient.newHttpClient();
            for (Child m : List.of(one, two)) {
                HttpResponse<String> me = client.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + m.port + "/api/v1/auth/me")).header("Authorization", token).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(me.statusCode()).as("the session on manager at %d: %s", m.port, me.body()).isEqualTo(200);
            }
            Set<Integer> answeredBy = new HashSet<>();
            for (int i = 0; i < 4; i++) {
                HttpResponse<String> ready = client.send(HttpRequest.newBuilder(URI.create(base + "/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(ready.statusCode()).isEqualTo(200);
                answeredBy.add(ready.headers().firstValue("X-Upstream-Port").map(Integer::parseInt).orElse(-1));
            }
            assertThat(answeredBy).as("round-robin reaches both managers").containsExactlyInAnyOrder(one.port, two.port);

            Uploaders up = new Uploaders(4, 100, () -> base, token);
            try (up) {
                assertThat(up.awaitMore(30, Duration.ofSeconds(60))).as("ingestion through the balancer").isTrue();
                up.resetGap();
                one.process.destroyForcibly();
                one.process.waitFor(30, TimeUnit.SECONDS);
                assertThat(up.awaitMore(40, Duration.ofSeconds(90))).as("ingestion goes on with one manager").isTrue();
                Duration gap = up.longestGap();
                up.stop();
                Set<UUID> acked = up.acknowledged();
                for (GaleraCluster.Node n : c.nodes()) {
                    GaleraTesting.assertHolds(GaleraTesting.storedIds(n, name), acked, String.format("results on %s", n));
                }
                System.out.printf("galera behind nginx: manager killed; %d batches acknowledged, %d retried uploads, "
                        + "longest stretch without an acknowledgement %d ms%n", up.batches(), up.retries(), gap.toMillis());
            }
        } finally {
            if (nginx != null) {
                nginx.destroy();
                if (!nginx.waitFor(10, TimeUnit.SECONDS)) {
                    nginx.destroyForcibly();
                }
                nginx.descendants().forEach(ProcessHandle::destroyForcibly);
            }
            one.process.destroyForcibly();
            two.process.destroyForcibly();
        }
    }

    /** Debian's nginx in the foreground with a configuration of its own: one upstream of both managers. */
    private static Process startNginx(Path nginx, Path dir, int port, int first, int second) throws Exception {
        Files.createDirectories(dir.resolve("logs"));
        String conf = String.join("\n",
                "daemon off;",
                "worker_processes 1;",
                "pid " + dir.resolve("nginx.pid") + ";",
                "error_log " + dir.resolve("logs/error.log") + " warn;",
                Requirements.isRoot() ? "user root;" : "",
                "events { worker_connections 256; }",
                "http {",
                "  access_log off;",
                // which manager answered, as a header the test reads: the port of $upstream_addr
                "  map $upstream_addr $upstream_port { ~:(?<p>\\d+)$ $p; default -1; }",
                // batches stay in memory instead of temp files the worker user might not be allowed to write
                "  client_max_body_size 16m; client_body_buffer_size 16m;",
                "  client_body_temp_path " + dir.resolve("body") + "; proxy_temp_path " + dir.resolve("proxy") + ";",
                "  fastcgi_temp_path " + dir.resolve("fcgi") + "; uwsgi_temp_path " + dir.resolve("uwsgi") + ";",
                "  scgi_temp_path " + dir.resolve("scgi") + ";",
                "  upstream managers {",
                "    server 127.0.0.1:" + first + " max_fails=1 fail_timeout=5s;",
                "    server 127.0.0.1:" + second + " max_fails=1 fail_timeout=5s;",
                "  }",
                "  server {",
                "    listen 127.0.0.1:" + port + ";",
                "    location / {",
                "      proxy_pass http://managers;",
                "      proxy_http_version 1.1;",
                "      proxy_set_header Connection \"\";",
                "      proxy_connect_timeout 2s;",
                "      add_header X-Upstream-Port $upstream_port always;",
                "    }",
                "  }",
                "}", "");
        Path file = Files.writeString(dir.resolve("nginx.conf"), conf);
        Process p = new ProcessBuilder(nginx.toString(), "-p", dir.toString(), "-c", file.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("logs/stdout.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return p;
            } catch (IOException e) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    p.destroyForcibly();
                    throw new IOException("nginx did not start: " + Files.readString(dir.resolve("logs/stdout.log"))
                            + (Files.exists(dir.resolve("logs/error.log")) ? Files.readString(dir.resolve("logs/error.log")) : ""));
                }
                Thread.sleep(50);
            }
        }
    }

    private static String login(String base) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/v1/auth/login"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        Json.write(Map.of("username", Harness.ADMIN, "password", Harness.ADMIN_PASSWORD))))
                .build();
        HttpResponse<String> r = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = Json.mapper().readTree(r.body());
        return "Bearer " + body.get("token").asText();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A manager in its own JVM ({@link ManagerChild}), started from this test's class path. */
    private record Child(Process process, int port) {

        static Child start(List<String> settings, Path dataDir, boolean createAdmin) throws Exception {
            Files.createDirectories(dataDir);
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                    "-cp", System.getProperty("java.class.path"), ManagerChild.class.getName()));
            command.addAll(settings);
            command.add("data_dir=" + dataDir);
            command.add("create_admin=" + createAdmin);
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("READY ")) {
                    Thread.ofPlatform().daemon().start(() -> out.lines().forEach(l -> { }));
                    return new Child(p, Integer.parseInt(line.substring(6).strip()));
                }
            }
            throw new AssertionError("the manager child exited with " + p.waitFor() + " before it was ready");
        }
    }
}
