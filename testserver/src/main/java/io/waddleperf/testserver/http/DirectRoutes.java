package io.waddleperf.testserver.http;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The few bodiless GET endpoints whose answer time is part of what a client measures as latency ({@code /empty},
 * {@code /speedtest/ping}, {@code /nq/small}, {@code /health}), answered by Jetty itself on the thread that read the
 * request; every other request goes on to the next handler (Javalin) on a virtual thread.
 *
 * <p>Why: on a kept-alive loopback connection Jetty's servlet container and Javalin add about 0.05 ms to each request
 * and a hand-off to a virtual thread another 0.02 ms, against 0.025 ms for nginx's whole answer
 * (docs/BENCHMARKS.md §8). Jetty runs a handler on its selector thread only when the server's whole handler tree
 * says it never blocks, so this handler says so and moves the blocking rest (the test API, the speed streams, the
 * browser client) to a virtual thread itself; a Jetty handler may complete its callback on any thread.
 *
 * <p>Routes are added before the server starts and never change after. A request with a body, another method, or a
 * path not listed goes on unchanged, so the Javalin route of the same path still serves it.
 */
public final class DirectRoutes extends Handler.Wrapper {

    private static final Logger LOG = LoggerFactory.getLogger(DirectRoutes.class);

    private final Map<String, Route> routes = new HashMap<>();
    private final Executor blocking;

    /** One bodiless GET answer: 200 with these header fields and a body made for each request. */
    private record Route(List<HttpField> fields, Supplier<byte[]> body) {
    }

    /** {@code blocking} runs every request that is not answered here (the rest of the handler tree). */
    public DirectRoutes(Executor blocking) {
        this.blocking = blocking;
    }

    /**
     * Answers {@code GET path} (query ignored) with 200, {@code contentType}, the {@code headers} in order and the
     * body {@code body} returns for that request. {@code body} runs on a Jetty selector thread: it must not block.
     */
    public DirectRoutes get(String path, String contentType, Map<String, String> headers, Supplier<byte[]> body) {
        if (isStarted()) {
            throw new IllegalStateException("direct routes are fixed once the server runs");
        }
        List<HttpField> fields = new ArrayList<>();
        fields.add(new PreEncodedHttpField(HttpHeader.CONTENT_TYPE, contentType));
        headers.forEach((name, value) -> fields.add(new PreEncodedHttpField(name, value)));
        if (routes.putIfAbsent(path, new Route(List.copyOf(fields), body)) != null) {
            throw new IllegalArgumentException("direct route " + path + " added twice");
        }
        return this;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        Route route = HttpMethod.GET.is(request.getMethod()) && bodiless(request)
                ? routes.get(Request.getPathInContext(request)) : null;
        if (route != null) {
            answer(route, request, response, callback);
            return true;
        }
        Handler next = getHandler();
        if (next == null) {
            return false;
        }
        blocking.execute(() -> {
            try {
                if (!next.handle(request, response, callback)) {
                    Response.writeError(request, response, callback, 404);
                }
            } catch (Throwable x) {
                Response.writeError(request, response, callback, x);
            }
        });
        return true;
    }

    private static void answer(Route route, Request request, Response response, Callback callback) {
        long start = LOG.isDebugEnabled() ? System.nanoTime() : 0;
        byte[] body = route.body().get();
        response.setStatus(200);
        for (HttpField field : route.fields()) {
            response.getHeaders().put(field);
        }
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
        if (start != 0) {
            // the same line Javalin's request logger writes for every other request
            LOG.debug("{} {} {} {} ms client={}", request.getMethod(), Request.getPathInContext(request), 200,
                    Math.round((System.nanoTime() - start) / 1e6), Request.getRemoteAddr(request));
        }
    }

    /** No Content-Length above 0 and no Transfer-Encoding: in HTTP/1.1 the request carries no body (RFC 9112 §6.3). */
    private static boolean bodiless(Request request) {
        return request.getLength() <= 0 && !request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING);
    }

    /** Never blocks itself, so Jetty may run it on the thread that read the request; see the class comment. */
    @Override
    public InvocationType getInvocationType() {
        return InvocationType.NON_BLOCKING;
    }
}
