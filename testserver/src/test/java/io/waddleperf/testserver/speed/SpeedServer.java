package io.waddleperf.testserver.speed;

import io.waddleperf.speed.SpeedConfig;
import io.waddleperf.testserver.LoopbackConfig;
import io.waddleperf.testserver.TestServer;
import io.waddleperf.testserver.TestServerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/** A test server on a loopback port with the given speed settings, and a plain JDK HTTP client for it. */
final class SpeedServer implements AutoCloseable {

    final TestServer server;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    SpeedServer(Path dataDir, SpeedConfig speed) throws IOException {
        this(LoopbackConfig.of(dataDir, "auth_disabled", "true").withSpeed(speed));
    }

    SpeedServer(TestServerConfig config) throws IOException {
        server = TestServer.start(config);
    }

    /** A new client (fresh connections) for a running server. */
    SpeedServer(TestServer running) {
        server = running;
        ownsServer = false;
    }

    private boolean ownsServer = true;

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + server.httpPort() + pathAndQuery);
    }

    HttpResponse<byte[]> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<String> getText(String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Reads a body to the end, counting bytes without keeping them. */
    HttpResponse<Long> count(String path, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(60));
        if (headers.length > 0) {
            b.headers(headers);
        }
        HttpResponse<InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        long n = 0;
        try (InputStream in = r.body()) {
            byte[] buf = new byte[1 << 16];
            int k;
            while ((k = in.read(buf)) >= 0) {
                n += k;
            }
        } catch (IOException e) {
            // a body cut short by the server: the count so far is the answer
        }
        long total = n;
        return new Counted(r, total);
    }

    HttpResponse<String> post(String path, byte[] body, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        http.close();
        if (ownsServer) {
            server.close();
        }
    }

    /** A response whose body was counted, not kept. */
    private record Counted(HttpResponse<InputStream> r, Long body) implements HttpResponse<Long> {
        public int statusCode() {
            return r.statusCode();
        }

        public HttpRequest request() {
            return r.request();
        }

        public java.util.Optional<HttpResponse<Long>> previousResponse() {
            return java.util.Optional.empty();
        }

        public java.net.http.HttpHeaders headers() {
            return r.headers();
        }

        public java.util.Optional<javax.net.ssl.SSLSession> sslSession() {
            return r.sslSession();
        }

        public URI uri() {
            return r.uri();
        }

        public HttpClient.Version version() {
            return r.version();
        }
    }
}
