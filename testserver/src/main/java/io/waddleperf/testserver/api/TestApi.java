package io.waddleperf.testserver.api;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.waddleperf.core.result.ErrorKind;
import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.core.result.Source;
import io.waddleperf.core.result.TestType;
import io.waddleperf.core.spec.ProbeOptions;
import io.waddleperf.core.spec.ProbeSpec;
import io.waddleperf.core.spec.TargetParser;
import io.waddleperf.core.spec.TlsClientSpec;
import io.waddleperf.probes.ProbeContext;
import io.waddleperf.probes.ProbeException;
import io.waddleperf.probes.ProbeRunner;
import io.waddleperf.probes.Prober;
import io.waddleperf.testserver.limits.AdmissionControl;
import io.waddleperf.testserver.limits.LimitExceededException;
import io.waddleperf.testserver.policy.TargetPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code POST /api/v1/test/{type}} (docs/TEST-API.md): runs a probe from this server toward the requested target and
 * answers with the result object (docs/RESULTS.md). The checks run cheapest and most general first: rate limit, key, type,
 * content type, body size, fields, target policy, then a running-test slot. A probe that fails is still a 200
 * with {@code success: false}; only a refused request is an error status.
 */
public final class TestApi {

    public static final String PATH = "/api/v1/test/{type}";
    /** Body limit of the test API (docs/TEST-API.md). */
    public static final int MAX_BODY_BYTES = 1 << 20;

    private final ApiKeyAuth auth;
    private final TargetPolicy policy;
    private final AdmissionControl admission;
    private final ClientAddress clientAddress;
    private final Duration maxTestDuration;

    public TestApi(ApiKeyAuth auth, TargetPolicy policy, AdmissionControl admission, ClientAddress clientAddress,
                   Duration maxTestDuration) {
        this.auth = auth;
        this.policy = policy;
        this.admission = admission;
        this.clientAddress = clientAddress;
        this.maxTestDuration = maxTestDuration;
    }

    public void addRoutes(RoutesConfig routes) {
        routes.post(PATH, this::handle);
    }

    private void handle(Context ctx) throws LimitExceededException {
        String client = clientAddress.resolve(ctx.req().getRemoteAddr(),
                Collections.list(ctx.req().getHeaders("X-Forwarded-For")));
        admission.checkRate(client);
        auth.check(ctx.header("Authorization"));
        String type = ctx.pathParam("type").toLowerCase(Locale.ROOT);
        ApiTestTypes.Route route = ApiTestTypes.route(type).orElseThrow(() -> ApiException.notFound("test_type",
                "test type '" + type + "' is not available on this server (available: " + ApiTestTypes.available() + ")"));
        checkContentType(ctx.contentType());
        TestRequest request = TestRequestParser.parse(readBody(ctx), deviceHeaders(ctx));
        ApiTestTypes.Variant variant = route.variant(request.protocol());
        if (variant == null) {
            throw ApiException.badRequest("protocol", "'" + request.protocol() + "' is not a protocol of " + type
                    + " tests (accepted: " + route.accepted() + ")");
        }
        ProbeSpec spec = TargetParser.forType(variant.probeType(), request.target(), request.port(), options(request, variant));
        // Options also arrive in a target's query string (tls://host?ca_file=...), so the built spec is checked, not
        // the request fields: a remote caller must not make this server open its own files.
        if (spec.tlsOptions().map(TlsClientSpec::caFile).isPresent()) {
            throw ApiException.badRequest("ca_file", "names a file on this server, which remote callers cannot choose;"
                    + " the server's own trust anchors apply (or verify=false to measure an untrusted server)");
        }
        if (spec.budget().compareTo(maxTestDuration) > 0) {
            throw ApiException.badRequest(request.count() != null ? "count" : "timeout", "this test could take up to "
                    + spec.budget().toSeconds() + " s (count attempts, each up to timeout); this server allows "
                    + maxTestDuration.toSeconds() + " s");
        }
        TargetPolicy.Decision decision = policy.check(spec.endpoint().host());
        if (decision instanceof TargetPolicy.Refused r) {
            throw ApiException.forbidden("target", "target " + r.reason());
        }
        ProbeContext context = ProbeContext.of(Source.TESTSERVER).withDevice(request.device());
        ProbeResult result;
        try (AdmissionControl.Permit permit = admission.acquire(client)) {
            result = decision instanceof TargetPolicy.Unresolvable u
                    ? ProbeRunner.runWith(spec, unresolvable(u.detail()), context)
                    : ProbeRunner.run(spec, context);
        }
        ctx.json(result);
    }

    private ProbeOptions options(TestRequest request, ApiTestTypes.Variant variant) {
        Map<String, String> params = new HashMap<>(variant.params());
        if (variant.probeType() == TestType.HTTP) {
            if (request.method() != null) {
                params.put("method", request.method());
            }
            if (!policy.allowsPrivateTargets()) {
                // a redirect could lead anywhere, including this server's own network, after the policy check
                params.put("follow_redirects", "false");
            }
        }
        if (variant.probeType() == TestType.DNS && request.query() != null) {
            params.put("query", request.query());
        }
        return new ProbeOptions(request.count(), null, request.timeout(), null, params);
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
