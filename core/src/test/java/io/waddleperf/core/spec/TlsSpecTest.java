package io.waddleperf.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The tls probe's own options: sni and tls_library. */
class TlsSpecTest {

    private static TlsSpec parse(String target) {
        return (TlsSpec) TargetParser.parse(target, ProbeOptions.DEFAULTS);
    }

    @Test
    void the_library_is_chosen_automatically_unless_named() {
        assertThat(parse("tls://h").library()).isEqualTo("auto");
        assertThat(parse("tls://h?tls_library=jsse").library()).isEqualTo("jsse");
        assertThat(parse("tls://h?tls_library=OpenSSL").library()).isEqualTo("openssl");
    }

    @Test
    void an_unknown_library_is_refused_naming_the_choices() {
        assertThatThrownBy(() -> parse("tls://h?tls_library=gnutls"))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("tls_library").hasMessageContaining("jsse");
    }
}
