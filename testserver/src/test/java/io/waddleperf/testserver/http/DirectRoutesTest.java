package io.waddleperf.testserver.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** DirectRoutes on a real Jetty: what it answers itself, and that everything else reaches the next handler intact. */
class DirectRoutesTest {

    private final ExecutorService virtualThreads = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicInteger nextCalls = new AtomicInteger();
    private final AtomicBoolean nextOnVirtualThread = new AtomicBoolean();
    private final AtomicInteger bodyCalls = new AtomicInteger();
    private volatile String nextMode = "answer";
    private Server server;
    private DirectRoutes direct;
    private int port;

    @BeforeEach
    void start() throws Exception {
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        direct = new DirectRoutes(virtualThreads);
        direct.get("/ping", "application/json", Map.of("Access-Control-Allow-Origin", "*", "Pragma", "no-cache"),
                () -> ("{\"n\":" + bodyCalls.incrementAndGet() + "}").getBytes(StandardCharsets.US_ASCII));
        direct.get("/empty", "text/plain", Map.of(), () -> new byte[0]);
        direct.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                nextCalls.incrementAndGet();
                nextOnVirtualThread.set(Thread.currentThread().isVirtual());
                switch (nextMode) {
                    case "decline" -> {
                        return false;
                    }
                    case "throw" -> throw new IllegalStateException("boom");
                    default -> {
                        String body = Content.Source.asString(request, StandardCharsets.UTF_8);
                        response.setStatus(201);
                        Content.Sink.write(response, true, "next:" + request.getMethod() + ":" + body, callback);
                        return true;
                    }
                }
            }
        });
        server.setHandler(direct);
        server.start();
        port = connector.getLocalPort();
    }

    @AfterEach
    void stop() throws Exception {
        server.stop();
        virtualThreads.close();
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body);
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).method(method, publisher)
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void answers_a_bodiless_get_itself_with_its_headers_and_a_body_made_per_request() throws Exception {
        HttpResponse<String> first = send("GET", "/ping?r=0.5", null);
        HttpResponse<String> second = send("GET", "/ping", null);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.body()).isEqualTo("{\"n\":1}");
        assertThat(second.body()).isEqualTo("{\"n\":2}");
        assertThat(first.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(first.headers().firstValue("Access-Control-Allow-Origin")).contains("*");
        assertThat(first.headers().firstValue("Pragma")).contains("no-cache");
        assertThat(first.headers().firstValueAsLong("Content-Length")).hasValue(7);
        HttpResponse<String> empty = send("GET", "/empty", null);
        assertThat(empty.statusCode()).isEqualTo(200);
        assertThat(empty.body()).isEmpty();
        assertThat(empty.headers().firstValueAsLong("Content-Length")).hasValue(0);
        assertThat(nextCalls).as("the next handler never saw them").hasValue(0);
    }

    @Test
    void a_request_with_a_body_another_method_or_path_goes_to_the_next_handler_on_a_virtual_thread() throws Exception {
        assertThat(send("GET", "/empty", "payload").body()).isEqualTo("next:GET:payload");
        assertThat(nextOnVirtualThread).isTrue();
        assertThat(send("POST", "/empty", "upload").body()).isEqualTo("next:POST:upload");
        assertThat(send("HEAD", "/ping", null).statusCode()).isEqualTo(201);
        HttpResponse<String> other = send("GET", "/other", null);
        assertThat(other.statusCode()).isEqualTo(201);
        assertThat(other.body()).isEqualTo("next:GET:");
        assertThat(nextCalls).hasValue(4);
        assertThat(bodyCalls).hasValue(0);
    }

    @Test
    void a_next_handler_that_declines_gives_404_and_one_that_throws_gives_500() throws Exception {
        nextMode = "decline";
        assertThat(send("GET", "/other", null).statusCode()).isEqualTo(404);
        nextMode = "throw";
        assertThat(send("GET", "/other", null).statusCode()).isEqualTo(500);
        nextMode = "answer";
        assertThat(send("GET", "/other", null).statusCode()).as("the server still serves").isEqualTo(201);
    }

    @Test
    void routes_are_fixed_once_the_server_runs_and_a_path_is_added_once() {
        assertThatThrownBy(() -> direct.get("/late", "text/plain", Map.of(), () -> new byte[0]))
                .isInstanceOf(IllegalStateException.class);
        DirectRoutes fresh = new DirectRoutes(virtualThreads);
        fresh.get("/a", "text/plain", Map.of(), () -> new byte[0]);
        assertThatThrownBy(() -> fresh.get("/a", "text/plain", Map.of(), () -> new byte[0]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void says_it_never_blocks_so_jetty_may_run_it_on_the_selector_thread() {
        assertThat(direct.getInvocationType()).isEqualTo(org.eclipse.jetty.util.thread.Invocable.InvocationType.NON_BLOCKING);
        assertThat(server.getInvocationType()).isEqualTo(org.eclipse.jetty.util.thread.Invocable.InvocationType.NON_BLOCKING);
    }
}
