package io.waddleperf.testserver.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waddleperf.core.result.Device;
import io.waddleperf.core.spec.HttpSpec;
import io.waddleperf.core.spec.ServiceTraceSpec;
import io.waddleperf.core.spec.SshSpec;
import org.junit.jupiter.api.Test;

/**
 * What a remote caller may make the server's probes do: everything a target's query string can carry is checked on
 * the built spec, since options arrive there as well as in request fields.
 */
class ServerSideSpecTest {

    private static final long CAP = 1 << 20;

    private static TestRequest request(String target) {
        return new TestRequest(target, null, null, null, null, null, null, Device.UNKNOWN);
    }

    private static ApiTestTypes.Variant variant(String type) {
        return ApiTestTypes.route(type).orElseThrow().variant(null);
    }

    private static Object build(String type, String target, boolean allowPrivate) {
        return ServerSideSpec.build(variant(type), request(target), CAP, allowPrivate, CAP);
    }

    @Test
    void http_and_http_trace_follow_no_redirects_unless_private_targets_are_allowed() {
        assertThat(((HttpSpec) build("http", "http://example.com/", false)).followRedirects()).isFalse();
        HttpSpec traced = (HttpSpec) ((ServiceTraceSpec) build("http_trace", "https://example.com/", false)).service();
        assertThat(traced.followRedirects()).as("a redirect could lead into the server's own network").isFalse();
        assertThat(((HttpSpec) build("http", "http://example.com/", true)).followRedirects()).isTrue();
    }

    @Test
    void http_bodies_are_capped_for_http_and_http_trace() {
        assertThat(((HttpSpec) build("http", "http://example.com/", false)).maxBodyBytes()).isEqualTo(CAP);
        HttpSpec traced = (HttpSpec) ((ServiceTraceSpec) build("http_trace", "https://example.com/", false)).service();
        assertThat(traced.maxBodyBytes()).isEqualTo(CAP);
    }

    @Test
    void files_on_the_server_cannot_be_named() {
        assertThatThrownBy(() -> ServerSideSpec.build(ApiTestTypes.route("tcp").orElseThrow().variant("tls"),
                request("tls://example.com?ca_file=/etc/ssl/private/key.pem"), CAP, false, CAP))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.field()).isEqualTo("ca_file"));
        assertThatThrownBy(() -> build("ssh", "ssh://root@example.com?key_file=/root/.ssh/id_ed25519", false))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.field()).isEqualTo("key_file");
                    assertThat(e.getMessage()).contains("file on this server");
                });
    }

    @Test
    void an_ssh_upload_is_at_most_the_cap() {
        assertThatThrownBy(() -> build("ssh", "ssh://u@example.com?password=x&upload_bytes=2097152", false))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.field()).isEqualTo("upload_bytes"));
        assertThat(((SshSpec) build("ssh", "ssh://u@example.com?password=x&upload_bytes=1048576", false))
                .uploadBytes()).isEqualTo(1 << 20);
        assertThat(((SshSpec) build("ssh", "ssh://example.com", false)).authenticates())
                .as("without credentials there is no upload to bound").isFalse();
    }
}
