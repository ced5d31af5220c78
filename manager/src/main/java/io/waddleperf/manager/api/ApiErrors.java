package io.waddleperf.manager.api;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.waddleperf.manager.auth.LoginRefusedException;
import io.waddleperf.manager.ingest.InvalidResultException;
import io.waddleperf.manager.store.ConflictException;
import io.waddleperf.manager.store.StoreException;
import io.waddleperf.speed.LimitExceededException;
import io.waddleperf.speed.SpeedRequestException;
import io.waddleperf.speed.UploadStalledException;
import java.time.Duration;
import org.eclipse.jetty.http.BadMessageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where exceptions become HTTP responses: status, {@code Retry-After} and the {@link ApiError} body.
 * Anything unexpected is a logged 500 with a generic message, never a stack trace or a database message.
 */
public final class ApiErrors {

    private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);
    private static final String ANSWERED = ApiErrors.class.getName() + ".answered";
    /** When a client should try again after the database was unavailable. */
    private static final Duration STORE_RETRY_AFTER = Duration.ofSeconds(5);

    private ApiErrors() {
    }

    public static void register(RoutesConfig routes) {
        routes.exception(ApiException.class, (e, ctx) -> respond(ctx, e.status(),
                new ApiError(e.getMessage(), e.field(), null, e.mfaSetupRequired() ? Boolean.TRUE : null), e.retryAfter()));
        routes.exception(InvalidResultException.class, (e, ctx) -> respond(ctx, 400, e.getMessage(), e.field(), null));
        routes.exception(SpeedRequestException.class, (e, ctx) -> respond(ctx, 400, e.getMessage(), e.field(), null));
        routes.exception(LimitExceededException.class, (e, ctx) -> respond(ctx, 429, e.getMessage(), null, e.retryAfter()));
        routes.exception(UploadStalledException.class, (e, ctx) -> respond(ctx, 408, e.getMessage(), "body", null));
        routes.exception(ConflictException.class, (e, ctx) -> respond(ctx, 409, e.getMessage(), e.field(), null));
        routes.exception(LoginRefusedException.class, (e, ctx) -> respond(ctx, e.retryAfter() == null ? 401 : 429,
                new ApiError(e.getMessage(), null, e.reason().asksForCode() ? Boolean.TRUE : null, null), e.retryAfter()));
        routes.exception(StoreException.class, (e, ctx) -> {
            LOG.warn("database unavailable handling {} {}: {}", ctx.method(), ctx.path(), e.getMessage());
            respond(ctx, 503, "the database is unavailable; nothing was stored, try again", null, STORE_RETRY_AFTER);
        });
        routes.exception(HttpResponseException.class, (e, ctx) -> respond(ctx, e.getStatus(), switch (e.getStatus()) {
            case 404 -> "no such endpoint: " + ctx.method() + " " + ctx.path();
            case 405 -> "method " + ctx.method() + " not allowed on " + ctx.path();
            default -> e.getMessage();
        }, null, null));
        // Jetty's refusal of the request itself while a handler reads it, e.g. 408 for a body slower than
        // http.min_body_rate: the client's fault, answered with Jetty's status, not a 500
        routes.exception(BadMessageException.class, (e, ctx) -> respond(ctx, e.getCode(),
                e.getCode() == 408 ? "the body arrived too slowly: " + e.getReason() : e.getReason(), "body", null));
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
        respond(ctx, status, new ApiError(message, field), retryAfter);
    }

    private static void respond(Context ctx, int status, ApiError error, Duration retryAfter) {
        ctx.attribute(ANSWERED, Boolean.TRUE);
        ctx.status(status);
        if (retryAfter != null) {
            // RFC 9110 §10.2.3: delay-seconds, rounded up so a client never retries too early
            long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
            ctx.header("Retry-After", Long.toString(seconds));
        }
        if (status == 401) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"waddleperf\", ApiKey realm=\"waddleperf\"");
        }
        ctx.json(error);
    }
}
