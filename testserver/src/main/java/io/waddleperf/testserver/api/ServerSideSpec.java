package io.waddleperf.testserver.api;

import io.waddleperf.core.result.TestType;
import io.waddleperf.core.spec.HttpSpec;
import io.waddleperf.core.spec.ProbeOptions;
import io.waddleperf.core.spec.ProbeSpec;
import io.waddleperf.core.spec.SshSpec;
import io.waddleperf.core.spec.TargetParser;
import io.waddleperf.core.spec.TlsClientSpec;
import java.util.HashMap;
import java.util.Map;

/**
 * The probe a test API request asks for, built the way this server may run it for a remote caller: redirects are not
 * followed under the private-target policy, http bodies are capped, and whatever would make the server use its own
 * files or move more than its cap is refused. Options arrive in request fields and in a target's query string
 * ({@code tls://host?ca_file=…}, {@code ssh://host?key_file=…}) alike, so the built spec is checked, not the fields.
 */
final class ServerSideSpec {

    private ServerSideSpec() {
    }

    /**
     * Builds and checks the spec.
     *
     * @param maxBodyBytes        the body cap of each http attempt
     * @param allowPrivateTargets whether the target policy lets probes reach private networks (then redirects may be
     *                            followed)
     * @param probeMaxBytes       the largest ssh upload allowed
     * @throws ApiException 400 naming the option at fault
     */
    static ProbeSpec build(ApiTestTypes.Variant variant, TestRequest request, long maxBodyBytes,
                           boolean allowPrivateTargets, long probeMaxBytes) {
        ProbeSpec spec = TargetParser.forType(variant.probeType(), request.target(), request.port(),
                options(request, variant, maxBodyBytes, allowPrivateTargets));
        if (spec.tlsOptions().map(TlsClientSpec::caFile).isPresent()) {
            throw ApiException.badRequest("ca_file", "names a file on this server, which remote callers cannot choose;"
                    + " the server's own trust anchors apply (or verify=false to measure an untrusted server)");
        }
        if (spec instanceof SshSpec ssh && ssh.keyFile() != null) {
            throw ApiException.badRequest("key_file", "names a file on this server, which remote callers cannot"
                    + " choose; give a password for an ssh test through the API");
        }
        if (spec instanceof SshSpec ssh && ssh.authenticates() && ssh.uploadBytes() > probeMaxBytes) {
            throw ApiException.badRequest("upload_bytes", "this server uploads at most " + probeMaxBytes
                    + " bytes in an ssh test, not " + ssh.uploadBytes() + "; add upload_bytes=" + probeMaxBytes
                    + " (or less, 0 for none) to the target");
        }
        return spec;
    }

    private static ProbeOptions options(TestRequest request, ApiTestTypes.Variant variant, long maxBodyBytes,
                                        boolean allowPrivateTargets) {
        Map<String, String> params = new HashMap<>(variant.params());
        boolean http = variant.probeType() == TestType.HTTP || variant.probeType() == TestType.HTTP_TRACE;
        if (variant.probeType() == TestType.HTTP && request.method() != null) {
            params.put("method", request.method());
        }
        if (http && !allowPrivateTargets) {
            // a redirect could lead anywhere, including this server's own network, after the policy check
            params.put("follow_redirects", "false");
        }
        if (http) {
            params.put(HttpSpec.MAX_BODY_BYTES, Long.toString(maxBodyBytes));
        }
        if (variant.probeType() == TestType.DNS && request.query() != null) {
            params.put("query", request.query());
        }
        return new ProbeOptions(request.count(), null, request.timeout(), null, params);
    }
}
