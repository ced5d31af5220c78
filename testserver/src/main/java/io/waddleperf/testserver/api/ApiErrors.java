package io.waddleperf.testserver.api;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.waddleperf.core.spec.InvalidSpecException;
import io.waddleperf.speed.LimitExceededException;
import io.waddleperf.speed.SpeedRequestException;
import io.waddleperf.speed.UploadStalledException;
import java.time.Duration;
import org.eclipse.jetty.http.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where exceptions become HTTP responses (DESIGN rule 4): status, {@code Retry-After} and the
 * {@link ApiError} body. Anything unexpected is a logged 500 with a generic message, never a stack trace.
 */
public final class ApiErrors {

    private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);

    /** Request attribute marking a response already written here, so the 404 fallback leaves it alone. */
    private static final String ANSWERED = ApiErrors.class.getName() + ".answered";

    private ApiErrors() {
    }

    public static void register(RoutesConfig routes) {
        routes.exception(ApiException.class, (e, ctx) -> respond(ctx, e.status(), e.getMessage(), e.field(), e.retryAfter()));
        routes.exception(InvalidSpecException.class, (e, ctx) -> respond(ctx, 400, messageOf(e), e.field(), null));
        routes.exception(LimitExceededException.class, (e, ctx) -> respond(ctx, 429, e.getMessage(), null, e.retryAfter()));
        routes.exception(SpeedRequestException.class, (e, ctx) -> respond(ctx, 400, e.getMessage(), e.field(), null));
        routes.exception(UploadStalledException.class, (e, ctx) -> respond(ctx, 408, e.getMessage(), "body", null));
        routes.exception(HttpResponseException.class, (e, ctx) -> respond(ctx, e.getStatus(), e.getMessage(), null, null));
        // Jetty's refusal of a request it could not read, e.g. a body below http.min_body_rate (408)
        routes.exception(HttpException.RuntimeException.class, (e, ctx) -> respond(ctx, e.getCode(),
                e.getCode() == 408 ? "the request body arrived too slowly (" + e.getReason() + ")" : e.getReason(),
                "body", null));
        routes.exception(Exception.class, (e, ctx) -> {
            LOG.error("unexpected failure handling {} {}", ctx.method(), ctx.path(), e);
            respond(ctx, 500, "internal error", null, null);
        });
        routes.error(404, ctx -> {
            if (ctx.attribute(ANSWERED) == null) {
                respond(ctx, 404, "no such endpoint: " + ctx.method() + " " + ctx.path(), null, null);
            }
        });
        routes.error(405, ctx -> respond(ctx, 405, "method " + ctx.method() + " not allowed on " + ctx.path(), null, null));
    }

    private static void respond(Context ctx, int status, String message, String field, Duration retryAfter) {
        ctx.attribute(ANSWERED, Boolean.TRUE);
        ctx.status(status);
        if (retryAfter != null) {
            // RFC 9110 §10.2.3: delay-seconds, rounded up so a client never retries too early
            long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
            ctx.header("Retry-After", Long.toString(seconds));
        }
        if (status == 401) {
            ctx.header("WWW-Authenticate", "ApiKey realm=\"waddleperf\", Bearer realm=\"waddleperf\"");
        }
        ctx.json(new ApiError(message, field));
    }

    /** InvalidSpecException prefixes its message with the field, which the body already names separately. */
    private static String messageOf(InvalidSpecException e) {
        String m = e.getMessage();
        String prefix = e.field() + ": ";
        return m.startsWith(prefix) ? m.substring(prefix.length()) : m;
    }
}
