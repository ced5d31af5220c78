package io.waddleperf.probes.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.waddleperf.core.result.ProbeResult;
import io.waddleperf.probes.ProbeException;
import org.junit.jupiter.api.Test;

/**
 * Which library the tls probe takes for each {@code tls_library} choice, with OpenSSL usable and not (a machine
 * without libssl.so.3 cannot be made here, so the state is given; the real loading is exercised by every test of
 * {@link TlsProberTest}, which demands OpenSSL).
 */
class TlsLibraryChoiceTest {

    private static final String MISSING = "libssl.so.3: cannot open shared object file: No such file or directory";

    @Test
    void auto_takes_openssl_when_it_loads_and_names_its_version() throws Exception {
        ProbeResult.Builder result = ProbeResult.builder();
        assertThat(TlsLibrary.useOpenSsl("auto", null, "3.0.22", result)).isTrue();
        assertThat(result.rawResults()).containsEntry("tls_library", "openssl 3.0.22").doesNotContainKey("openssl_unavailable");
    }

    @Test
    void auto_falls_back_to_the_jdk_and_says_why() throws Exception {
        ProbeResult.Builder result = ProbeResult.builder();
        assertThat(TlsLibrary.useOpenSsl("auto", MISSING, null, result)).isFalse();
        assertThat(result.rawResults()).containsEntry("tls_library", "jsse").containsEntry("openssl_unavailable", MISSING);
    }

    @Test
    void jsse_is_taken_when_asked_for_even_with_openssl_there() throws Exception {
        ProbeResult.Builder result = ProbeResult.builder();
        assertThat(TlsLibrary.useOpenSsl("jsse", null, "3.0.22", result)).isFalse();
        assertThat(result.rawResults()).containsEntry("tls_library", "jsse").doesNotContainKey("openssl_unavailable");
    }

    @Test
    void openssl_asked_for_but_missing_fails_the_probe_saying_why() {
        assertThatThrownBy(() -> TlsLibrary.useOpenSsl("openssl", MISSING, null, ProbeResult.builder()))
                .isInstanceOf(ProbeException.class)
                .hasMessageStartingWith("internal_error: tls_library=openssl, but OpenSSL 3 cannot be used here")
                .hasMessageContaining("libssl.so.3");
    }

    @Test
    void this_machine_has_openssl_3() {
        // CI installs Debian's openssl (and with it libssl3): the OpenSSL path must not silently be the fallback.
        assertThat(OpenSsl.problem()).isNull();
        assertThat(OpenSsl.version()).startsWith("3.");
    }
}
