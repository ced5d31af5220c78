package io.waddleperf.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The same ca_file and verify options, read the same way, for every probe that speaks TLS as a client. */
class TlsClientSpecTest {

    private static ProbeSpec parse(String target) {
        return TargetParser.parse(target, ProbeOptions.DEFAULTS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tls://h:443?", "https://h/#", "rpm://h:8443?tls=true&", "speedtest://h:8443?tls=true&"})
    void every_tls_client_probe_takes_ca_file_and_verify(String prefix) {
        boolean http = prefix.startsWith("https");
        ProbeSpec plain = parse(prefix.substring(0, prefix.length() - 1));
        assertThat(plain.tlsOptions()).contains(TlsClientSpec.DEFAULT);
        if (!http) { // an http URL's query belongs to the request; the http probe takes these as --opt
            assertThat(parse(prefix + "ca_file=/etc/ca.pem&verify=false").tlsOptions())
                    .contains(new TlsClientSpec("/etc/ca.pem", false));
        }
    }

    @Test
    void http_takes_them_as_options() {
        ProbeSpec s = TargetParser.parse("https://h/", new ProbeOptions(null, null, null, null,
                java.util.Map.of("ca_file", "/etc/ca.pem", "verify", "false")));
        assertThat(s.tlsOptions()).contains(new TlsClientSpec("/etc/ca.pem", false));
    }

    @ParameterizedTest
    @ValueSource(strings = {"rpm", "speedtest"})
    void without_tls_the_options_are_refused_as_they_would_do_nothing(String probe) {
        assertThat(parse(probe + "://h").tlsOptions()).isEqualTo(Optional.empty());
        assertThatThrownBy(() -> parse(probe + "://h?ca_file=/etc/ca.pem"))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("ca_file").hasMessageContaining("tls=true");
        assertThatThrownBy(() -> parse(probe + "://h?verify=false"))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("verify");
    }

    @Test
    void a_malformed_verify_or_an_empty_ca_file_is_refused() {
        assertThatThrownBy(() -> parse("tls://h?verify=maybe")).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("verify");
        assertThatThrownBy(() -> parse("rpm://h?tls=true&ca_file=")).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("ca_file");
    }

    @Test
    void an_http_trace_passes_them_to_its_http_check() {
        ProbeSpec s = TargetParser.parse("http_trace://h?ca_file=/etc/ca.pem", ProbeOptions.DEFAULTS);
        assertThat(s.tlsOptions()).contains(new TlsClientSpec("/etc/ca.pem", true));
    }
}
