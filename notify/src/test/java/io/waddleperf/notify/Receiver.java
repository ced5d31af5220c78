package io.waddleperf.notify;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntUnaryOperator;

/**
 * A webhook receiver on a free loopback port (the JDK's HTTP server): records every request and answers with the
 * status {@code answers} gives for the n-th request (1-based), after {@code delayMillis}.
 */
public final class Receiver implements AutoCloseable {

    /** One request as received. */
    public record Request(String path, Map<String, List<String>> headers, String body) {
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().getFirst()).findFirst().orElse(null);
        }
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final AtomicReference<IntUnaryOperator> answers = new AtomicReference<>(n -> 200);
    private volatile long delayMillis;
    private volatile Map<String, String> extraHeaders = Map.of();

    public Receiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            requests.add(new Request(ex.getRequestURI().getPath(), Map.copyOf(ex.getRequestHeaders()),
                    new String(body, StandardCharsets.UTF_8)));
            int n = requests.size();
            try {
                Thread.sleep(delayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            extraHeaders.forEach((k, v) -> ex.getResponseHeaders().add(k, v));
            byte[] answer = "<html>receiver's own text \u001b[31m</html>".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(answers.get().applyAsInt(n), answer.length);
            ex.getResponseBody().write(answer);
            ex.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    public List<Request> requests() {
        return requests;
    }

    public Receiver answering(IntUnaryOperator statusOfNth) {
        answers.set(statusOfNth);
        return this;
    }

    public Receiver delaying(long millis) {
        delayMillis = millis;
        return this;
    }

    public Receiver withHeaders(Map<String, String> headers) {
        extraHeaders = Map.copyOf(headers);
        return this;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
