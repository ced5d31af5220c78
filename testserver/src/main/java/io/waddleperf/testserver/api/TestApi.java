package io.waddleperf.testserver.api;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.waddleperf.core.address.ClientAddress;
import io.waddleperf.core.result.ErrorKind;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.Source;
import io.waddleperf.core.spec.HttpSpec;
import io.waddleperf.core.spec.ProbeSpec;
import io.waddleperf.core.spec.ServiceTraceSpec;
import io.waddleperf.core.spec.SshSpec;
import io.waddleperf.probes.ProbeContext;
import io.waddleperf.probes.ProbeException;
import io.waddleperf.probes.ProbeRunner;
import io.waddleperf.probes.Prober;
import io.waddleperf.testserver.AccessLog;
import io.waddleperf.testserver.TestServerConfig;
import io.waddleperf.testserver.http.CallerConnection;
import io.waddleperf.testserver.limits.AdmissionControl;
import io.waddleperf.testserver.limits.CallerWatch;
import io.waddleperf.speed.LimitExceededException;
import io.waddleperf.testserver.policy.TargetPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code POST /api/v1/test/{type}} (docs/TEST-API.md): runs a probe from this server toward the requested target and
 * answers with the result object (docs/RESULTS.md). The checks run cheapest and most general first: rate limit, key, type,
 * content type, body size, fields, target policy, then a running-test slot (per client, per API key, overall). A
 * probe that fails is still a 200 with {@code success: false}; only a refused request is an error status. A caller
 * that hangs up while its test runs gets nothing: the test is cancelled and its slot freed at once
 * ({@link CallerWatch}).
 */
public final class TestApi {

    public static final String PATH = "/api/v1/test/{type}";
    /** The access log's status of a request whose caller hung up: nothing was answered (nginx's 499 says the same). */
    static final int CALLER_GONE_STATUS = 499;
    /** Body limit of the test API (docs/TEST-API.md). */
    public static final int MAX_BODY_BYTES = 1 << 20;
    /**
     * The smallest http body cap a test is run with when the byte budget is low (a web page's HTML fits): with less
     * left the test is refused until the budget has refilled this much.
     */
    static final long MIN_BYTES_PER_ATTEMPT = 64 * 1024;

    private final ApiKeyAuth auth;
    private final TargetPolicy policy;
    private final AdmissionControl admission;
    private final ClientAddress clientAddress;
    private final TestServerConfig.Limits limits;
    private final CallerWatch callers;

    public TestApi(ApiKeyAuth auth, TargetPolicy policy, AdmissionControl admission, ClientAddress clientAddress,
                   TestServerConfig.Limits limits, CallerWatch callers) {
        this.auth = auth;
        this.policy = policy;
        this.admission = admission;
        this.clientAddress = clientAddress;
        this.limits = limits;
        this.callers = callers;
    }

    public void addRoutes(RoutesConfig routes) {
        routes.post(PATH, this::handle);
    }

    /** What the access line of one request says; filled in as the request gets further. */
    private static final class Access {
        String client;
        String keyId;
        String type;
        String target;
        Integer port;
        byte[] body;
        int status = 200;
        AccessLog.Outcome outcome = AccessLog.Outcome.SUCCESS;
        String error;

        void refused(int code, String message) {
            status = code;
            outcome = code >= 500 ? AccessLog.Outcome.ERROR : AccessLog.Outcome.REFUSED;
            error = message;
            if (target == null && body != null) {
                // a refused body still says what was asked for, as far as it is JSON
                try {
                    com.fasterxml.jackson.databind.JsonNode root = io.waddleperf.core.result.Json.mapper().readTree(body);
                    if (root != null && root.path("target").isTextual()) {
                        target = root.path("target").textValue();
                    }
                    if (root != null && root.path("port").canConvertToInt()) {
                        port = root.path("port").intValue();
                    }
                } catch (IOException | RuntimeException e) {
                    // not JSON: the line says target=-
                }
            }
        }
    }

    /** Serves one request and writes its access line, whatever became of it (docs/TEST-API.md, "Access log"). */
    private void handle(Context ctx) throws LimitExceededException {
        Instant start = Instant.now();
        long startNanos = System.nanoTime();
        Access a = new Access();
        try {
            serve(ctx, a);
        } catch (ApiException e) {
            a.refused(e.status(), e.getMessage());
            throw e;
        } catch (LimitExceededException e) {
            a.refused(429, e.getMessage());
            throw e;
        } catch (io.waddleperf.core.spec.InvalidSpecException e) {
            a.refused(400, e.getMessage());
            throw e;
        } catch (org.eclipse.jetty.http.HttpException.RuntimeException e) {
            a.refused(e.getCode(), e.getReason());
            throw e;
        } catch (RuntimeException | Error e) {
            a.refused(500, "internal error");
            throw e;
        } finally {
            AccessLog.testApi(start, a.client, a.keyId, a.type, a.target, a.port, a.status, a.outcome, a.error,
                    (System.nanoTime() - startNanos) / 1e6);
        }
    }

    private void serve(Context ctx, Access a) throws LimitExceededException {
        String client = clientAddress.resolve(ctx.req().getRemoteAddr(),
                Collections.list(ctx.req().getHeaders("X-Forwarded-For")));
        a.client = client;
        a.type = ctx.pathParam("type").toLowerCase(Locale.ROOT);
        admission.checkRate(client);
        String keyId = auth.check(ctx.header("Authorization"));
        a.keyId = keyId;
        String type = a.type;
        ApiTestTypes.Route route = ApiTestTypes.route(type).orElseThrow(() -> ApiException.notFound("test_type",
                "test type '" + type + "' is not available on this server (available: " + ApiTestTypes.available() + ")"));
        checkContentType(ctx.contentType());
        a.body = readBody(ctx);
        TestRequest request = TestRequestParser.parse(a.body, deviceHeaders(ctx));
        a.target = request.target();
        a.port = request.port();
        ApiTestTypes.Variant variant = route.variant(request.protocol());
        if (variant == null) {
            throw ApiException.badRequest("protocol", "'" + request.protocol() + "' is not a protocol of " + type
                    + " tests (accepted: " + route.accepted() + ")");
        }
        ProbeSpec spec = spec(variant, request, limits.probeMaxBytes());
        if (spec.budget().compareTo(limits.maxTestDuration()) > 0) {
            throw ApiException.badRequest(request.count() != null ? "count" : "timeout", "this test could take up to "
                    + spec.budget().toSeconds() + " s (count attempts, each up to timeout); this server allows "
                    + limits.maxTestDuration().toSeconds() + " s");
        }
        TargetPolicy.Decision decision = policy.check(spec.endpoint().host());
        if (decision instanceof TargetPolicy.Refused r) {
            throw ApiException.forbidden("target", "target " + r.reason());
        }
        ProbeContext context = ProbeContext.of(Source.TESTSERVER).withDevice(request.device());
        CallerConnection connection = CallerConnection.of(ctx.req());
        ProbeResult result;
        boolean callerGone;
        try (AdmissionControl.Permit permit = admission.acquire(client, keyId)) {
            DataUse data = DataUse.of(spec);
            AdmissionControl.ByteGrant grant = data.attempts() == 0 ? null
                    : admission.reserveBytes(client, keyId, data.bytesPerAttempt() * data.attempts(),
                            data.shrinkable() ? data.attempts() * MIN_BYTES_PER_ATTEMPT : data.bytesPerAttempt());
            if (grant != null && data.shrinkable() && grant.bytes() < data.bytesPerAttempt() * data.attempts()) {
                // A budget with less left than count full bodies lowers each attempt's cap rather than refusing
                spec = spec(variant, request, grant.bytes() / data.attempts());
            }
            // The runner answers an interrupt by cancelling the probe and returning at once, which frees the slot.
            Thread handler = Thread.currentThread();
            CallerWatch.Watch watch = callers.watch(connection.local(), connection.remote(), handler::interrupt);
            result = null;
            try {
                result = decision instanceof TargetPolicy.Unresolvable u
                        ? ProbeRunner.runWith(spec, unresolvable(u.detail()), context)
                        : ProbeRunner.run(spec, context);
            } finally {
                callerGone = watch.stop();
                if (grant != null) {
                    // A cancelled test's bytes are not known: it is charged all it was granted.
                    grant.settle(callerGone || result == null ? grant.bytes() : bytesMoved(result));
                }
            }
        }
        if (callerGone) {
            Thread.interrupted(); // the watch's interrupt, delivered; nothing else is to see it
            connection.close();
            a.status = CALLER_GONE_STATUS;
            a.outcome = AccessLog.Outcome.CALLER_GONE;
            return;
        }
        if (!result.success()) {
            a.outcome = AccessLog.Outcome.FAILURE;
            a.error = result.error();
        }
        ctx.json(result);
    }

    /** The probe {@code request} asks for; http bodies are read up to {@code maxBodyBytes} per attempt. */
    private ProbeSpec spec(ApiTestTypes.Variant variant, TestRequest request, long maxBodyBytes) {
        return ServerSideSpec.build(variant, request, maxBodyBytes, policy.allowsPrivateTargets(), limits.probeMaxBytes());
    }

    /**
     * The data a probe moves: {@code attempts} times at most {@code bytesPerAttempt}; shrinkable when a smaller
     * per-attempt amount still makes a test (an http body cap), not when the amount is what was asked to be
     * measured (an ssh upload). No attempts: the probe moves no data worth counting.
     */
    private record DataUse(int attempts, long bytesPerAttempt, boolean shrinkable) {
        static DataUse of(ProbeSpec spec) {
            return switch (spec) {
                case HttpSpec h -> new DataUse(h.count(), h.maxBodyBytes(), true);
                case ServiceTraceSpec t when t.service() instanceof HttpSpec h -> new DataUse(h.count(), h.maxBodyBytes(), true);
                case SshSpec s when s.authenticates() && s.uploadBytes() > 0 -> new DataUse(1, s.uploadBytes(), false);
                default -> new DataUse(0, 0, false);
            };
        }
    }

    private static long bytesMoved(ProbeResult result) {
        return (result.receivedBytes() == null ? 0 : result.receivedBytes())
                + (result.sentBytes() == null ? 0 : result.sentBytes());
    }

    /** A stand-in prober for a host with no address: the result says so without contacting anything. */
    private static Prober<ProbeSpec> unresolvable(String detail) {
        return (spec, context, result) -> {
            throw new ProbeException(ErrorKind.DNS_FAILURE, detail);
        };
    }

    private static void checkContentType(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return; // the original's clients do not always send one; the body must still be JSON
        }
        String mediaType = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (!mediaType.equals("application/json") && !mediaType.endsWith("+json")) {
            throw ApiException.unsupportedMediaType("Content-Type must be application/json, got '" + mediaType + "'");
        }
    }

    private static byte[] readBody(Context ctx) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > MAX_BODY_BYTES) {
            throw ApiException.payloadTooLarge("body of " + declared + " bytes exceeds the limit of " + MAX_BODY_BYTES);
        }
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                throw ApiException.payloadTooLarge("body exceeds the limit of " + MAX_BODY_BYTES + " bytes");
            }
            return body;
        } catch (IOException e) {
            throw ApiException.badRequest("body", "could not be read: " + e.getMessage());
        }
    }

    private static Map<String, String> deviceHeaders(Context ctx) {
        Map<String, String> headers = new HashMap<>();
        for (String name : TestRequestParser.DEVICE_HEADERS.values()) {
            String v = ctx.header(name);
            if (v != null) {
                headers.put(name, v);
            }
        }
        return headers;
    }
}
